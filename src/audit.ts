/**
 * One audit of one account, as one pipeline:
 * collect -> evaluate -> plan -> resolve -> evaluate and plan again -> confirm with CloudTrail (when
 * evidence is on) -> apply -> privilege -> owners -> evidence -> notices -> report
 * -> Security Hub (when on) -> archive.
 * Delivery is a separate step (`deliverReport`) that runs after the IAM work is done.
 */

import { noticeLinks } from './answer/notice-links.js';
import { readRecentAnswers } from './answer/recent-answers.js';
import { readSnoozeAnswers } from './answer/snooze-answers.js';
import { applyActions, TIME_BUDGET_SKIP_REASON } from './apply/apply.js';
import { earlierAttemptDeactivations } from './apply/earlier-attempt.js';
import { type ArchivedRun, readArchivedRun } from './archive/read-archive.js';
import { archiveReport } from './archive/write-archive.js';
import type { RoundRateLimiter } from './aws/rate-limiter.js';
import { collectInventory } from './collect/collect-inventory.js';
import { ROOT_USER_NAME } from './collect/live-collector.js';
import type { Settings } from './config/settings.js';
import { rememberingEvaluation } from './evaluate/registry.js';
import { confirmUnused } from './evidence/confirm-unused.js';
import { evidenceEntry } from './evidence/evidence-entry.js';
import { evidenceCandidates } from './evidence/evidence-subjects.js';
import { withKeyIds } from './evidence/key-ids.js';
import { type EvidenceDeps, type EvidenceKey, readEvidence } from './evidence/read-evidence.js';
import { exportToSecurityHub } from './export/security-hub.js';
import type { AuditError, AuditReport, Finding, PlannedAction, UserRecord } from './model.js';
import { gateOnNotices } from './notices/notice-gate.js';
import { notifyOwners } from './notices/notify-owners.js';
import { type LedgerLocation, type LedgerRead, readLedger } from './notices/read-ledger.js';
import { resolveTopicArn } from './notify/topic-arn.js';
import { resolveOwners } from './owners/resolve-owners.js';
import { teamDirectoryOnce } from './owners/team-directory.js';
import type { CapVerdict } from './plan/blast-radius-cap.js';
import { type Plan, plan } from './plan/plan.js';
import type { SnoozeAnswers } from './plan/snoozes.js';
import { readPrivileges } from './privilege/read-privilege.js';
import { weighFindings } from './privilege/weigh.js';
import { reportProgressTo } from './progress.js';
import { buildReport } from './report/build-report.js';
import { liveDisagreements } from './resolve/live-disagreements.js';
import { resolvePlannedUsers } from './resolve/resolve-planned-users.js';
import { type AuditDeps, startRun } from './run-start.js';

export interface AuditRequest {
  settings: Settings;
  /** Audit only these users. */
  users?: readonly string[];
  /**
   * The run this audit is (a nightly event's, named in its delivery record before anything
   * changed); a new run id when absent.
   */
  runId?: string;
  /**
   * An earlier attempt of `runId` started and never delivered (killed, or timed out): the keys its
   * records name as deactivated by the run are reported as applied, beside this attempt's actions.
   */
  continuesInterruptedAttempt?: boolean;
}

export class AuditRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuditRequestError';
  }
}

/** The skip reason of every planned action when the operator answers no at the confirmation. */
export const NOT_CONFIRMED_REASON = 'not confirmed at the prompt; nothing was changed';

/** A run's report and the users it is about (the CSV and HTML renderers need both). */
export interface AuditOutcome {
  report: AuditReport;
  users: readonly UserRecord[];
}

/** Evaluation times further than this from the clock count as a preview. */
const PREVIEW_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * Per-key and archive failures end up in the report; nothing here throws for them. Enforce mode acts
 * at the real time only: a preview of another date (`asOf`) is refused unless in report mode.
 */
export async function runAudit(deps: AuditDeps, request: AuditRequest): Promise<AuditReport> {
  return (await auditAccount(deps, request)).report;
}

