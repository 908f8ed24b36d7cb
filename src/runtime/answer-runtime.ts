import { answerKeyReader } from '../answer/answer-key.js';
import type { AnswerDeps, AnswerSettings } from '../answer/answer-request.js';
import { iamClient, s3Client, secretsManagerClient, snsClient, stsClient } from '../aws/clients.js';
import { SettingsError } from '../config/errors.js';
import { resolveTopicArn } from '../notify/topic-arn.js';
import { accountIdOf } from '../run-start.js';
import { createClientRuntime, type FunctionRuntime } from './function-runtime.js';

// What Lambda does with the page's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { ANSWER_PAGE_RUNTIME_PERMISSIONS } from './platform/answer-page.js';

/** The page's clients: the key and its user (IAM), answers (S3), "not mine" (SNS), the key (Secrets Manager). */
const ANSWER_CLIENTS = {
  iam: iamClient,
  s3: s3Client,
  sns: snsClient,
  sts: stsClient,
  secrets: secretsManagerClient,
};

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
  const { settings, clients, region, logger } = runtime;
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
  let accountId: Promise<string> | undefined;
  return {
    ...runtime,
    answerSettings: { snoozeMaxDays: settings.snoozeMaxDays, snoozeLimit: settings.snoozeLimit },
    async answerDeps() {
      accountId ??= accountIdOf(clients);
      const ownAccountId = await accountId;
      return {
        iam: clients.iam,
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
