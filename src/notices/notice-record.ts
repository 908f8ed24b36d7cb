/**
 * The notice ledger's record: one JSON object per account and access key, at
 * `notices/<accountId>/<accessKeyId>.json` of the report bucket, a prefix only the auditor's role
 * may write (serverless.yml's bucket policy). It says which stages of the key's notice went out,
 * when, and by which deadline; the planner's gate trusts only a stage recorded as `sent`.
 */
import * as z from 'zod';

/** The stages, in the order an owner gets them. */
export const NOTICE_STAGES = ['notice', 'final-reminder', 'action'] as const;
export type NoticeStage = (typeof NOTICE_STAGES)[number];

/** Every record lives under this prefix, then the account id. */
export const NOTICE_PREFIX = 'notices/';

/** The record's key in the report bucket. */
export const noticeKey = (accountId: string, accessKeyId: string) =>
  `${NOTICE_PREFIX}${accountId}/${accessKeyId}.json`;

const isoDateTime = z.iso.datetime();

/**
 * One stage of one key: claimed (`sending`) before the message goes, `sent` once it went, `failed`
 * when the send was refused. A claim never marked sent does not count (the send may have failed).
 */
const stageSchema = z.strictObject({
  state: z.enum(['sending', 'sent', 'failed']),
  runId: z.string().min(1),
  claimedAt: isoDateTime,
  sentAt: isoDateTime.nullable(),
  /** The deadline the message named (YYYY-MM-DD). */
  deadline: z.iso.date(),
  /** How it went: SES email to the owner, or the report topic (no sender, or no owner address). */
  channel: z.enum(['email', 'report-topic']),
});
export type StageRecord = z.infer<typeof stageSchema>;

/** Why a notice cycle ended. */
export const CLOSE_REASONS = ['used-after-notice', 'key-gone', 'acted-on'] as const;

/** One notice cycle: from the key's first notice to its deactivation, its use, or its removal. */
const cycleSchema = z.strictObject({
  openedAt: isoDateTime,
  /** The earliest day (YYYY-MM-DD, UTC) the key may be deactivated. */
  deadline: z.iso.date(),
  ruleId: z.string().min(1),
  stages: z.strictObject({
    notice: stageSchema.optional(),
    'final-reminder': stageSchema.optional(),
    action: stageSchema.optional(),
  }),
  closed: z.strictObject({ at: isoDateTime, reason: z.enum(CLOSE_REASONS) }).nullable(),
});
export type NoticeCycle = z.infer<typeof cycleSchema>;

export const noticeRecordSchema = z.strictObject({
  recordVersion: z.literal(1),
  accountId: z.string().regex(/^\d{12}$/),
  accessKeyId: z.string().min(1),
  userName: z.string().min(1),
  /** Who the notices went to and how that was found (owner resolution's answer). */
  owner: z.strictObject({ emails: z.array(z.string()), source: z.string(), unowned: z.boolean() }),
  current: cycleSchema,
  /** Closed cycles, oldest first. */
  earlier: z.array(cycleSchema),
});
export type NoticeRecord = z.infer<typeof noticeRecordSchema>;

/** A record as read, with the ETag its next conditional write must name. */
export interface LedgerEntry {
  record: NoticeRecord;
  etag: string;
}