/** {@link runAudit}, also handing back the users it audited. */
export async function auditAccount(deps: AuditDeps, request: AuditRequest): Promise<AuditOutcome> {
  const { settings } = request;
  const startedAt = deps.clock();
  const asOf = settings.asOf ?? startedAt;
  if (settings.mode === 'enforce' && Math.abs(asOf.getTime() - startedAt.getTime()) > PREVIEW_TOLERANCE_MS) {
    throw new AuditRequestError(
      `asOf ${asOf.toISOString()} is a preview of another date and cannot be combined with mode "enforce"; use mode "report" to preview.`,
    );
  }
  const { runId, accountId, shouldStop } = await startRun(deps, settings, startedAt, request.runId);
  deps.logger.info('audit started', {
    runId,
    accountId,
    mode: settings.mode,
    asOf: asOf.toISOString(),
    users: request.users?.length,
  });
  const onProgress = reportProgressTo(deps, { runId });
  const evaluate = rememberingEvaluation({ now: asOf, settings });
  const decide = (
    users: readonly UserRecord[],
    errors: readonly AuditError[],
    unresolvedKeyReason: (userName: string) => string | null,
    snoozeAnswers: SnoozeAnswers,
    earlierCap: CapVerdict | null = null,
  ): Plan =>
    plan({
      users,
      findings: evaluate(users),
      errors,
      settings,
      now: asOf,
      selfAccessKeyId: deps.selfAccessKeyId,
      runId,
      unresolvedKeyReason,
      earlierCap,
      snoozeAnswers,
    });

  // collect
  const { inventory, source } = await collectInventory(
    {
      iam: deps.iam,
      clock: deps.clock,
      shouldStop,
      sleep: deps.sleep,
      onProgress,
      warn: (message) => deps.logger.warn('inventory source', { runId, message }),
    },
    { settings, accountId, userNames: request.users },
  );
  deps.logger.info('inventory collected', { runId, source });

  // evaluate and plan; a key known only by its credential-report slot may be planned here, since
  // it is read live below before anything is done to it
  // snoozes: the answer records behind the users' snooze tags (one read per snoozed key)
  // In an organization run the records are in the auditor's bucket, under the member's account id.
  const snoozeReads = {
    s3: deps.s3,
    bucket: settings.reportBucket,
    bucketOwner: deps.reportBucketOwner ?? accountId,
    accountId,
    now: asOf,
  };
  const firstSnoozes = await readSnoozeAnswers(snoozeReads, inventory.users);
  const firstPlan = decide(
    inventory.users,
    [...inventory.errors, ...firstSnoozes.errors],
    () => null,
    firstSnoozes.answers,
  );

  // resolve: read live the users the plan would act on (no call on the live path)
  // (and, when notices are on, the users of every unused key known only by its slot: a notice names
  // a key by its id, and the ledger is keyed by it, so a key never read live would never be noticed)
  const noticing = settings.mode === 'enforce' && settings.notices === 'on';
  const live = await resolvePlannedUsers(
    { iam: deps.iam, concurrency: settings.concurrency, shouldStop, onProgress },
    {
      users: inventory.users,
      errors: inventory.errors,
      plan: firstPlan,
      settings,
      toNotice: noticing ? slotOnlyUnusedKeyUsers(firstPlan.findings) : new Set(),
    },
  );

  // evaluate and plan again, on live data, key by key (when anyone had to be read live)
  const replan = live.resolved.length + live.notReached.length > 0;
  const snoozes = replan
    ? await readSnoozeAnswers(snoozeReads, live.users, firstSnoozes.answers)
    : firstSnoozes;
  const finalPlan = replan
    ? decide(
        live.users,
        [...live.errors, ...snoozes.errors],
        live.unresolvedKeyReason,
        snoozes.answers,
        firstPlan.cap,
      )
    : firstPlan;
  const livePlanned = [
    ...finalPlan.actions,
    ...liveDisagreements(firstPlan.actions, finalPlan.actions, live.users, asOf),
  ];

  // confirm with CloudTrail (evidence on): a key the plan would deactivate that CloudTrail saw used
  // after the date the plan relied on is left alone tonight. One lookup of one event per region,
  // for those keys only: the full profiles are read after apply. Never for a preview of another
  // date (CloudTrail has only now).
  const evidenceTrail = settings.asOf === null ? deps.evidenceTrail : undefined;
  const limiters = new Map<string, RoundRateLimiter>();
  const unusedConfirmed = evidenceTrail
    ? await confirmUnused(evidenceDeps(deps, evidenceTrail, shouldStop, limiters), {
        actions: livePlanned,
        users: live.users,
        homeRegion: deps.region,
        days: settings.evidenceDays,
        now: asOf,
      })
    : null;
  const planned = unusedConfirmed?.actions ?? livePlanned;

  // notices: in enforce mode, an unused key is deactivated only after its owner was sent a notice
  // naming it and a deadline (the ledger, read for the flagged keys only); the gate is pure
  const ledgerAt: LedgerLocation | null =
    settings.reportBucket && deps.s3
      ? { bucket: settings.reportBucket, owner: deps.reportBucketOwner ?? accountId, accountId }
      : null;
  const ledger: LedgerRead | null =
    noticing && ledgerAt && deps.s3
      ? await readLedger(deps.s3, ledgerAt, noticedKeyIds(finalPlan.findings, planned), settings.concurrency)
      : null;
  const lastUses = new Map(
    live.users.flatMap((user) =>
      user.keys.map((key) => [key.accessKeyId, key.lastUsed?.date ?? null] as const),
    ),
  );
  const gated = noticing
    ? gateOnNotices(planned, {
        ledger,
        noLedgerReason: settings.reportBucket ? 'no S3 client given' : 'reportBucket is not set',
        lastUseOf: (id) => lastUses.get(id) ?? null,
        now: asOf,
        noticeDays: settings.noticeDays,
      })
    : planned;

  // apply (enforce only, and only once confirmed when someone is asked)
  const applied =
    settings.mode === 'enforce' && (await confirmed(deps, accountId, gated))
      ? await applyActions(
          {
            iam: deps.iam,
            now: asOf,
            runId,
            unusedKeyDays: settings.rules.unusedKey.days,
            deleteAfterDays: settings.rules.inactiveKeyCleanup.days,
            shouldStop,
            archivedRun: archivedRuns(deps, settings, accountId),
            onProgress,
          },
          gated,
        )
      : settings.mode === 'enforce'
        ? gated.map((a) =>
            a.status === 'planned' ? { ...a, status: 'skipped' as const, reason: NOT_CONFIRMED_REASON } : a,
          )
        : planned;
  // what an interrupted attempt of this run already did, as its records on the users say
  const actions = request.continuesInterruptedAttempt
    ? [...earlierAttemptDeactivations(live.users, runId, applied), ...applied]
    : applied;
  // Whatever the time budget kept from being done is listed, so the next run is known to be needed.
  const notApplied = actions.filter((a) => a.status === 'skipped' && a.reason === TIME_BUDGET_SKIP_REASON);
  const notReached = [
    ...new Set([...inventory.notReached, ...live.notReached, ...notApplied.map((a) => a.userName)]),
  ];

  // privilege: what each user with a finding can do (reads in proportion to the findings), and
  // severity weighed by it; after apply, so no deactivation waits on it
  const usersByName = new Map(live.users.map((user) => [user.userName, user]));
  const subjects = finalPlan.findings.flatMap((f) =>
    f.userName === null || f.userName === ROOT_USER_NAME
      ? []
      : [usersByName.get(f.userName) ?? { userName: f.userName }],
  );
  const privileged = await readPrivileges(
    { iam: deps.iam, concurrency: settings.concurrency, shouldStop },
    subjects,
  );
  const weighed = weighFindings(finalPlan.findings, privileged.privileges, settings.privilegeWeighting);

  // owners: who answers for each key with a finding (tags, team directory, CloudTrail, the security
  // team); reads in proportion to the keys the tags leave open. After apply for now: nothing acts on
  // an owner yet (the notice ledger will feed plan from here).
  const owned = await resolveOwners(
    { ssm: deps.ssm, s3: deps.s3, cloudtrail: deps.cloudtrail, now: asOf },
    { findings: weighed, users: live.users, settings },
  );

  // evidence: how each key with a finding used lately is used, from CloudTrail; after apply, so no
  // deactivation waits on it, and never for a preview of another date (CloudTrail has only now)
  // (and the keys CloudTrail contradicted before apply, whatever their findings)
  const evidenceKeys = evidenceTrail
    ? await withKeyIds(deps.iam, evidenceCandidates(owned.findings, settings.evidenceDays))
    : null;
  for (const { userName, reason } of evidenceKeys?.unresolved ?? []) {
    deps.logger.warn('usage evidence not read', { runId, userName, reason });
  }
  const evidence =
    evidenceTrail && evidenceKeys
      ? await readEvidence(evidenceDeps(deps, evidenceTrail, shouldStop, limiters), {
          keys: withContradicted(evidenceKeys.keys, unusedConfirmed?.contradicted ?? []),
          homeRegion: deps.region,
          days: settings.evidenceDays,
          maxPagesPerKey: settings.evidenceMaxPagesPerKey,
          timeBudgetMs: settings.evidenceTimeBudgetSeconds * 1000,
        })
      : null;
  const evidenceEntries = evidence ? evidence.map(evidenceEntry) : null;

  // notices: tonight's stages (notice, final reminder, action notice), claimed in the ledger, sent
  // once per owner, marked sent; after apply, so the action notice says what was done, and after
  // evidence, so each key's notice carries the way off its usage points to
  const notifying = noticing && ledgerAt && ledger && ledger.failed === null && deps.s3;
  // the owners' answer links: the key read once for the night, unless nothing will be sent
  const links = notifying
    ? await noticeLinks(deps.answerLinks, { accountId, findings: owned.findings })
    : null;
  const notified =
    notifying && ledgerAt && ledger && deps.s3
      ? await notifyOwners(
          {
            s3: deps.s3,
            ses: deps.ses,
            sns: deps.sns,
            ssm: deps.ssm,
            logger: { info: deps.logger.info.bind(deps.logger), error: deps.logger.warn.bind(deps.logger) },
            now: deps.clock,
          },
          {
            accountId,
            runId,
            now: asOf,
            noticeDays: settings.noticeDays,
            unusedKeyDays: settings.rules.unusedKey.days,
            sender: settings.noticeSender,
            topicArn: noticeTopicArn(deps, settings, deps.reportBucketOwner ?? accountId),
            ledger: ledgerAt,
            read: ledger,
            findings: owned.findings,
            actions,
            users: live.users,
            answerLinkFor: links?.linkFor ?? (() => null),
            evidence: evidenceEntries ?? [],
            teamDirectory: teamDirectoryOnce(
              { ssm: deps.ssm, s3: deps.s3 },
              settings.teamDirectory,
              owned.directory,
            ),
            directoryReported: owned.directory !== null,
          },
        )
      : null;
  const findings = notified?.findings ?? owned.findings;

  // answers: what owners answered on the answer page since the last night (the Owners view); with
  // the notices, as only a notice carries an answer link
  const answered =
    noticing && ledgerAt && deps.s3 ? await readRecentAnswers(deps.s3, { ...ledgerAt, now: asOf }) : null;

  // report
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
    users: live.users,
    findings,
    actions,
    exempt: finalPlan.exempt,
    errors: [
      ...live.errors,
      ...snoozes.errors,
      ...(unusedConfirmed?.errors ?? []),
      ...privileged.errors,
      ...owned.errors,
      ...(ledger?.failed
        ? [
            {
              userName: null,
              accessKeyId: null,
              operation: 's3:ListObjectsV2',
              code: 'NoticeLedgerUnreadable',
              message: `${ledger.failed}; no unused key was deactivated and no notice was sent this run.`,
            },
          ]
        : []),
      ...(links?.error ? [links.error] : []),
      ...(notified?.errors ?? []),
      ...(answered?.error ? [answered.error] : []),
    ],
    ...(notified ? { notices: notified.notices } : {}),
    ...(answered ? { answers: answered.answers } : {}),
    privilegeWeighting: settings.privilegeWeighting,
    ...(evidenceEntries ? { evidence: evidenceEntries } : {}),
    thresholds: {
      unusedKeyDays: settings.rules.unusedKey.days,
      unusedKeyWarnDays: settings.rules.unusedKey.warnDays,
      neverUsedKeyDays: settings.rules.neverUsedKey.days,
      rotationDays: settings.rules.rotationOverdue.days,
    },
  });

  // Security Hub (when on), before the archive so that findings it did not take are errors in the
  // archived report too; never a lost run. A preview of another date (asOf) describes no present
  // state, so it sends nothing.
  const exportFindings = settings.securityHub === 'on' && settings.asOf === null;
  const exported =
    exportFindings && deps.securityHub
      ? (
          await exportToSecurityHub(
            { securityHub: deps.securityHub, clock: deps.clock, logger: deps.logger },
            {
              report,
              users: live.users,
              thresholds: settings.rules,
              region: deps.region,
              targetedUsers: request.users,
            },
          )
        ).report
      : report;
  if (exportFindings && !deps.securityHub) {
    deps.logger.warn('findings not sent to Security Hub: no Security Hub client given', { runId });
  }
  if (settings.securityHub === 'on' && settings.asOf !== null) {
    deps.logger.info('findings not sent to Security Hub: a preview (asOf) is not the present state', {
      runId,
    });
  }

  // archive, before delivery, so the message can link to the full report; archive failures are
  // errors in the report, never a lost run
  const archived =
    settings.reportBucket && deps.s3
      ? await archiveReport(
          { s3: deps.s3, logger: deps.logger },
          { bucket: settings.reportBucket, region: deps.region, owner: deps.reportBucketOwner },
          { report: exported, users: live.users, settings },
        )
      : exported;
  if (settings.reportBucket && !deps.s3) {
    deps.logger.warn('report not archived: no S3 client given', { runId, bucket: settings.reportBucket });
  }
  deps.logger.info('audit finished', { runId, summary: archived.summary, complete: archived.complete });
  return { report: archived, users: live.users };
}

