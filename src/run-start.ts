/**
 * What every run (an audit, an undo) needs before its first step: the clients it is handed, its
 * run id, the account it is in, and the time budget it must stop within.
 */

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AnswerLinkSource } from './answer/notice-links.js';
import type { PermissionDeclaration } from './aws/permissions.js';
import type { Settings } from './config/settings.js';
import type { OnProgress } from './progress.js';
import { newRunId } from './run-id.js';

/**
 * The account id comes from STS GetCallerIdentity, which AWS allows every principal.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RUN_START_PERMISSIONS = [
  {
    action: 'sts:GetCallerIdentity',
    resource: '*',
    why: 'learns the account id (needs no permission, so it is not granted)',
    grant: false,
  },
] as const satisfies readonly PermissionDeclaration[];

/** Anything with Powertools Logger's shape; tests and the demo pass their own. */
export interface AuditLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface AuditDeps {
  iam: Pick<IAMClient, 'send'>;
  sns: Pick<SNSClient, 'send'>;
  sts: Pick<STSClient, 'send'>;
  /** Writes the report archive when `settings.reportBucket` is set. */
  s3?: Pick<S3Client, 'send'>;
  /**
   * The account the report bucket belongs to, when it is not the audited one: an organization run
   * archives every account's report in the auditor's bucket. Default: the audited account.
   */
  reportBucketOwner?: string;
  /** Reads the team directory when `settings.teamDirectory` names an SSM parameter. */
  ssm?: Pick<SSMClient, 'send'>;
  /**
   * Finds who created a key no tag or directory entry owns (CreateAccessKey events); absent (an
   * organization member account), CloudTrail is not a source of owners.
   */
  cloudtrail?: Pick<CloudTrailClient, 'send'>;
  /**
   * CloudTrail of a region, made without SDK retries (the evidence reader paces and retries); when
   * given, the usage of the keys with a finding is read after apply. Absent: no evidence is read.
   */
  evidenceTrail?: (region: string) => Pick<CloudTrailClient, 'send'>;
  /** Emails the owners' notices when `settings.noticeSender` is set (enforce mode). */
  ses?: Pick<SESv2Client, 'send'>;
  /**
   * Where the notices' answer links point and the key that signs them (read once per run); absent:
   * the notices carry no link.
   */
  answerLinks?: AnswerLinkSource;
  /** Sends the findings to Security Hub when `settings.securityHub` is `on`. */
  securityHub?: Pick<SecurityHubClient, 'send'>;
  /** Region the functions run in (and the report bucket's); builds the topic ARN and archive links. */
  region: string;
  /** The wall clock. Rules never read it: they get `asOf`. */
  clock: () => Date;
  /** The access key the clients sign with (never deactivated), or null. */
  selfAccessKeyId: string | null;
  /** Milliseconds left before the Lambda is stopped; absent outside Lambda. */
  remainingTimeMs?: () => number;
  /** Waits between credential-report polls; tests may pass a faster one. */
  sleep?: (ms: number) => Promise<unknown>;
  logger: AuditLogger;
  /** Every progress event of the run (the command line's progress bar); the logger gets fewer. */
  onProgress?: OnProgress;
  /**
   * Asked in enforce mode, once the actions are planned and before any is applied, when there is
   * at least one; `false` applies none of them. Absent (the functions, `--yes`): no question.
   */
  confirmActions?: (request: ActionsToConfirm) => Promise<boolean>;
}

/** What an enforce run is about to do, for a person to confirm. */
export interface ActionsToConfirm {
  accountId: string;
  deactivations: number;
  deletions: number;
  /** An undo's keys to reactivate (each still re-checked live before it is). */
  reactivations?: number;
}

export interface RunStart {
  runId: string;
  accountId: string;
  startedAt: Date;
  /** True once less than the time-budget margin is left; absent outside Lambda. */
  shouldStop?: () => boolean;
}

/** `startedAt` defaults to now; an audit reads it first to refuse a bad request before any call. */
export async function startRun(
  deps: Pick<AuditDeps, 'sts' | 'clock' | 'remainingTimeMs'>,
  settings: Pick<Settings, 'timeBudgetMarginSeconds'>,
  startedAt: Date = deps.clock(),
  runId: string = newRunId(startedAt),
): Promise<RunStart> {
  const accountId = await accountIdOf(deps);
  const marginMs = settings.timeBudgetMarginSeconds * 1000;
  const { remainingTimeMs } = deps;
  return {
    runId,
    accountId,
    startedAt,
    shouldStop: remainingTimeMs ? () => remainingTimeMs() < marginMs : undefined,
  };
}

/** The account the clients act in, from STS GetCallerIdentity. */
export async function accountIdOf(deps: Pick<AuditDeps, 'sts'>): Promise<string> {
  const identity = await deps.sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? 'unknown';
}
