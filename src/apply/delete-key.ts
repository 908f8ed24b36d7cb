import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { archiveLists } from '../archive/read-archive.js';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { deletionBlocker } from '../evaluate/deletion.js';
import { deactivationTagKey, parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
import type { PlannedAction } from '../model.js';
import type { ApplyDeps } from './apply-deps.js';

/**
 * The IAM calls a deletion (inactive-key-cleanup) makes besides the reads a deactivation shares.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const DELETE_PERMISSIONS = [
  {
    action: 'iam:DeleteAccessKey',
    resource: ANY_USER,
    onlyWhenParam: 'cleanupEnabled',
    why: 'deletion: deletes a key key-hygiene deactivated in an earlier run, CLEANUP_DAYS ago (off by default)',
  },
  {
    action: 'iam:UntagUser',
    resource: ANY_USER,
    condition: onlyTagKeys(`${TAG_KEYS.deactivatedPrefix}*`),
    why: 'deletion: removes the deactivation tag of the deleted key',
  },
  {
    action: 'iam:ListAccessKeys',
    resource: ANY_USER,
    why: 're-reads the key status under its user right before deactivating or deleting it',
  },
  {
    action: 'iam:ListUserTags',
    resource: ANY_USER,
    why: 'reads the deactivation record back after writing it, and before deleting a key',
  },
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'confirms a key is still unused right before acting',
  },
] as const satisfies readonly PermissionDeclaration[];

/**
 * Deletes one key after re-reading, right before the call, everything the plan relied on: the key
 * is still listed under the user and Inactive, the deactivation tag still names an earlier run old
 * enough, and GetAccessKeyLastUsed shows no use since that run. Then removes the tag.
 */
export async function deleteKey(
  deps: ApplyDeps,
  action: PlannedAction,
  accessKeyId: string,
): Promise<PlannedAction> {
  const { iam } = deps;
  const skipped = (reason: string): PlannedAction => ({ ...action, status: 'skipped', reason, error: null });
  const ended = (status: 'failed' | 'applied', reason: string, error: unknown): PlannedAction => ({
    ...action,
    status,
    reason,
    error: describeAwsError(error),
  });
  if (!deps.runId || deps.deleteAfterDays === undefined) {
    return skipped('deletion needs the run id and CLEANUP_DAYS, which this caller did not give; not deleted');
  }
  const tagKey = deactivationTagKey(accessKeyId);
  let status: string | undefined;
  let tag: string | undefined;
  let lastUsed: Date | null;
  try {
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: action.userName }));
    status = listed.AccessKeyMetadata?.find((key) => key.AccessKeyId === accessKeyId)?.Status;
    if (status === undefined)
      return skipped('live check: the key no longer exists under this user; nothing to delete');
    const tags = await iam.send(new ListUserTagsCommand({ UserName: action.userName }));
    tag = tags.Tags?.find((entry) => entry.Key?.toLowerCase() === tagKey.toLowerCase())?.Value;
    const confirmed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    if (confirmed.UserName && confirmed.UserName !== action.userName) {
      return skipped(
        `live check says this key belongs to ${confirmed.UserName}, not ${action.userName}; left untouched`,
      );
    }
    lastUsed = confirmed.AccessKeyLastUsed?.LastUsedDate ?? null;
  } catch (error) {
    return ended('failed', 'live check before deletion failed; key left untouched', error);
  }
  const deactivation = tag === undefined ? null : parseDeactivation(tag);
  const blocker = deletionBlocker({
    deactivation,
    status,
    lastUsed,
    now: deps.now,
    deleteAfterDays: deps.deleteAfterDays,
    currentRunId: deps.runId,
  });
  if (blocker) return skipped(`live check: ${blocker}; not deleted`);
  // The tag passed, but a tag can be written by anyone allowed to tag users: the deactivating run's
  // own archived report must list the key.
  const runId = deactivation?.runId ?? '';
  if (!deps.archivedRun) {
    return skipped(
      'deletion needs the report archive (reportBucket) to confirm the deactivation; not deleted',
    );
  }
  const archived = await deps.archivedRun(runId);
  if (archived.kind === 'unread') {
    return skipped(`the deactivating run's archived report cannot confirm it: ${archived.why}; not deleted`);
  }
  if (!archiveLists(archived, action.userName, accessKeyId)) {
    return skipped(
      `the archived report of run ${runId} does not list this key as deactivated, so its tag is not key-hygiene's record; not deleted`,
    );
  }
  try {
    await iam.send(new DeleteAccessKeyCommand({ UserName: action.userName, AccessKeyId: accessKeyId }));
  } catch (error) {
    return ended('failed', 'DeleteAccessKey failed; key still exists (inactive)', error);
  }
  try {
    await iam.send(new UntagUserCommand({ UserName: action.userName, TagKeys: [tagKey] }));
  } catch (error) {
    return ended('applied', `deleted, but removing the ${tagKey} tag failed; remove it by hand`, error);
  }
  return { ...action, status: 'applied', reason: null, error: null };
}
