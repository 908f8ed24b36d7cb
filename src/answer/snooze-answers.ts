/**
 * Reads the answer records behind the users' snooze tags, so the planner honours a snooze only when
 * the page's own record confirms it. One GetObject per snoozed key still in its snooze: few, since a
 * key is snoozed only after a notice, and at most `snoozeLimit` times.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { parseSnoozeTag } from '../evaluate/snooze-tag.js';
import { TAG_KEYS, tagValue } from '../evaluate/tags.js';
import type { UserRecord } from '../model.js';
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

/**
 * The snooze answers of the users' unexpired snooze tags, by nonce. A record that is missing,
 * unreadable, or not a snooze is left out: its tag is then reported as unconfirmed and not honoured.
 * `known` holds answers already read this run (the live re-plan reads only what is new).
 */
export async function readSnoozeAnswers(
  deps: { s3?: Pick<S3Client, 'send'> | undefined; bucket: string | null; accountId: string; now: Date },
  users: readonly UserRecord[],
  known: ReadonlyMap<string, SnoozeAnswer> = new Map(),
): Promise<Map<string, SnoozeAnswer>> {
  const answers = new Map(known);
  const { bucket, s3 } = deps;
  if (bucket === null || s3 === undefined) return answers;
  const today = toIsoDate(deps.now);
  const wanted = users.flatMap((user) => {
    const value = tagValue(user.tags, TAG_KEYS.snoozed);
    if (value === undefined) return [];
    return parseSnoozeTag(value).entries.filter((e) => e.until >= today && !answers.has(e.nonce));
  });
  await Promise.all(
    wanted.map(async (entry) => {
      try {
        const object = await s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: answerRecordKey(deps.accountId, entry.nonce),
            ExpectedBucketOwner: deps.accountId,
          }),
        );
        const parsed = answerRecordSchema.safeParse(
          JSON.parse((await object.Body?.transformToString()) ?? ''),
        );
        if (!parsed.success || parsed.data.choice !== 'snooze' || parsed.data.until === null) return;
        const { userName, accessKeyId, until, who, reason, answeredAt } = parsed.data;
        answers.set(entry.nonce, { userName, accessKeyId, until, who, reason, answeredAt });
      } catch {
        // Missing (S3 answers AccessDenied without ListBucket) or unreadable: unconfirmed.
      }
    }),
  );
  return answers;
}
