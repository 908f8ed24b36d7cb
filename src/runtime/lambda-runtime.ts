import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { type ClientsOf, createCloudTrailByRegion } from '../aws/clients.js';
import { AUDIT_AND_OWNER_CLIENTS } from '../aws/owner-clients.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';

// What Lambda does with the role of every function built on this runtime (logs, traces); the
// permission gathering (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { LAMBDA_RUNTIME_PERMISSIONS } from './platform/audit-functions.js';

/** The clients of an audit function: the audit's, owner resolution's, and the usage evidence's. */
type AuditFunctionClients = ClientsOf<typeof AUDIT_AND_OWNER_CLIENTS> & {
  /** CloudTrail by region for the usage evidence, only with EVIDENCE=on. */
  evidenceTrail?: (region: string) => CloudTrailClient;
};

/** Everything an audit function's handler needs, built once per cold start. */
export type LambdaRuntime = ClientRuntime<AuditFunctionClients>;

/** The shared function runtime (settings read and checked once), with the audit's clients. */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  const runtime: LambdaRuntime = createClientRuntime(env, AUDIT_AND_OWNER_CLIENTS);
  if (runtime.settings.evidence !== 'on') return runtime;
  const evidenceTrail = createCloudTrailByRegion(runtime.clientOptions, (client) =>
    runtime.tracer.captureAWSv3Client(client),
  );
  return {
    ...runtime,
    clients: { ...runtime.clients, evidenceTrail },
    deps: async (context) => ({ ...(await runtime.deps(context)), evidenceTrail }),
  };
}
