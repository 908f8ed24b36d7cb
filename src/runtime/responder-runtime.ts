import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { clientConfig, createMemberClients } from '../aws/clients.js';
import { createOrganizationsClient } from '../aws/organizations-client.js';
import { resolveTopicArn } from '../notify/topic-arn.js';
import type { ResponderDeps } from '../respond/respond.js';
import { accountIdOf } from '../run-start.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';

// What Lambda does with the responder's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { RESPONDER_RUNTIME_PERMISSIONS } from './platform/exposed-key-responder.js';

/** What the exposed-key responder needs, built once per cold start. */
export interface ResponderRuntime extends ClientRuntime {
  /** The responder's dependencies; its account and topic are its own, never an event's. */
  responderDeps(): Promise<ResponderDeps>;
}

/**
 * The shared function runtime plus CloudTrail, read in the function's region: AWS Health delivers
 * IAM's global events in us-east-1, where the responder is deployed. The account (and so the
 * topic) is learnt once from STS.
 */
export function createResponderRuntime(env: Readonly<Record<string, string | undefined>>): ResponderRuntime {
  const runtime = createClientRuntime(env);
  const { settings, clients, clientOptions, region, tracer, logger } = runtime;
  if (settings.reportBucket === null) {
    logger.warn(
      'no REPORT_BUCKET: the exposed-key responder cannot record which events it handled, so a redelivered event is acted on and alerted on again',
    );
  }
  const cloudtrail = new CloudTrailClient(clientConfig(clientOptions));
  tracer.captureAWSv3Client(cloudtrail);
  let accountId: Promise<string> | undefined;
  return {
    ...runtime,
    async responderDeps() {
      accountId ??= accountIdOf(clients);
      const ownAccountId = await accountId;
      return {
        ...clients,
        cloudtrail,
        organizations: createOrganizationsClient(clientOptions),
        organizationsWith: (credentials) => createOrganizationsClient({ ...clientOptions, credentials }),
        memberClients: (credentials) => {
          const member = { ...clientOptions, credentials };
          const { iam, sts, securityHub } = createMemberClients(member);
          const memberTrail = new CloudTrailClient(clientConfig(member));
          return {
            iam,
            cloudtrail: memberTrail,
            destroy: () => {
              for (const client of [iam, sts, securityHub, memberTrail]) client.destroy();
            },
          };
        },
        accountId: ownAccountId,
        region,
        clock: () => new Date(),
        topicArn: resolveTopicArn({
          topicArn: settings.reportTopicArn,
          topicName: settings.reportTopicName,
          region,
          accountId: ownAccountId,
        }),
        selfAccessKeyId: await runtime.selfAccessKeyId(),
        logger,
      };
    },
  };
}
