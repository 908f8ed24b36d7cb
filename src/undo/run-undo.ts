import { archivedRule, archiveLists, readArchivedRun } from '../archive/read-archive.js';
import type { Settings } from '../config/settings.js';
import { type Delivery, reportTopicArn } from '../deliver.js';
import { publishMessage } from '../notify/publish.js';
import { type AuditDeps, startRun } from '../run-start.js';
import { findRunDeactivations, type RunDeactivation } from './find-deactivations.js';
import { reactivate, setAsideUnrevivable, UNDO_SKIP_REASONS, type UndoCandidate } from './reactivate.js';
import { buildUndoReport, UNDO_TRUST_TAGS_HINT } from './report.js';
import { buildUndoSnsPublish } from './sns-message.js';
import type { UndoAction, UndoReport } from './types.js';

/**
 * Undoes one run: finds the keys whose deactivation tag names `undoneRunId` and reactivates each
 * one that is still as the run left it (see `reactivate`). An unknown run id is not an error: the
 * report says there was nothing to undo. Like an audit, it stops starting new work when the time
 * budget is spent and says so (`complete: false`, the users and keys not reached); a rerun finishes. The MODE setting does not apply: an undo only ever
 * reverses what an enforce run did, and is itself an explicit request.
 *
 * Without the undone run's archived report (no report bucket, or it cannot be read) the user tags
 * are all there is, and anyone allowed to tag users can write one: nothing is reactivated unless
 * `trustTags` says to go on the tags. A key the run deactivated because it was exposed, or of a
 * user AWS quarantined, is never reactivated (see `reactivate`).
 *
 * @example
 * const report = await runUndo(deps, { undoneRunId: '20261120T030000Z-1a2b3c', settings });
 */
export async function runUndo(
  deps: AuditDeps,
  request: { undoneRunId: string; settings: Settings; trustTags?: boolean },
): Promise<UndoReport> {
  const { settings, undoneRunId } = request;
  const trustTags = request.trustTags === true;
  const { runId, accountId, startedAt, shouldStop } = await startRun(deps, settings);
  deps.logger.info('undo started', { runId, accountId, undoneRunId });

  const budget = shouldStop ? { shouldStop } : {};
  const found = await findRunDeactivations(deps.iam, undoneRunId, {
    concurrency: settings.concurrency,
    ...budget,
  });
  // A tag can be written by anyone allowed to tag users: with a report bucket, only the keys the
  // undone run's own archived report lists as deactivated are reactivated.
  const archived =
    settings.reportBucket && deps.s3
      ? await readArchivedRun(
          deps.s3,
          { bucket: settings.reportBucket, region: deps.region, accountId },
          undoneRunId,
        )
      : null;
  const confirmed = archived?.kind === 'read' ? archived : null;
  const tagsOnly =
    archived === null
      ? 'no report bucket is set, so the archived report of the undone run could not confirm the tags'
      : archived.kind === 'unread'
        ? archived.why
        : null;
  const skip = (key: RunDeactivation, reason: string): UndoAction => ({
    userName: key.userName,
    accessKeyId: key.accessKeyId,
    deactivation: key.tagValue,
    status: 'skipped',
    reason,
    error: null,
  });
  let candidates: UndoCandidate[] = [];
  const skipped: UndoAction[] = [];
  for (const key of found.found) {
    if (confirmed !== null) {
      if (archiveLists(confirmed, key.userName, key.accessKeyId)) {
        candidates.push({
          ...key,
          archivedRule: archivedRule(confirmed, key.userName, key.accessKeyId) ?? null,
        });
      } else {
        skipped.push(
          skip(
            key,
            `the archived report of run ${undoneRunId} does not list this key as deactivated, so its tag is not key-hygiene's record; left inactive`,
          ),
        );
      }
    } else if (trustTags) candidates.push({ ...key, archivedRule: null });
    else skipped.push(skip(key, `not reactivated: ${tagsOnly}. ${UNDO_TRUST_TAGS_HINT}`));
  }
  // On a terminal, a person says yes before the first key is touched, to the keys that would
  // actually be reactivated: the exposed and the quarantined are set aside before asking.
  if (deps.confirmActions && candidates.length > 0) {
    const screened = await setAsideUnrevivable(deps.iam, candidates);
    candidates = screened.candidates;
    skipped.push(...screened.skipped);
  }
  if (
    deps.confirmActions &&
    candidates.length > 0 &&
    !(await deps.confirmActions({
      accountId,
      deactivations: 0,
      deletions: 0,
      reactivations: candidates.length,
    }))
  ) {
    skipped.push(...candidates.map((key) => skip(key, UNDO_SKIP_REASONS.notConfirmed)));
    candidates = [];
  }
  const reactivation = await reactivate({ iam: deps.iam, ...budget }, undoneRunId, candidates);
  const report = buildUndoReport({
    runId,
    undoneRunId,
    accountId,
    startedAt,
    finishedAt: deps.clock(),
    complete: found.complete && reactivation.complete,
    notReached: found.notReached,
    tagsOnly,
    tagsTrusted: tagsOnly !== null && trustTags,
    actions: [...reactivation.actions, ...skipped],
    errors: found.errors,
  });
  deps.logger.info('undo finished', {
    runId,
    undoneRunId,
    summary: report.summary,
    complete: report.complete,
  });
  return report;
}

/**
 * Publishes the undo report to the report topic, like `deliverReport` does for an audit.
 *
 * @example
 * await deliverUndoReport(deps, settings, report);
 */
export async function deliverUndoReport(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger'>,
  settings: Settings,
  report: UndoReport,
): Promise<Delivery> {
  const topicArn = reportTopicArn(deps, settings, report.accountId);
  const { messageId } = await publishMessage(deps.sns, topicArn, report.runId, buildUndoSnsPublish(report));
  deps.logger.info('undo report published', { runId: report.runId, topicArn, messageId });
  return { topicArn, messageId };
}
