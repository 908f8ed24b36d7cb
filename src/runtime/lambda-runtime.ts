import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { type AnswerLinkSource, answerLinkSource } from '../answer/notice-links.js';
import { type ClientsOf, createCloudTrailByRegion, secretsManagerClient } from '../aws/clients.js';
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
  /** The notices' answer links (their key's secret client with them), only with the page's address and secret set. */
  answerLinks?: AnswerLinkSource;
};

/** Everything an audit function's handler needs, built once per cold start. */
export type LambdaRuntime = ClientRuntime<AuditFunctionClients>;

/** The shared function runtime (settings read and checked once), with the audit's clients. */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  const runtime: LambdaRuntime = createClientRuntime(env, AUDIT_AND_OWNER_CLIENTS);
  const answerLinks = answerLinkSource(runtime.settings, () => {
    const secrets = secretsManagerClient(runtime.clientOptions);
    runtime.tracer.captureAWSv3Client(secrets);
    return secrets;
  });
  const evidenceTrail =
    runtime.settings.evidence === 'on'
      ? createCloudTrailByRegion(runtime.clientOptions, (client) => runtime.tracer.captureAWSv3Client(client))
      : undefined;
  if (!answerLinks && !evidenceTrail) return runtime;
  return {
    ...runtime,
    clients: {
      ...runtime.clients,
      ...(evidenceTrail ? { evidenceTrail } : {}),
      ...(answerLinks ? { answerLinks } : {}),
    },
    deps: async (context) => ({
      ...(await runtime.deps(context)),
      ...(evidenceTrail ? { evidenceTrail } : {}),
      ...(answerLinks ? { answerLinks } : {}),
    }),
  };
}
