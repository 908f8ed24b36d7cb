import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { type AwsClients, createClients, signingAccessKeyId } from '../aws/clients.js';
import { loadSettings, type Settings } from '../config/settings.js';
import type { AuditDeps } from '../run-start.js';
import { createPowertools } from './powertools.js';

// What Lambda does with the role of every function built on this runtime (logs, traces); the
// permission gathering (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { LAMBDA_RUNTIME_PERMISSIONS } from './platform/audit-functions.js';

/** Everything a handler needs, built once per cold start. */
export interface LambdaRuntime {
  settings: Settings;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  clients: AwsClients;
  region: string;
  /** The audit's dependencies for one invocation (the remaining time comes from its context). */
  auditDeps(context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<AuditDeps>;
}

/**
 * Reads the environment once. Invalid settings throw here, at cold start, with a message that
 * names the setting, so a bad deployment fails its first invocation loudly instead of auditing
 * with a surprise default.
 */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  const settings = loadSettings(env);
  const { logger, metrics, tracer, region } = createPowertools(env);
  const clients = createClients({
    region,
    forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
  });
  tracer.captureAWSv3Client(clients.iam);
  tracer.captureAWSv3Client(clients.sns);
  tracer.captureAWSv3Client(clients.sts);
  tracer.captureAWSv3Client(clients.s3);
  tracer.captureAWSv3Client(clients.securityHub);
  let selfKey: Promise<string | null> | undefined;
  return {
    settings,
    logger,
    metrics,
    tracer,
    clients,
    region,
    async auditDeps(context) {
      selfKey ??= signingAccessKeyId(clients.iam);
      return {
        ...clients,
        region,
        clock: () => new Date(),
        selfAccessKeyId: await selfKey,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        logger,
      };
    },
  };
}
