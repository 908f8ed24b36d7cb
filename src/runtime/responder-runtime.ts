import {
  type ClientsOf,
  clientsWith,
  cloudTrailClient,
  iamClient,
  s3Client,
  snsClient,
  stsClient,
} from '../aws/clients.js';
import { createOrganizationsClient, organizationsClientWith } from '../aws/organizations-client.js';
import { resolveTopicArn } from '../notify/topic-arn.js';
import type { ResponderDeps } from '../respond/respond.js';
import { accountIdOf } from '../run-start.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';

// What Lambda does with the responder's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { RESPONDER_RUNTIME_PERMISSIONS } from './platform/exposed-key-responder.js';

/** What the responder acts on a key with, in its own account or a member's. */
const KEY_CLIENTS = { iam: iamClient, cloudtrail: cloudTrailClient };

/**
 * The responder's clients: the key's (IAM, CloudTrail), who it is and the member role (STS), the
 * alert (SNS), the handled events (S3), the organization's accounts (Organizations).
 */
const RESPONDER_CLIENTS = {
  iam: iamClient,
  cloudtrail: cloudTrailClient,
  sts: stsClient,
  sns: snsClient,
  s3: s3Client,
  organizations: createOrganizationsClient,
};

/** What the exposed-key responder needs, built once per cold start. */
export interface ResponderRuntime extends ClientRuntime<ClientsOf<typeof RESPONDER_CLIENTS>> {
  /** The responder's dependencies; its account and topic are its own, never an event's. */
  responderDeps(): Promise<ResponderDeps>;
}

/**
 * The shared function runtime with the responder's clients, CloudTrail read in the function's
 * region: AWS Health delivers IAM's global events in us-east-1, where the responder is deployed.
 * The account (and so the topic) is learnt once from STS.
 */
export function createResponderRuntime(env: Readonly<Record<string, string | undefined>>): ResponderRuntime {
  const runtime = createClientRuntime(env, RESPONDER_CLIENTS);
  const { settings, clients, clientOptions, region, logger } = runtime;
  if (settings.reportBucket === null) {
    logger.warn(
      'no REPORT_BUCKET: the exposed-key responder cannot record which events it handled, so a redelivered event is acted on and alerted on again',
    );
  }
  const organizationsWith = organizationsClientWith(clientOptions);
  const memberClients = clientsWith(KEY_CLIENTS, clientOptions);
  let accountId: Promise<string> | undefined;
  return {
    ...runtime,
    async responderDeps() {
      accountId ??= accountIdOf(clients);
      const ownAccountId = await accountId;
      return {
        ...(await runtime.deps()),
        organizationsWith,
        memberClients,
        accountId: ownAccountId,
        topicArn: resolveTopicArn({
          topicArn: settings.reportTopicArn,
          topicName: settings.reportTopicName,
          region,
          accountId: ownAccountId,
        }),
      };
    },
  };
}
