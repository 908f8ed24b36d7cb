import type { AuditReport } from '../model.js';
import { auditReportSchema } from '../report/schema.js';
import { NotifyError } from './errors.js';

/**
 * Unknown top-level fields (such as the archived report's links, or fields a newer auditor adds)
 * are kept rather than refused: a chat message must not be lost because the report grew.
 */
const deliveredReportSchema = auditReportSchema.loose();

/**
 * The report an SNS record carries (the `lambda` member of the message: the JSON report, possibly
 * shortened to fit SNS's size limit, with its `truncated` marker).
 *
 * @throws NotifyError naming the message when it is not a key-hygiene report.
 */
export function reportFromSnsMessage(message: string, messageId: string): AuditReport {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new NotifyError(
      `SNS message ${messageId} is not JSON: subscribe this function with protocol lambda to the report topic, whose lambda member is the JSON report.`,
    );
  }
  const parsed = deliveredReportSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new NotifyError(
      `SNS message ${messageId} is not a key-hygiene report (schemaVersion 1): ${where}.`,
    );
  }
  return parsed.data as AuditReport;
}
