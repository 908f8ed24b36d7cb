import { createOwnerClients } from '../aws/owner-clients.js';
import type { LambdaRuntime } from './lambda-runtime.js';

/**
 * The runtime of a function that audits, with the clients owner resolution reads with (SSM for the
 * team directory, CloudTrail for who created a key) in its audit dependencies. Only the audit
 * functions call this, so the others' bundles carry neither client.
 */
export function withOwnerClients<T extends LambdaRuntime>(runtime: T): T {
  const clients = createOwnerClients({ region: runtime.region });
  runtime.tracer.captureAWSv3Client(clients.ssm);
  runtime.tracer.captureAWSv3Client(clients.cloudtrail);
  return {
    ...runtime,
    async auditDeps(context) {
      return { ...(await runtime.auditDeps(context)), ...clients };
    },
  };
}
