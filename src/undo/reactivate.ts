import {
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListAccessKeysCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { TAG_KEYS } from '../evaluate/tags.js';
import { runStartOf } from '../run-id.js';
import type { RunDeactivation } from './find-deactivations.js';
import type { UndoAction } from './types.js';

/**
 * IAM permissions `reactivate` calls.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const REACTIVATE_PERMISSIONS = [
  {
    action: 'iam:ListAccessKeys',
    resource: ANY_USER,
    why: 'undo: checks the key still exists and is inactive',
  },
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'undo: checks the key was not used since the run',
  },
  { action: 'iam:UpdateAccessKey', resource: ANY_USER, why: 'undo: reactivates the key (sets it Active)' },
  {
    action: 'iam:UntagUser',
    resource: ANY_USER,
    condition: onlyTagKeys(`${TAG_KEYS.deactivatedPrefix}*`),
    why: 'undo: removes the deactivation tag',
  },
] as const satisfies readonly PermissionDeclaration[];

export const UNDO_SKIP_REASONS = {
  userGone: 'the user no longer exists; nothing to reactivate',
  keyGone: 'the key was deleted since the run; nothing to reactivate (the tag was removed)',
  alreadyActive:
    'the key is Active already (reactivated since the run); left as it is (the stale tag was removed)',
  usedSince: (date: Date, runId: string) =>
    `the key was used at ${date.toISOString()}, after run ${runId} deactivated it, so someone reactivated and deactivated it since; left Inactive (tag kept)`,
  otherOwner: (owner: string) => `the key belongs to ${owner} now, not to this user; left untouched`,
  timeBudget: 'time budget spent before this key; run the undo again to finish',
} as const;

export interface ReactivateDeps {
  iam: Pick<IAMClient, 'send'>;
  /** Asked before each key; true once the time budget is spent. */
  shouldStop?: () => boolean;
}

/**
 * Reverses one run's deactivations, one key at a time (there are at most the run's cap of them).
 * For each key, right before acting, it checks that the key is still what the run left behind:
 * still under the user (else it was deleted), still Inactive (else someone reactivated it), and
 * not used after the run started (an inactive key cannot be used, so a later use means it was
 * reactivated and deactivated again by someone else). Only then: UpdateAccessKey Active and
 * UntagUser the deactivation tag. Every skip has its reason.
 *
 * Exemptions are not consulted: reactivating only restores what the user had before the run.
 *
 * @example
 * const actions = await reactivate({ iam }, runId, found);
 */
export async function reactivate(
  deps: ReactivateDeps,
  runId: string,
  found: readonly RunDeactivation[],
): Promise<UndoAction[]> {
  const runStart = runStartOf(runId);
  const actions: UndoAction[] = [];
  for (const entry of found) {
    if (deps.shouldStop?.()) actions.push(outcome(entry, 'skipped', UNDO_SKIP_REASONS.timeBudget));
    else actions.push(await reactivateOne(deps.iam, runId, runStart, entry));
  }
  return actions;
}

function outcome(
  entry: RunDeactivation,
  status: UndoAction['status'],
  reason: string | null,
  error: UndoAction['error'] = null,
): UndoAction {
  return {
    userName: entry.userName,
    accessKeyId: entry.accessKeyId,
    deactivation: entry.tagValue,
    status,
    reason,
    error,
  };
}

async function reactivateOne(
  iam: Pick<IAMClient, 'send'>,
  runId: string,
  runStart: Date | null,
  entry: RunDeactivation,
): Promise<UndoAction> {
  const { userName, accessKeyId } = entry;
  const removeTag = async (): Promise<UndoAction['error']> => {
    try {
      await iam.send(new UntagUserCommand({ UserName: userName, TagKeys: [entry.tagKey] }));
      return null;
    } catch (error) {
      return describeAwsError(error);
    }
  };
  let status: string | undefined;
  try {
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
    status = listed.AccessKeyMetadata?.find((key) => key.AccessKeyId === accessKeyId)?.Status;
  } catch (error) {
    if (isNoSuchEntity(error)) return outcome(entry, 'skipped', UNDO_SKIP_REASONS.userGone);
    return outcome(
      entry,
      'failed',
      'could not list the user’s keys; key left untouched',
      describeAwsError(error),
    );
  }
  if (status === undefined) {
    const error = await removeTag();
    return outcome(entry, 'skipped', UNDO_SKIP_REASONS.keyGone, error);
  }
  if (status === 'Active') {
    const error = await removeTag();
    return outcome(entry, 'skipped', UNDO_SKIP_REASONS.alreadyActive, error);
  }
  try {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    if (used.UserName && used.UserName !== userName) {
      return outcome(entry, 'skipped', UNDO_SKIP_REASONS.otherOwner(used.UserName));
    }
    const lastUsed = used.AccessKeyLastUsed?.LastUsedDate;
    if (lastUsed && (!runStart || lastUsed.getTime() > runStart.getTime())) {
      return outcome(entry, 'skipped', UNDO_SKIP_REASONS.usedSince(lastUsed, runId));
    }
  } catch (error) {
    return outcome(
      entry,
      'failed',
      'could not read when the key was last used; key left Inactive',
      describeAwsError(error),
    );
  }
  try {
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Active' }),
    );
  } catch (error) {
    return outcome(entry, 'failed', 'UpdateAccessKey failed; key still Inactive', describeAwsError(error));
  }
  const error = await removeTag();
  return error
    ? outcome(
        entry,
        'reactivated',
        `reactivated, but removing the ${entry.tagKey} tag failed; remove it by hand`,
        error,
      )
    : outcome(entry, 'reactivated', null);
}
