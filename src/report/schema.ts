import * as z from 'zod';
import { type AuditReport, reportSchema } from '../model.js';

const count = z.number().int().nonnegative();

/**
 * Marker on a delivered copy of the report that was cut to fit SNS's 256 KB message limit: how many
 * entries of each list were left off the end. The `summary` counts always describe the whole run.
 */
export const truncationSchema = z.strictObject({
  findingsOmitted: count,
  actionsOmitted: count,
  exemptOmitted: count,
  errorsOmitted: count,
  notReachedOmitted: count,
});
export type Truncation = z.infer<typeof truncationSchema>;

/**
 * A report as delivered: the canonical report, with `truncated` on a copy that had to be shortened
 * to fit SNS. Consumers (SQS, Lambda, HTTPS subscribers) parse messages with this.
 */
export const auditReportSchema = reportSchema.extend({ truncated: truncationSchema.optional() });
export type DeliveredReport = AuditReport & { truncated?: Truncation };
