import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { applyActions, TIME_BUDGET_SKIP_REASON } from './apply/apply.js';
import { archiveReport } from './archive/write-archive.js';
import type { PermissionDeclaration } from './aws/permissions.js';
import { collectInventory } from './collect/collect-inventory.js';
import type { Settings } from './config/settings.js';
import type { AuditReport } from './model.js';
import { publishReport } from './notify/publish.js';
import { resolveTopicArn } from './notify/topic-arn.js';
import { buildReport, newRunId } from './report/build-report.js';
import { splitByTeam } from './report/teams.js';
import { planOnLiveData } from './resolve/plan-on-live-data.js';

/** The account id comes from STS GetCallerIdentity, which AWS allows every principal. */
export const AUDIT_PERMISSIONS = [
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
}

export interface AuditRequest {
  settings: Settings;
  /** Audit only these users. */
  users?: readonly string[];
}

export interface Delivery {
  topicArn: string;
  messageId: string;
  /** One message per team named in the report (per-team routing), after the full report's. */
  teamMessages?: { team: string; messageId: string }[];
}

export class AuditRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuditRequestError';
  }
}

/** Evaluation times further than this from the clock count as a preview. */
const PREVIEW_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * One audit of one account: collect -> evaluate -> plan -> apply (enforce only) -> report ->
 * archive (when `reportBucket` is set: JSON, CSV and HTML in S3, linked from the report's
 * `archive`). Per-key and archive failures end up in the report; nothing here throws for them. Delivery is a
 * separate step (`deliverReport`) that runs after the IAM work is done, so when it fails and
 * Lambda retries, the retry finds the keys already inactive and repeats nothing.
 *
 * @example
 * const report = await runAudit(deps, { settings });
 * await deliverReport(deps, settings, report);
 */
