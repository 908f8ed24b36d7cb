import type { Settings } from '../config/settings.js';
import { type Delivery, reportTopicArn } from '../deliver.js';
import { publishMessage } from '../notify/publish.js';
import { type AuditDeps, startRun } from '../run-start.js';
import { findRunDeactivations } from './find-deactivations.js';
import { reactivate } from './reactivate.js';
import { buildUndoReport } from './report.js';
import { buildUndoSnsPublish } from './sns-message.js';
import type { UndoReport } from './types.js';

/**
 * Undoes one run: finds the keys whose deactivation tag names `undoneRunId` and reactivates each
 * one that is still as the run left it (see `reactivate`). An unknown run id is not an error: the
 * report says there was nothing to undo. Like an audit, it stops starting new work when the time
 * budget is spent and says so (`complete: false`, the users and keys not reached); a rerun finishes. The MODE setting does not apply: an undo only ever
 * reverses what an enforce run did, and is itself an explicit request.
 *
 * @example
 * const report = await runUndo(deps, { undoneRunId: '20261120T030000Z-1a2b3c', settings });
 */
export async function runUndo(
  deps: AuditDeps,
  request: { undoneRunId: string; settings: Settings },
): Promise<UndoReport> {
  const { settings, undoneRunId } = request;
  const { runId, accountId, startedAt, shouldStop } = await startRun(deps, settings);
  deps.logger.info('undo started', { runId, accountId, undoneRunId });

  const budget = shouldStop ? { shouldStop } : {};
  const found = await findRunDeactivations(deps.iam, undoneRunId, {
    concurrency: settings.concurrency,
    ...budget,
  });
  const reactivation = await reactivate({ iam: deps.iam, ...budget }, undoneRunId, found.found);
  const report = buildUndoReport({
    runId,
    undoneRunId,
    accountId,
    startedAt,
    finishedAt: deps.clock(),
    complete: found.complete && reactivation.complete,
    notReached: found.notReached,
    actions: reactivation.actions,
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
