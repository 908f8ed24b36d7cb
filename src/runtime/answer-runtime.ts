import { answerKeyReader } from '../answer/answer-key.js';
import type { AnswerDeps, AnswerSettings } from '../answer/answer-request.js';
import {
  clientsWith,
  iamClient,
  s3Client,
  secretsManagerClient,
  snsClient,
  stsClient,
} from '../aws/clients.js';
import { createOrganizationsClient, organizationsClientWith } from '../aws/organizations-client.js';
import { SettingsError } from '../config/errors.js';
import { resolveTopicArn } from '../notify/topic-arn.js';
import { reachAccount } from '../org/reach-account.js';
import { accountIdOf } from '../run-start.js';
import { createClientRuntime, type FunctionRuntime } from './function-runtime.js';

// What Lambda does with the page's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { ANSWER_PAGE_RUNTIME_PERMISSIONS } from './platform/answer-page.js';

/**
 * The page's clients: the key and its user (IAM), answers (S3), "not mine" (SNS), the link key
 * (Secrets Manager), and for a member account's link its membership (Organizations) and its member
 * role (STS).
 */
const ANSWER_CLIENTS = {
  iam: iamClient,
  s3: s3Client,
  sns: snsClient,
  sts: stsClient,
  secrets: secretsManagerClient,
  organizations: createOrganizationsClient,
};

/** What the page acts on a key with, in a member account. */
const MEMBER_PAGE_CLIENTS = { iam: iamClient };

/** What the answer page needs, built once per cold start. */
export interface AnswerRuntime extends FunctionRuntime {
  answerSettings: AnswerSettings;
  /** The page's dependencies; its account, bucket and topic are its own, never a link's. */
  answerDeps(): Promise<AnswerDeps>;
}

/**
 * Reads the settings once; the page cannot work without the secret and the report bucket (where
 * answers are recorded), so their absence fails the cold start with the setting named.
 */
export function createAnswerRuntime(env: Readonly<Record<string, string | undefined>>): AnswerRuntime {
  const runtime = createClientRuntime(env, ANSWER_CLIENTS);
  const { settings, clients, clientOptions, region, logger } = runtime;
  const missing = [
    settings.answerSecret === null && {
      name: 'ANSWER_SECRET',
      setting: 'answerSecret',
      message: 'is required by the answerPage function: the Secrets Manager secret holding the link key',
    },
    settings.reportBucket === null && {
      name: 'REPORT_BUCKET',
      setting: 'reportBucket',
      message:
        'is required by the answerPage function: answers are recorded under answers/ of the report bucket',
    },
  ].filter((issue) => issue !== false);
  if (missing.length > 0) throw new SettingsError(missing);
  const answerKey = answerKeyReader(clients.secrets, settings.answerSecret as string);
  const organizationsWith = organizationsClientWith(clientOptions);
  const memberClients = clientsWith(MEMBER_PAGE_CLIENTS, clientOptions);
  let accountId: Promise<string> | undefined;
  return {
    ...runtime,
    answerSettings: { snoozeMaxDays: settings.snoozeMaxDays, snoozeLimit: settings.snoozeLimit },
    async answerDeps() {
      accountId ??= accountIdOf(clients);
      const ownAccountId = await accountId;
      return {
        iam: clients.iam,
        // A member account's link: the responder's bounds (an ACTIVE account of the organization,
        // through the member role); the answer is still recorded in the page's own bucket.
        memberIam: async (linkAccountId, sessionId) => {
          const reach = await reachAccount(
            {
              sts: clients.sts,
              organizations: clients.organizations,
              organizationsWith,
              accountId: ownAccountId,
              region,
              own: { iam: clients.iam },
              memberClients,
            },
            settings,
            linkAccountId,
            sessionId,
          );
          return reach.kind === 'refused'
            ? reach
            : { kind: 'reached', iam: reach.clients.iam, release: reach.release };
        },
        s3: clients.s3,
        sns: clients.sns,
        answerKey,
        clock: () => new Date(),
        accountId: ownAccountId,
        bucket: settings.reportBucket as string,
        topicArn: resolveTopicArn({
          topicArn: settings.reportTopicArn,
          topicName: settings.reportTopicName,
          region,
          accountId: ownAccountId,
        }),
        logger,
      };
    },
  };
}