export async function runAudit(deps: AuditDeps, request: AuditRequest): Promise<AuditReport> {
  const { settings } = request;
  const startedAt = deps.clock();
  const asOf = settings.asOf ?? startedAt;
  if (settings.mode === 'enforce' && Math.abs(asOf.getTime() - startedAt.getTime()) > PREVIEW_TOLERANCE_MS) {
    throw new AuditRequestError(
      `asOf ${asOf.toISOString()} is a preview of another date and cannot be combined with mode "enforce"; use mode "report" to preview.`,
    );
  }
  const marginMs = settings.timeBudgetMarginSeconds * 1000;
  const shouldStop = deps.remainingTimeMs
    ? () => (deps.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY) < marginMs
    : undefined;

  const identity = await deps.sts.send(new GetCallerIdentityCommand({}));
  const accountId = identity.Account ?? 'unknown';
  const runId = newRunId(startedAt);
  deps.logger.info('audit started', {
    runId,
    accountId,
    mode: settings.mode,
    asOf: asOf.toISOString(),
    users: request.users?.length,
  });

  const { inventory, source } = await collectInventory(
    {
      iam: deps.iam,
      clock: deps.clock,
      ...(shouldStop ? { shouldStop } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      onProgress: ({ usersDone }) => deps.logger.info('inventory progress', { usersDone }),
      warn: (message) => deps.logger.warn('inventory source', { runId, message }),
    },
    { settings, accountId, ...(request.users ? { userNames: request.users } : {}) },
  );
  deps.logger.info('inventory collected', { runId, source });
  // Credential-report keys have no ids: the users with a planned action are read live and
  // decided again on that data. On the live path this is a plain evaluate + plan.
  const planned = await planOnLiveData(
    { iam: deps.iam, concurrency: settings.concurrency, ...(shouldStop ? { shouldStop } : {}) },
    {
      users: inventory.users,
      errors: inventory.errors,
      settings,
      now: asOf,
      selfAccessKeyId: deps.selfAccessKeyId,
      runId,
    },
  );
  const actions =
    settings.mode === 'enforce'
      ? await applyActions(
          {
            iam: deps.iam,
            now: asOf,
            runId,
            unusedKeyDays: settings.rules.unusedKey.days,
            deleteAfterDays: settings.rules.inactiveKeyCleanup.days,
            ...(shouldStop ? { shouldStop } : {}),
          },
          planned.actions,
        )
      : planned.actions;
  // Whatever the time budget kept from being done is listed, so the next run is known to be needed.
  const notApplied = actions.filter((a) => a.status === 'skipped' && a.reason === TIME_BUDGET_SKIP_REASON);
  const notReached = [
    ...new Set([...inventory.notReached, ...planned.notReached, ...notApplied.map((a) => a.userName)]),
  ];

  const report = buildReport({
    runId,
    accountId,
    mode: settings.mode,
    asOf,
    startedAt,
    finishedAt: deps.clock(),
    source,
    complete: inventory.complete && notReached.length === 0,
    notReached,
    users: planned.users,
    findings: planned.findings,
    actions,
    exempt: planned.exempt,
    errors: planned.errors,
    thresholds: {
      unusedKeyDays: settings.rules.unusedKey.days,
      unusedKeyWarnDays: settings.rules.unusedKey.warnDays,
      neverUsedKeyDays: settings.rules.neverUsedKey.days,
      rotationDays: settings.rules.rotationOverdue.days,
    },
  });
  // Archived before delivery, so the message can link to the full report. Archive failures are
  // errors in the report, never a lost run.
  const archived =
    settings.reportBucket && deps.s3
      ? await archiveReport(
          { s3: deps.s3, logger: deps.logger },
          { bucket: settings.reportBucket, region: deps.region },
          { report, users: planned.users, settings },
        )
      : report;
  if (settings.reportBucket && !deps.s3) {
    deps.logger.warn('report not archived: no S3 client given', { runId, bucket: settings.reportBucket });
  }
  deps.logger.info('audit finished', { runId, summary: archived.summary, complete: archived.complete });
  return archived;
}

/**
 * Publishes the report to the topic (the ARN setting, else the topic name in this account), then
 * one copy per team the report names (users tagged `team`, else `owner`), with only that team's
 * entries and the message attribute `team`, the most urgent teams first and at most
 * `maxTeamMessages` of them (the rest are named in a warning). Throws a DeliveryError on failure
 * so Lambda's retries and error alarms see it.
 */
export async function deliverReport(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger'>,
  settings: Settings,
  report: AuditReport,
): Promise<Delivery> {
  const topicArn = reportTopicArn(deps, settings, report.accountId);
  const options = { chatFormat: settings.chatFormat };
  const { messageId } = await publishReport(deps.sns, topicArn, report, options);
  deps.logger.info('report published', { runId: report.runId, topicArn, messageId });
  if (settings.maxTeamMessages === 0) return { topicArn, messageId };
  const split = splitByTeam(report, settings.maxTeamMessages);
  if (split.omitted.length > 0) {
    deps.logger.warn('more teams than team messages allowed; the full report still has them', {
      runId: report.runId,
      maxTeamMessages: settings.maxTeamMessages,
      omittedTeams: split.omitted.length,
      firstOmitted: split.omitted.slice(0, 10),
    });
  }
  const teamMessages: { team: string; messageId: string }[] = [];
  for (const teamReport of split.reports) {
    const team = teamReport.team ?? '';
    const published = await publishReport(deps.sns, topicArn, teamReport, options);
    teamMessages.push({ team, messageId: published.messageId });
  }
  if (teamMessages.length > 0) {
    deps.logger.info('team reports published', { runId: report.runId, teams: teamMessages.length });
  }
  return { topicArn, messageId, teamMessages };
}

/**
 * The topic reports go to: the ARN setting, else the topic name in this account and region.
 *
 * @example
 * reportTopicArn({ region: 'eu-west-1' }, settings, '111111111111');
 */
export function reportTopicArn(
  deps: Pick<AuditDeps, 'region'>,
  settings: Settings,
  accountId: string,
): string {
  return resolveTopicArn({
    topicArn: settings.reportTopicArn,
    topicName: settings.reportTopicName,
    region: deps.region,
    accountId,
  });
}
