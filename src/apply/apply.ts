import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { deletionBlocker } from '../evaluate/deletion.js';
import { deactivationTagValue, parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
import type { ActionOutcome } from '../model.js';
import { toIsoDate } from '../time.js';

/** The IAM calls `applyActions` makes: the only mutations, on users of this account. */
export const APPLY_PERMISSIONS = [
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'confirms a key is still unused right before acting',
  },
  {
    action: 'iam:UpdateAccessKey',
    resource: ANY_USER,
    why: 'deactivates a key (sets it Inactive)',
  },
  {
    action: 'iam:TagUser',
    resource: ANY_USER,
    // Never the exemption tags, nor tags other policies of the account may trust.
    condition: onlyTagKeys(`${TAG_KEYS.deactivatedPrefix}*`),
    why: 'tags the user with why, when and in which run its key was deactivated',
  },
  {
    action: 'iam:ListAccessKeys',
    resource: ANY_USER,
    why: 'deletion (inactive-key-cleanup): re-reads the key status right before deleting',
  },
  {
    action: 'iam:ListUserTags',
    resource: ANY_USER,
    why: 'deletion: re-reads the deactivation tag right before deleting',
  },
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
] as const satisfies readonly PermissionDeclaration[];

export interface ApplyDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The evaluation time: live confirmation measures "days since last use" against it. */
  now: Date;
  /** A key used fewer than this many days before `now` is not deactivated. */
  unusedKeyDays: number;
  /**
   * The run applying the actions; recorded in the deactivation tag so `{ "undo": runId }` finds
   * the keys. Without it (only direct callers such as tests) the tag has the older two-part value.
   */
  runId?: string;
  /** CLEANUP_DAYS: a deletion needs the key deactivated by key-hygiene this many days ago. */
  deleteAfterDays?: number;
  /** Asked before each action; true once the time budget is spent. */
  shouldStop?: () => boolean;
}

const DAY_MS = 86_400_000;

/** The reason an action not started for lack of time is skipped with; the run is then incomplete. */
export const TIME_BUDGET_SKIP_REASON = 'time budget spent before this action; the next run will retry it';

/** The tag that tells whoever opens the user in the console why a key was deactivated. */
export function deactivationTagKey(accessKeyId: string): string {
  return `key-hygiene:deactivated-${accessKeyId}`;
}

/**
 * The only code that mutates IAM for an audit. Takes the planner's actions and, for each one still
 * `planned`: asks GetAccessKeyLastUsed again (the inventory may be minutes or hours old), tags the
 * user with the deactivation record (`<date> <rule> <runId>`), then deactivates the key; or, for a
 * `delete`, re-checks status, tag and last use live, deletes the key and removes its tag. Anything
 * not `planned` passes through unchanged.
 * Actions run one at a time: there are at most `maxActionsPerRun` of them, and an operator
 * reading the log should see them in order.
 *
 * @example
 * const outcomes = await applyActions({ iam, now, unusedKeyDays: 90 }, plan.actions);
 */
export async function applyActions(
  deps: ApplyDeps,
  actions: readonly ActionOutcome[],
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const action of actions) {
    if (action.status !== 'planned') {
      outcomes.push(action);
    } else if (deps.shouldStop?.()) {
      outcomes.push({
        ...action,
        status: 'skipped',
        reason: TIME_BUDGET_SKIP_REASON,
      });
    } else {
      outcomes.push(await applyOne(deps, action));
    }
  }
  return outcomes;
}

