import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { clientConfig, createClients, signingAccessKeyId } from '../aws/clients.js';
import type { Settings } from '../config/settings.js';
import { loadSettings } from '../config/settings.js';
import { resolveTopicArn } from '../notify/topic-arn.js';
import type { ResponderDeps } from '../respond/respond.js';
import { createPowertools } from './powertools.js';

// What Lambda does with the responder's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { RESPONDER_RUNTIME_PERMISSIONS } from './platform/exposed-key-responder.js';

/** What the exposed-key responder needs, built once per cold start. */
export interface ResponderRuntime {
  settings: Settings;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  /** The responder's dependencies for an event of this account. */
  responderDeps(accountId: string): Promise<ResponderDeps>;
}

/**
 * Reads the settings once (invalid ones fail the cold start, naming the setting) and builds the
 * IAM, SNS and CloudTrail clients. CloudTrail is read in the function's region: AWS Health delivers
 * IAM's global events in us-east-1, where the responder is deployed.
 */
export function createResponderRuntime(env: Readonly<Record<string, string | undefined>>): ResponderRuntime {
  const settings = loadSettings(env);
  const { logger, metrics, tracer, region } = createPowertools(env);
  const { iam, sns } = createClients({ region });
  const cloudtrail = new CloudTrailClient(clientConfig({ region }));
  tracer.captureAWSv3Client(iam);
  tracer.captureAWSv3Client(sns);
  tracer.captureAWSv3Client(cloudtrail);
  let selfKey: Promise<string | null> | undefined;
  return {
    settings,
    logger,
    metrics,
    tracer,
    async responderDeps(accountId) {
      selfKey ??= signingAccessKeyId(iam);
      return {
        iam,
        sns,
        cloudtrail,
        clock: () => new Date(),
        topicArn: resolveTopicArn({
          topicArn: settings.reportTopicArn,
          topicName: settings.reportTopicName,
          region,
          accountId,
        }),
        selfAccessKeyId: await selfKey,
        logger,
      };
    },
  };
}
