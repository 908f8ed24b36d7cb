/**
 * The nightly run, once per EventBridge event. Lambda retries a failed asynchronous invocation with
 * the same event (the same `id`); when the delivery failed after the audit acted, auditing again
 * would find the keys already inactive and report nothing done, and the security team would never
 * learn what the first attempt did. So before it audits the run records which run answers the event
 * (`deliveries/<eventId>.json` in the report bucket), before its first message where its report is,
 * and after each message what is out: a retry delivers that run's report and sends only what was
 * not sent; a retry of an attempt that never recorded its report (killed after acting) audits again
 * as the same run and reports the deactivations that attempt's records name.
 */
import {
  type DeliveryRecord,
  findDeliveryRecord,
  newDeliveryRecord,
  type RecordBucket,
  recordedReport,
  startedDeliveryRecord,
  writeDeliveryRecord,
} from './archive/delivery-record.js';
import { runAudit } from './audit.js';
import type { Settings } from './config/settings.js';
import { type Delivery, type DeliveryLedger, deliverReport } from './deliver.js';
import type { AuditReport } from './model.js';
import { newRunId } from './run-id.js';
import { type AuditDeps, accountIdOf } from './run-start.js';

export interface EventRun {
  report: AuditReport;
  delivery: Delivery;
  /** True when an earlier attempt of the event audited and this one only finished its delivery. */
  resumed: boolean;
}

/**
 * Audits and delivers for event `eventId`, or, when an earlier attempt of that event already
 * audited, delivers that attempt's report (no audit, no IAM call). Without a report bucket there is
 * no record: every attempt audits. `onAudited` sees each audit's report before its delivery (the
 * metrics), so an attempt whose delivery fails still counts what it did, and a resumed one does not.
 *
 * @throws DeliveryRecordError, before any IAM call, when the event's record cannot be looked up or
 * read: whether the event was already audited is then unknown.
 */
export async function auditOnce(
  deps: AuditDeps,
  settings: Settings,
  eventId: string,
  onAudited: (report: AuditReport) => void = () => undefined,
): Promise<EventRun> {
  const audit = async (run: { runId?: string; continuesInterruptedAttempt?: boolean } = {}) => {
    const report = await runAudit(deps, { settings, ...run });
    onAudited(report);
    return report;
  };
  const { s3 } = deps;
  const bucket = settings.reportBucket;
  if (!s3 || !bucket) {
    const report = await audit();
    return { report, delivery: await deliverReport(deps, settings, report), resumed: false };
  }
  const where: RecordBucket = { bucket, accountId: await accountIdOf(deps) };
  const earlier = await findDeliveryRecord(s3, where, eventId);
  if (earlier?.report) {
    const report = await recordedReport(s3, where, { ...earlier, report: earlier.report });
    deps.logger.info('event already audited: delivering the report of that run', {
      eventId,
      runId: report.runId,
      reportPublished: earlier.published.report !== null,
      teamMessagesPublished: earlier.published.teams.length,
    });
    const delivery = await deliverReport(deps, settings, report, ledger(deps, s3, where, earlier));
    return { report, delivery, resumed: true };
  }

  // The run id is recorded before anything changes: a retry of an attempt killed after acting
  // continues that run and reports what it did.
  const runId = earlier?.runId ?? newRunId(deps.clock());
  if (earlier) {
    deps.logger.info('an earlier attempt of the event stopped before delivering: auditing again as its run', {
      eventId,
      runId,
    });
  } else {
    try {
      await writeDeliveryRecord(s3, where, startedDeliveryRecord(eventId, runId));
    } catch (error) {
      deps.logger.warn(
        'delivery record not written before the audit: if this attempt dies, a retry audits again',
        {
          eventId,
          runId,
          error: (error as Error).message,
        },
      );
    }
  }
  const report = await audit({ runId, continuesInterruptedAttempt: earlier !== null });
  const record = newDeliveryRecord(eventId, report);
  try {
    await writeDeliveryRecord(s3, where, record);
  } catch (error) {
    // The keys are already acted on: deliver anyway. Each publish writes the record again.
    deps.logger.warn(
      'delivery record not written: if this delivery fails, a retry of the event audits again',
      {
        eventId,
        runId: report.runId,
        error: (error as Error).message,
      },
    );
  }
  const delivery = await deliverReport(deps, settings, report, ledger(deps, s3, where, record));
  return { report, delivery, resumed: false };
}

/** The record as a ledger: each publish rewrites it; a failed write costs a duplicate on retry, no more. */
function ledger(
  deps: Pick<AuditDeps, 'logger'>,
  s3: NonNullable<AuditDeps['s3']>,
  where: RecordBucket,
  record: DeliveryRecord,
): DeliveryLedger {
  return {
    published: record.published,
    async onPublished(published) {
      try {
        await writeDeliveryRecord(s3, where, { ...record, published });
      } catch (error) {
        deps.logger.warn('delivery record not updated: a retry of the event may send this message again', {
          eventId: record.eventId,
          runId: record.runId,
          error: (error as Error).message,
        });
      }
    },
  };
}
