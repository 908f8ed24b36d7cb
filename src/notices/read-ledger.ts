/**
 * Reads the notice ledger for the keys a run flags, and nothing more: one listing of the account's
 * records (1,000 a page; S3 answers a read of a missing object with 403 to a role that may not list,
 * so the listing tells "no record" from "refused"), then one GetObject per flagged key that has one.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { forEachConcurrent } from '../concurrency.js';
import { type LedgerEntry, NOTICE_PREFIX, noticeKey, noticeRecordSchema } from './notice-record.js';

/**
 * The role lists and reads only under notices/ (serverless.yml's ReportArchivePolicy).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const READ_LEDGER_PERMISSIONS = [
  {
    action: 's3:ListBucket',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}',
    condition: { StringLike: { 's3:prefix': `${NOTICE_PREFIX}*` } },
    why: "lists the account's notice records (notices/ only) before reading those of the flagged keys",
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/notices/*',
    why: 'reads the notice record of each key with an unused-key finding, before the gate and the notices',
  },
] as const satisfies readonly PermissionDeclaration[];

/** Where the ledger is: the report bucket and the account that must own it, and the audited account. */
export interface LedgerLocation {
  bucket: string;
  owner: string;
  accountId: string;
}

/** What the run knows of the ledger: the records of the flagged keys, and the keys it could not read. */
export interface LedgerRead {
  entries: ReadonlyMap<string, LedgerEntry>;
  /** Access key id -> what failed; such a key is never deactivated by the gate. */
  unreadable: ReadonlyMap<string, string>;
  /** Set when even the listing failed: no key of the run may be deactivated on a notice. */
  failed: string | null;
}

/** Reads the records of `accessKeyIds`; never throws for AWS errors (they come back in the result). */
export async function readLedger(
  s3: Pick<S3Client, 'send'>,
  where: LedgerLocation,
  accessKeyIds: readonly string[],
  concurrency: number,
): Promise<LedgerRead> {
  const entries = new Map<string, LedgerEntry>();
  const unreadable = new Map<string, string>();
  if (accessKeyIds.length === 0) return { entries, unreadable, failed: null };
  const prefix = `${NOTICE_PREFIX}${where.accountId}/`;
  const existing = new Set<string>();
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
      for (const object of page.Contents ?? []) if (object.Key) existing.add(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return {
      entries,
      unreadable,
      failed: `the notice ledger s3://${where.bucket}/${prefix} could not be listed (${code}: ${message}); check that the role may list notices/ of the report bucket`,
    };
  }
  const wanted = [...new Set(accessKeyIds)].filter((id) => existing.has(noticeKey(where.accountId, id)));
  await forEachConcurrent(wanted, concurrency, async (accessKeyId) => {
    const key = noticeKey(where.accountId, accessKeyId);
    try {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: where.bucket, Key: key, ExpectedBucketOwner: where.owner }),
      );
      const record = noticeRecordSchema.parse(
        JSON.parse((await object.Body?.transformToString('utf-8')) ?? ''),
      );
      if (!object.ETag) throw new Error('S3 gave no ETag');
      entries.set(accessKeyId, { record, etag: object.ETag });
    } catch (error) {
      const { code, message } = describeAwsError(error);
      unreadable.set(accessKeyId, `s3://${where.bucket}/${key}: ${code}: ${message}`);
    }
  });
  return { entries, unreadable, failed: null };
}
