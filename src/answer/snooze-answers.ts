/**
 * Reads the answer records behind the users' snooze tags, so the planner honours a snooze only when
 * the page's own record confirms it. One GetObject per snoozed key still in its snooze: few, since a
 * key is snoozed only after a notice, and at most `snoozeLimit` times.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { parseSnoozeTag } from '../evaluate/snooze-tag.js';
import { TAG_KEYS, tagValue } from '../evaluate/tags.js';
import type { AuditError, UserRecord } from '../model.js';
import type { SnoozeAnswer } from '../plan/snoozes.js';
import { toIsoDate } from '../time.js';
import { answerRecordKey, answerRecordSchema } from './answer-record-schema.js';

/**
 * The audit reads answers, never writes them (only the page's role writes under answers/).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SNOOZE_ANSWER_PERMISSIONS = [
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/answers/*',
    why: "reads the answer record behind a user's snooze tag before honouring the snooze",
  },
] as const satisfies readonly PermissionDeclaration[];

/** S3's answers for a record that is not there: NoSuchKey, or AccessDenied to a caller that may not list. */
const MISSING = new Set(['NoSuchKey', 'AccessDenied']);

export interface SnoozeReads {
  /** The snooze answers read, by nonce. */
  answers: Map<string, SnoozeAnswer>;
  /** Records that could not be read (not missing: throttled, failed): an error on the key, which then is not acted on. */
  errors: AuditError[];
}

/**
 * The snooze answers of the users' unexpired snooze tags, by nonce. A record that is missing or not
 * a snooze is left out: its tag is then reported as unconfirmed and not honoured. A record that
 * could not be read is an error on its key, so the key is left alone that night rather than acted
 * on against its owner's answer. `known` holds answers already read this run.
 */
export async function readSnoozeAnswers(
  deps: {
    s3?: Pick<S3Client, 'send'> | undefined;
    bucket: string | null;
    /** The account the report bucket belongs to: the auditor's, in an organization run. */
    bucketOwner: string;
    /** The audited account: the records are under answers/<accountId>/. */
    accountId: string;
    now: Date;
  },
  users: readonly UserRecord[],
  known: ReadonlyMap<string, SnoozeAnswer> = new Map(),
): Promise<SnoozeReads> {
  const answers = new Map(known);
  const errors: AuditError[] = [];
  const { bucket, s3 } = deps;
  if (bucket === null || s3 === undefined) return { answers, errors };
  const today = toIsoDate(deps.now);
  const wanted = users.flatMap((user) => {
    const value = tagValue(user.tags, TAG_KEYS.snoozed);
    if (value === undefined) return [];
    return parseSnoozeTag(value)
      .entries.filter((e) => e.until >= today && !answers.has(e.nonce))
      .map((entry) => ({ entry, userName: user.userName }));
  });
  await Promise.all(
    wanted.map(async ({ entry, userName }) => {
      const key = answerRecordKey(deps.accountId, entry.nonce);
      try {
        const object = await s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ExpectedBucketOwner: deps.bucketOwner,
          }),
        );
        const parsed = answerRecordSchema.safeParse(
          JSON.parse((await object.Body?.transformToString()) ?? ''),
        );
        if (!parsed.success || parsed.data.choice !== 'snooze' || parsed.data.until === null) return;
        const { userName, accessKeyId, until, who, reason, answeredAt } = parsed.data;
        answers.set(entry.nonce, { userName, accessKeyId, until, who, reason, answeredAt });
      } catch (error) {
        const { code, message } = describeAwsError(error);
        if (MISSING.has(code)) return;
        errors.push({
          userName,
          accessKeyId: entry.accessKeyId,
          operation: 's3:GetObject',
          code,
          message: `Could not read the answer record s3://${bucket}/${key} behind the snooze of key ${entry.accessKeyId} of ${userName} (${message}); the key is left alone this run, and the next run reads it again.`,
        });
      }
    }),
  );
  return { answers, errors };
}
