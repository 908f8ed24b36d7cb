import type { Delivery } from '../deliver.js';
import type { AuditReport } from '../model.js';

/** What the scheduled function returns: small enough for any log line or console view. */
export interface RunSummary {
  runId: string;
  accountId: string;
  mode: AuditReport['mode'];
  complete: boolean;
  summary: AuditReport['summary'];
  topicArn: string;
  messageId: string;
}

export function summarizeRun(report: AuditReport, delivery: Delivery): RunSummary {
  return {
    runId: report.runId,
    accountId: report.accountId,
    mode: report.mode,
    complete: report.complete,
    summary: report.summary,
    ...delivery,
  };
}