/** The evidence reader's dependencies: paced on the run's clock when a sleep is given (a test's clock and sleep move together, without real waits). */
function evidenceDeps(
  deps: AuditDeps,
  cloudtrail: NonNullable<AuditDeps['evidenceTrail']>,
  shouldStop: (() => boolean) | undefined,
  limiters: Map<string, RoundRateLimiter>,
): EvidenceDeps {
  return {
    cloudtrail,
    limiters,
    clock: deps.clock,
    shouldStop,
    ...(deps.sleep ? { time: { now: () => deps.clock().getTime(), sleep: deps.sleep } } : {}),
  };
}

/** The keys with a finding, then those CloudTrail contradicted before apply and not among them. */
function withContradicted(keys: readonly EvidenceKey[], contradicted: readonly EvidenceKey[]): EvidenceKey[] {
  const known = new Set(keys.map((key) => key.accessKeyId));
  return [...keys, ...contradicted.filter((key) => !known.has(key.accessKeyId))];
}

/** Users with an unused key the inventory knows only by its slot (the credential report's). */
function slotOnlyUnusedKeyUsers(findings: readonly Finding[]): Set<string> {
  return new Set(
    findings.flatMap((f) =>
      f.ruleId === 'unused-key' && f.userName !== null && f.accessKeyId === null ? [f.userName] : [],
    ),
  );
}

