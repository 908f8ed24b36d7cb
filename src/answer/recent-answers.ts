/**
 * The answers owners gave on the answer page since the last night: snoozes, "deactivate it now" and
 * "not mine", for the report's Owners view. One listing of the account's answer records (S3 gives
 * each object's LastModified), then one GetObject per record written in the last day: answers come
 * only from notices, so they stay few.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditError, OwnerAnswer } from '../model.js';
import { answerRecordKey, answerRecordSchema } from './answer-record-schema.js';

/**
 * The audit lists and reads answers/, never writes there.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RECENT_ANSWERS_PERMISSIONS = [
  {
    action: 's3:ListBucket',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}',
    condition: { StringLike: { 's3:prefix': 'answers/*' } },
    why: "lists the account's answer records (answers/ only) to report the answers received since the last night",
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/answers/*',
    why: 'reads the answer records written since the last night, for the Owners view',
  },
] as const satisfies readonly PermissionDeclaration[];

/** How far back an answer counts as received: one nightly run to the next. */
const RECEIVED_WITHIN_MS = 24 * 60 * 60 * 1000;

export interface RecentAnswers {
  answers: OwnerAnswer[];
  error: AuditError | null;
}

/** The answers recorded in the day before `now`, oldest first; never throws for AWS errors. */
export async function readRecentAnswers(
  s3: Pick<S3Client, 'send'>,
  where: { bucket: string; owner: string; accountId: string; now: Date },
): Promise<RecentAnswers> {
  const prefix = answerRecordKey(where.accountId, '').replace(/\.json$/, '');
  const since = where.now.getTime() - RECEIVED_WITHIN_MS;
  const answers: OwnerAnswer[] = [];
  const fail = (operation: string, error: unknown, what: string): RecentAnswers => {
    const { code, message } = describeAwsError(error);
    return {
      answers,
      error: {
        userName: null,
        accessKeyId: null,
        operation,
        code,
        message: `${what} (${code}: ${message}); the Owners view lists the snoozes in force only. Check that the role may list and read answers/ of the report bucket.`,
      },
    };
  };
  const recent: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: where.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ExpectedBucketOwner: where.owner,
        }),
      );
      for (const object of page.Contents ?? []) {
        const at = object.LastModified?.getTime() ?? 0;
        if (object.Key && at >= since && at <= where.now.getTime()) recent.push(object.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    return fail(
      's3:ListObjectsV2',
      error,
      `The answer records s3://${where.bucket}/${prefix} could not be listed`,
    );
  }
  for (const key of recent) {
    try {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: where.bucket, Key: key, ExpectedBucketOwner: where.owner }),
      );
      const record = answerRecordSchema.parse(JSON.parse((await object.Body?.transformToString()) ?? ''));
      const { userName, accessKeyId, choice, who, answeredAt, until, reason } = record;
      answers.push({ userName, accessKeyId, choice, who, answeredAt, until, reason });
    } catch (error) {
      return fail('s3:GetObject', error, `The answer record s3://${where.bucket}/${key} could not be read`);
    }
  }
  answers.sort((a, b) => (a.answeredAt < b.answeredAt ? -1 : a.answeredAt > b.answeredAt ? 1 : 0));
  return { answers, error: null };
}
