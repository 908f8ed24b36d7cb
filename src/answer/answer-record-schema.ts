/**
 * What an answer record holds and where it lives: `answers/<accountId>/<nonce>.json` in the report
 * bucket. The page writes it (answer-record.ts); the audit reads it behind a snooze tag.
 */
import * as z from 'zod';

/** The three answers an owner can give. */
export const CHOICES = ['snooze', 'deactivate', 'not-mine'] as const;
export type Choice = (typeof CHOICES)[number];

export const answerRecordSchema = z.strictObject({
  accountId: z.string(),
  userName: z.string(),
  accessKeyId: z.string(),
  nonce: z.string(),
  /** The owner the link was sent to; null when the notice named none. */
  who: z.string().nullable(),
  answeredAt: z.iso.datetime(),
  choice: z.enum(CHOICES),
  /** For a snooze, the last day the key is kept (YYYY-MM-DD). */
  until: z.string().nullable(),
  /** The owner's reason (required for a snooze). */
  reason: z.string().nullable(),
  /** The link's deadline. */
  deadline: z.iso.datetime(),
});
export type AnswerRecord = z.infer<typeof answerRecordSchema>;

/** Where an answer is recorded. */
export function answerRecordKey(accountId: string, nonce: string): string {
  return `answers/${accountId}/${nonce}.json`;
}
