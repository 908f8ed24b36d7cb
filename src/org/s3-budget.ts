/**
 * The organization cap on Step Functions, where each account is audited by a Lambda of its own:
 * a ledger of empty objects under `organization-runs/<runId>/budget/` in the report bucket, one
 * per account reservation (`<account>.reserved.<n>`) and settlement (`<account>.settled.<n>`).
 * Listing the prefix (keys only, no reads) gives what is granted or used so far. S3 has no atomic
 * counter: two audits that start within the same listing may both be granted the last of the
 * budget, so on AWS the cap can be passed by at most the accounts starting at the same moment,
 * each within its own cap. The local runner's budget (action-budget.ts) is exact.
 */
import { PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { ActionBudget } from './action-budget.js';

/**
 * The run's working objects (accounts, budget ledger, the map's results) live under
 * `organization-runs/` of the report bucket.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ORGANIZATION_RUN_OBJECT_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/organization-runs/*',
    why: "writes an organization run's account list and its budget ledger under organization-runs/",
  },
  {
    action: 's3:ListBucket',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}',
    condition: { StringLike: { 's3:prefix': 'organization-runs/*' } },
    why: "reads the organization cap's ledger (keys only) under organization-runs/",
  },
] as const satisfies readonly PermissionDeclaration[];

const entry = /\.(reserved|settled)\.(\d+)$/;

export function s3Budget(
  s3: Pick<S3Client, 'send'>,
  where: { bucket: string; owner: string; runId: string; accountId: string },
  limit: number,
): ActionBudget {
  const prefix = `organization-runs/${where.runId}/budget/`;
  const mark = (kind: 'reserved' | 'settled', n: number) =>
    s3.send(
      new PutObjectCommand({
        Bucket: where.bucket,
        Key: `${prefix}${where.accountId}.${kind}.${n}`,
        Body: '',
        ExpectedBucketOwner: where.owner,
      }),
    );
  return {
    async reserve(wanted) {
      // Per account: its settlement when there is one, else its reservation.
      const byAccount = new Map<string, { reserved: number; settled: number | null }>();
      const client = s3 as S3Client;
      for await (const page of paginateListObjectsV2(
        { client },
        { Bucket: where.bucket, Prefix: prefix, ExpectedBucketOwner: where.owner },
      )) {
        for (const object of page.Contents ?? []) {
          const name = (object.Key ?? '').slice(prefix.length);
          const match = entry.exec(name);
          if (!match) continue;
          const account = name.slice(0, match.index);
          const current = byAccount.get(account) ?? { reserved: 0, settled: null };
          if (match[1] === 'reserved') current.reserved = Number(match[2]);
          else current.settled = Number(match[2]);
          byAccount.set(account, current);
        }
      }
      const taken = [...byAccount.values()].reduce((sum, a) => sum + (a.settled ?? a.reserved), 0);
      const granted = Math.min(Math.max(0, wanted), Math.max(0, limit - taken));
      await mark('reserved', granted);
      return granted;
    },
    async settle(_granted, used) {
      await mark('settled', used);
    },
  };
}
