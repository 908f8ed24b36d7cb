/**
 * What an ad-hoc request runs, an audit or an undo of an earlier run. The `adhocAudit` handler runs
 * it; the `key-hygiene` command calls the same two pipelines (`auditAccount`, `runUndo`) itself, as
 * it also needs the audited users for its CSV and HTML output.
 */
import { runAudit } from './audit.js';
import type { AdhocEvent } from './config/adhoc-event.js';
import type { Settings } from './config/settings.js';
import { type Delivery, deliverReport } from './deliver.js';
import type { AuditReport } from './model.js';
import type { AuditDeps } from './run-start.js';
import { deliverUndoReport, runUndo } from './undo/run-undo.js';
import type { UndoReport } from './undo/types.js';

export type AdhocReport = AuditReport | UndoReport;

/** True for the report of an undo. */
export function isUndoReport(report: AdhocReport): report is UndoReport {
  return 'kind' in report && report.kind === 'undo';
}

/**
 * Runs a validated event with the settings already overridden by it (`applyEventOverrides`).
 *
 * @example
 * const report = await runAdhoc(deps, applyEventOverrides(settings, event), event);
 */
export function runAdhoc(deps: AuditDeps, settings: Settings, event: AdhocEvent): Promise<AdhocReport> {
  if (event.undo !== undefined) {
    return runUndo(deps, { undoneRunId: event.undo, settings, trustTags: event.trustTags === true });
  }
  return runAudit(deps, { settings, ...(event.users ? { users: event.users } : {}) });
}

/**
 * Publishes either kind of report to the report topic.
 *
 * @example
 * if (event.notify) await deliverAdhoc(deps, settings, report);
 */
export function deliverAdhoc(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger' | 'onProgress'>,
  settings: Settings,
  report: AdhocReport,
): Promise<Delivery> {
  return isUndoReport(report)
    ? deliverUndoReport(deps, settings, report)
    : deliverReport(deps, settings, report);
}
