import type { EventRun } from '../audit-once.js';
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
  /** True when this attempt only finished delivering the report of an earlier attempt of the event. */
  resumed: boolean;
}

export function summarizeRun({ report, delivery, resumed }: EventRun): RunSummary {
  return {
    runId: report.runId,
    accountId: report.accountId,
    mode: report.mode,
    complete: report.complete,
    summary: report.summary,
    ...delivery,
    resumed,
  };
}