async function applyOne(deps: ApplyDeps, action: ActionOutcome): Promise<ActionOutcome> {
  if (action.action === 'delete') return deleteOne(deps, action);
  const { iam } = deps;
  let confirmed: { UserName?: string; AccessKeyLastUsed?: { LastUsedDate?: Date; ServiceName?: string } };
  try {
    confirmed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: action.accessKeyId }));
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: 'live confirmation failed; key left untouched',
      error: describeAwsError(error),
    };
  }
  if (confirmed.UserName && confirmed.UserName !== action.userName) {
    return {
      ...action,
      status: 'skipped',
      reason: `live check says this key belongs to ${confirmed.UserName}, not ${action.userName}; left untouched`,
    };
  }
  const lastUsed = confirmed.AccessKeyLastUsed?.LastUsedDate;
  if (lastUsed) {
    const days = Math.floor((deps.now.getTime() - lastUsed.getTime()) / DAY_MS);
    if (days < deps.unusedKeyDays) {
      const service = confirmed.AccessKeyLastUsed?.ServiceName ?? 'an AWS service';
      return {
        ...action,
        status: 'skipped',
        reason: `live check: used ${Math.max(days, 0)} days ago (${service}), within the ${deps.unusedKeyDays}-day threshold`,
      };
    }
  }

  // The record goes first (write-ahead): a key key-hygiene deactivated always carries the tag that
  // says so, even when the process dies between the two calls. A record without the deactivation
  // (killed, or UpdateAccessKey failed) is completed by the next run while the key is still unused;
  // the reverse, an inactive key without a record, could not be told apart from a key someone
  // deactivated by hand, and undo must never reactivate those.
  try {
    const value = deps.runId
      ? deactivationTagValue(deps.now, action.ruleId, deps.runId)
      : `${toIsoDate(deps.now)} ${action.ruleId}`;
    await iam.send(
      new TagUserCommand({
        UserName: action.userName,
        Tags: [{ Key: deactivationTagKey(action.accessKeyId), Value: value }],
      }),
    );
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: 'tagging the user with the deactivation record failed; key left active, the next run retries',
      error: describeAwsError(error),
    };
  }
  try {
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: action.userName,
        AccessKeyId: action.accessKeyId,
        Status: 'Inactive',
      }),
    );
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: `UpdateAccessKey failed; key still active (the user already carries ${deactivationTagKey(action.accessKeyId)}; the next run completes the deactivation while the key stays unused)`,
      error: describeAwsError(error),
    };
  }
  return { ...action, status: 'applied', reason: null, error: null };
}

/**
 * Deletes one key after re-reading, right before the call, everything the plan relied on: the key
 * is still listed under the user and Inactive, the deactivation tag still names an earlier run old
 * enough, and GetAccessKeyLastUsed shows no use since that run. Then removes the tag.
 */
async function deleteOne(deps: ApplyDeps, action: ActionOutcome): Promise<ActionOutcome> {
  const { iam } = deps;
  const skipped = (reason: string): ActionOutcome => ({ ...action, status: 'skipped', reason, error: null });
  const ended = (status: 'failed' | 'applied', reason: string, error: unknown): ActionOutcome => ({
    ...action,
    status,
    reason,
    error: describeAwsError(error),
  });
  if (!deps.runId || deps.deleteAfterDays === undefined) {
    return skipped('deletion needs the run id and CLEANUP_DAYS, which this caller did not give; not deleted');
  }
  const tagKey = deactivationTagKey(action.accessKeyId);
  let status: string | undefined;
  let tag: string | undefined;
  let lastUsed: Date | null;
  try {
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: action.userName }));
    status = listed.AccessKeyMetadata?.find((key) => key.AccessKeyId === action.accessKeyId)?.Status;
    if (status === undefined)
      return skipped('live check: the key no longer exists under this user; nothing to delete');
    const tags = await iam.send(new ListUserTagsCommand({ UserName: action.userName }));
    tag = tags.Tags?.find((entry) => entry.Key?.toLowerCase() === tagKey.toLowerCase())?.Value;
    const confirmed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: action.accessKeyId }));
    if (confirmed.UserName && confirmed.UserName !== action.userName) {
      return skipped(
        `live check says this key belongs to ${confirmed.UserName}, not ${action.userName}; left untouched`,
      );
    }
    lastUsed = confirmed.AccessKeyLastUsed?.LastUsedDate ?? null;
  } catch (error) {
    return ended('failed', 'live check before deletion failed; key left untouched', error);
  }
  const blocker = deletionBlocker({
    deactivation: tag === undefined ? null : parseDeactivation(tag),
    status,
    lastUsed,
    now: deps.now,
    deleteAfterDays: deps.deleteAfterDays,
    currentRunId: deps.runId,
  });
  if (blocker) return skipped(`live check: ${blocker}; not deleted`);
  try {
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: action.userName, AccessKeyId: action.accessKeyId }),
    );
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