/** The keys whose notice records the run reads: unused-key findings and planned deactivations. */
function noticedKeyIds(findings: readonly Finding[], planned: readonly PlannedAction[]): string[] {
  return [
    ...findings.flatMap((f) =>
      f.userName !== null && f.accessKeyId !== null && f.ruleId === 'unused-key' ? [f.accessKeyId] : [],
    ),
    ...planned.flatMap((a) => (a.action === 'deactivate' && a.key.kind === 'id' ? [a.key.accessKeyId] : [])),
  ];
}

/**
 * The report topic, for notices without an owner address; null when none is configured. In an
 * organization run it is the auditor's (`reportBucketOwner`), whichever account the keys are in.
 */
function noticeTopicArn(deps: AuditDeps, settings: Settings, accountId: string): string | null {
  if (!settings.reportTopicArn && !settings.reportTopicName) return null;
  return resolveTopicArn({
    topicArn: settings.reportTopicArn,
    topicName: settings.reportTopicName,
    region: deps.region,
    accountId,
  });
}

/** True unless someone is asked (`confirmActions`) about planned actions and says no. */
async function confirmed(
  deps: AuditDeps,
  accountId: string,
  planned: readonly PlannedAction[],
): Promise<boolean> {
  const waiting = planned.filter((a) => a.status === 'planned');
  if (!deps.confirmActions || waiting.length === 0) return true;
  const deletions = waiting.filter((a) => a.action === 'delete').length;
  const answer = await deps.confirmActions({
    accountId,
    deactivations: waiting.length - deletions,
    deletions,
  });
  deps.logger.info(answer ? 'actions confirmed' : 'actions not confirmed', {
    accountId,
    planned: waiting.length,
  });
  return answer;
}

/** Each run's archived report read at most once per audit; none without a bucket and an S3 client. */
function archivedRuns(
  deps: AuditDeps,
  settings: Settings,
  accountId: string,
): ((runId: string) => Promise<ArchivedRun>) | undefined {
  const { s3 } = deps;
  const bucket = settings.reportBucket;
  if (!s3 || !bucket) return undefined;
  const read = new Map<string, Promise<ArchivedRun>>();
  return (runId) => {
    const cached = read.get(runId) ?? readArchivedRun(s3, { bucket, region: deps.region, accountId }, runId);
    read.set(runId, cached);
    return cached;
  };
}
