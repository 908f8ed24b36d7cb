import type { Context } from 'aws-lambda';
import { createCloudTrailByRegion } from '../aws/clients.js';
import type { AuditDeps } from '../run-start.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';

// What Lambda does with the role of every function built on this runtime (logs, traces); the
// permission gathering (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { LAMBDA_RUNTIME_PERMISSIONS } from './platform/audit-functions.js';

/** Everything an audit function's handler needs, built once per cold start. */
export interface LambdaRuntime extends ClientRuntime {
  /** The audit's dependencies for one invocation (the remaining time comes from its context). */
  auditDeps(context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<AuditDeps>;
}

/** The shared function runtime (settings read and checked once), with the audit's dependencies. */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  const runtime = createClientRuntime(env);
  const cloudtrail = createCloudTrailByRegion(runtime.clientOptions, (client) =>
    runtime.tracer.captureAWSv3Client(client),
  );
  return {
    ...runtime,
    async auditDeps(context) {
      return {
        ...runtime.clients,
        ...(runtime.settings.evidence === 'on' ? { evidenceTrail: cloudtrail } : {}),
        region: runtime.region,
        clock: () => new Date(),
        selfAccessKeyId: await runtime.selfAccessKeyId(),
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        logger: runtime.logger,
      };
    },
  };
}
