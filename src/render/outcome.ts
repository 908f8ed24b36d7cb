import type { AuditReport } from '../model.js';
import { plural } from './text-format.js';

/** The counts a person wants first: what changed, what is left to look at. */
export interface RunOutcome {
  /** Keys deactivated (enforce mode, status `applied`). */
  deactivated: number;
  deleted: number;
  /** Actions that AWS refused (status `failed`). */
  failed: number;
  /** What enforce mode would do (report mode, status `planned`). */
  wouldDeactivate: number;
  wouldDelete: number;
  /** Findings on keys that this run did not deactivate or delete. */
  toReview: number;
  critical: number;
}

/**
 * Derives the headline counts from a complete (not truncated) report. A finding counts as "to
 * review" unless an applied action took its key out of service in this run: a key that was just
 * deactivated needs nothing more from the reader, even if it also was overdue for rotation.
 */
export function summarizeOutcome(report: AuditReport): RunOutcome {
  const count = (status: string, action: string) =>
    report.actions.filter((a) => a.status === status && a.action === action).length;
  const resolvedKeys = new Set(
    report.actions.filter((a) => a.status === 'applied').map((a) => a.accessKeyId),
  );
  return {
    deactivated: count('applied', 'deactivate'),
    deleted: count('applied', 'delete'),
    failed: report.actions.filter((a) => a.status === 'failed').length,
    wouldDeactivate: count('planned', 'deactivate'),
    wouldDelete: count('planned', 'delete'),
    toReview: report.findings.filter(
      (f) => f.userName === null || f.accessKeyId === null || !resolvedKeys.has(f.accessKeyId),
    ).length,
    critical: report.summary.findingsBySeverity.critical,
  };
}

/**
 * The one-sentence headline shared by the text report and the SNS `default` message, e.g.
 * `Account 111111111111 (enforce, as of 2026-11-20): 3 keys deactivated, 5 findings to review, 1 critical`.
 * A team's copy of the report starts `Team payments, account 111111111111`. The account id and the
 * team are printed as given; callers that need layout safety clean them.
 */
export function headline(report: AuditReport, outcome: RunOutcome): string {
  const parts: string[] = [];
  if (report.mode === 'enforce') {
    if (outcome.deactivated > 0) parts.push(`${plural(outcome.deactivated, 'key')} deactivated`);
    if (outcome.deleted > 0) parts.push(`${plural(outcome.deleted, 'key')} deleted`);
    if (outcome.failed > 0) parts.push(`${plural(outcome.failed, 'action')} failed`);
    if (parts.length === 0) parts.push('no keys deactivated');
  } else {
    if (outcome.wouldDeactivate > 0)
      parts.push(`${plural(outcome.wouldDeactivate, 'key')} would be deactivated`);
    if (outcome.wouldDelete > 0) parts.push(`${plural(outcome.wouldDelete, 'key')} would be deleted`);
    if (parts.length === 0) parts.push('nothing would be deactivated');
  }
  parts.push(
    outcome.toReview > 0 ? `${plural(outcome.toReview, 'finding')} to review` : 'no findings to review',
  );
  if (outcome.critical > 0) parts.push(`${outcome.critical} critical`);
  const scope =
    report.team === undefined
      ? `Account ${report.accountId}`
      : `Team ${report.team}, account ${report.accountId}`;
  return `${scope} (${report.mode}, as of ${report.asOf.slice(0, 10)}): ${parts.join(', ')}`;
}

/**
 * The counts in a few words, most important first, as a subject or a chat title shows them, e.g.
 * `['1 critical', '3 deactivated', '5 to review']` (`to deactivate` in report mode, `no findings`
 * when there is nothing).
 */
export function outcomeParts(report: AuditReport, outcome: RunOutcome): string[] {
  const parts: string[] = [];
  if (outcome.critical > 0) parts.push(`${outcome.critical} critical`);
  if (report.mode === 'enforce') {
    if (outcome.deactivated > 0) parts.push(`${outcome.deactivated} deactivated`);
    if (outcome.deleted > 0) parts.push(`${outcome.deleted} deleted`);
    if (outcome.failed > 0) parts.push(`${outcome.failed} failed`);
  } else {
    if (outcome.wouldDeactivate > 0) parts.push(`${outcome.wouldDeactivate} to deactivate`);
    if (outcome.wouldDelete > 0) parts.push(`${outcome.wouldDelete} to delete`);
  }
  if (outcome.toReview > 0) parts.push(`${outcome.toReview} to review`);
  if (parts.length === 0) parts.push('no findings');
  return parts;
}
