/**
 * What an ad-hoc request runs, shared by the `adhocAudit` handler and the `npm run audit` command so
 * both do exactly the same thing: an audit, or an undo of an earlier run.
 */
import { runAudit } from './audit.js';
import type { AdhocEvent } from './config/adhoc-event.js';
import type { Settings } from './config/settings.js';
import { type Delivery, deliverReport } from './deliver.js';
import type { AuditReport } from './model.js';
import { renderText } from './render/text.js';
import type { AuditDeps } from './run-start.js';
import { renderUndoText } from './undo/report.js';
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
  if (event.undo !== undefined) return runUndo(deps, { undoneRunId: event.undo, settings });
  return runAudit(deps, { settings, ...(event.users ? { users: event.users } : {}) });
}

/**
 * Publishes either kind of report to the report topic.
 *
 * @example
 * if (event.notify) await deliverAdhoc(deps, settings, report);
 */
export function deliverAdhoc(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger'>,
  settings: Settings,
  report: AdhocReport,
): Promise<Delivery> {
  return isUndoReport(report)
    ? deliverUndoReport(deps, settings, report)
    : deliverReport(deps, settings, report);
}

/**
 * Either kind of report as plain text.
 *
 * @example
 * process.stdout.write(renderAdhocText(report));
 */
export function renderAdhocText(report: AdhocReport): string {
  return isUndoReport(report) ? renderUndoText(report) : renderText(report);
}
