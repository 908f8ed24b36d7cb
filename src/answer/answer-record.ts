/**
 * The answer record: `answers/<accountId>/<nonce>.json` in the report bucket, written once with a
 * conditional write (`If-None-Match: *`), so a link works once even when two answers race: S3 lets
 * exactly one write create the object and refuses the other (412, or 409 while the first is in flight).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import { type AnswerRecord, answerRecordKey } from './answer-record-schema.js';

/**
 * The page writes answers under answers/ only (no read, no overwrite, no delete).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ANSWER_RECORD_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/answers/*',
    why: "records each owner's answer once, with a conditional write, under answers/",
  },
] as const satisfies readonly PermissionDeclaration[];

/** S3's answers to a conditional write that lost: the object exists, or another write is creating it. */
const LOST_RACE = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/**
 * Writes the record if no answer to its link exists yet. `'recorded'`: this answer is the link's
 * one use, act on it. `'already-answered'`: the link was used (or is being used) by another request.
 * Any other S3 error is thrown, naming the object.
 */
export async function recordAnswer(
  s3: Pick<S3Client, 'send'>,
  where: { bucket: string; owner: string },
  record: AnswerRecord,
): Promise<'recorded' | 'already-answered'> {
  const key = answerRecordKey(record.accountId, record.nonce);
  try {
    await putOwnedObject(s3, {
      bucket: where.bucket,
      key,
      body: `${JSON.stringify(record, null, 2)}\n`,
      contentType: 'application/json',
      owner: where.owner,
      ifNoneMatch: '*',
    });
    return 'recorded';
  } catch (error) {
    if (LOST_RACE.has((error as Error).name)) return 'already-answered';
    throw new Error(
      `Could not record the answer for key ${record.accessKeyId} of ${record.userName} (account ${record.accountId}) at s3://${where.bucket}/${key}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
