/**
 * The deactivations a run's archived report records as applied. Deletion and undo trust these, not
 * the user tag alone: anyone allowed to tag users can write a tag, but only the auditor's role can
 * write under `reports/` of the report bucket.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { auditReportSchema } from '../report/schema.js';
import { runStartOf } from '../run-id.js';
import { archiveKey, archiveLocation } from './archive-location.js';

/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export const READ_ARCHIVE_PERMISSIONS = [
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/reports/*',
    why: 'reads the archived report of the run that deactivated a key before deleting it (or, for undo, reactivating it)',
  },
] as const satisfies readonly PermissionDeclaration[];

/** The keys a run deactivated (each with the rule it acted for), per its archive; or why that could not be learnt. */
export type ArchivedRun =
  | { kind: 'read'; deactivated: ReadonlyMap<string, string> }
  | { kind: 'unread'; why: string };

const entry = (userName: string, accessKeyId: string): string => `${userName}\u0000${accessKeyId}`;

export function archiveLists(run: ArchivedRun, userName: string, accessKeyId: string): boolean {
  return run.kind === 'read' && run.deactivated.has(entry(userName, accessKeyId));
}

/** The rule the archived run deactivated the key for; undefined when the archive does not list it. */
export function archivedRule(run: ArchivedRun, userName: string, accessKeyId: string): string | undefined {
  return run.kind === 'read' ? run.deactivated.get(entry(userName, accessKeyId)) : undefined;
}

/** Reads `reports/<accountId>/<yyyy>/<mm>/<dd>/<runId>.json`, the day taken from the run id. */
export async function readArchivedRun(
  s3: Pick<S3Client, 'send'>,
  where: { bucket: string; region: string; accountId: string },
  runId: string,
): Promise<ArchivedRun> {
  const startedAt = runStartOf(runId);
  if (!startedAt) return { kind: 'unread', why: `${runId} is not a run id` };
  const location = archiveLocation(
    { accountId: where.accountId, runId, startedAt: startedAt.toISOString() },
    where,
  );
  const uri = `s3://${where.bucket}/${archiveKey(location, 'json')}`;
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: where.bucket, Key: archiveKey(location, 'json') }),
    );
    const parsed = auditReportSchema.safeParse(JSON.parse((await object.Body?.transformToString()) ?? ''));
    if (!parsed.success) return { kind: 'unread', why: `${uri} is not a key-hygiene report` };
    const deactivated = parsed.data.actions
      .filter((action) => action.action === 'deactivate' && action.status === 'applied')
      .map((action) => [entry(action.userName, action.accessKeyId), action.ruleId] as const);
    return { kind: 'read', deactivated: new Map(deactivated) };
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return { kind: 'unread', why: `${uri} could not be read (${code}: ${message})` };
  }
}
