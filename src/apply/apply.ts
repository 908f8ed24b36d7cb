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
import { type ArchivedRun, archiveLists } from '../archive/read-archive.js';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { deletionBlocker } from '../evaluate/deletion.js';
import { deactivationTagKey, deactivationTagValue, parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
import type { PlannedAction } from '../model.js';
import { SKIP_REASONS } from '../plan/skip-reasons.js';
import type { OnProgress } from '../progress.js';
import { toIsoDate } from '../time.js';

/**
 * The IAM calls `applyActions` makes: the only mutations, on users of this account.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
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
    why: 're-reads the key status under its user right before deactivating or deleting it',
  },
  {
    action: 'iam:ListUserTags',
    resource: ANY_USER,
    why: 'reads the deactivation record back after writing it, and before deleting a key',
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
  /**
   * The archived report of a run (see `readArchivedRun`). A deletion needs the deactivating run's
   * archive to list the key as deactivated; without an archive nothing is deleted.
   */
  archivedRun?: (runId: string) => Promise<ArchivedRun>;
  /** Told after each planned action (phase `applying`), done or not. */
  onProgress?: OnProgress;
}

const DAY_MS = 86_400_000;

/** The reason an action not started for lack of time is skipped with; the run is then incomplete. */
export const TIME_BUDGET_SKIP_REASON = 'time budget spent before this action; the next run will retry it';

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
  actions: readonly PlannedAction[],
): Promise<PlannedAction[]> {
  const outcomes: PlannedAction[] = [];
  const total = actions.filter((action) => action.status === 'planned').length;
  let done = 0;
  if (total > 0) deps.onProgress?.({ phase: 'applying', done, total });
  for (const action of actions) {
    if (action.status !== 'planned') {
      outcomes.push(action);
      continue;
    }
    if (deps.shouldStop?.()) {
      outcomes.push({
        ...action,
        status: 'skipped',
        reason: TIME_BUDGET_SKIP_REASON,
      });
    } else if (action.key.kind !== 'id') {
      // The plan never leaves a slot-only key planned; were it to, there is no key id to act on.
      outcomes.push({ ...action, status: 'skipped', reason: SKIP_REASONS.keyIdUnknown });
    } else {
      outcomes.push(await applyOne(deps, action, action.key.accessKeyId));
    }
    done += 1;
    deps.onProgress?.({ phase: 'applying', done, total });
  }
  return outcomes;
}

async function applyOne(deps: ApplyDeps, action: PlannedAction, accessKeyId: string): Promise<PlannedAction> {
  if (action.action === 'delete') return deleteOne(deps, action, accessKeyId);
  const { iam } = deps;
  let confirmed: { AccessKeyLastUsed?: { LastUsedDate?: Date; ServiceName?: string } };
  try {
    confirmed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: 'live confirmation failed; key left untouched',
      error: describeAwsError(error),
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

  // Someone (incident response, an overlapping run) may have switched the key off since the plan:
  // such a key is not ours to record, and undo must never reactivate it.
  const current = await currentKeyState(iam, action.userName, accessKeyId);
  if (current.kind === 'error') {
    return { ...action, status: 'failed', reason: current.reason, error: describeAwsError(current.error) };
  }
  if (current.kind === 'gone') {
    return {
      ...action,
      status: 'skipped',
      reason: `live check: the key is not listed under ${action.userName} (deleted, or another user's); left untouched`,
    };
  }
  if (current.status !== 'Active') {
    return {
      ...action,
      status: 'skipped',
      reason: 'already inactive, not deactivated by key-hygiene; no record written',
    };
  }

  // The record goes first (write-ahead): a key key-hygiene deactivated always carries the tag that
  // says so, even when the process dies between the two calls. A record without the deactivation
  // (killed, or UpdateAccessKey failed) is completed by the next run while the key is still unused;
  // the reverse, an inactive key without a record, could not be told apart from a key someone
  // deactivated by hand, and undo must never reactivate those.
  const tagKey = deactivationTagKey(accessKeyId);
  const value = deps.runId
    ? deactivationTagValue(deps.now, action.ruleId, deps.runId)
    : `${toIsoDate(deps.now)} ${action.ruleId}`;
  try {
    await iam.send(new TagUserCommand({ UserName: action.userName, Tags: [{ Key: tagKey, Value: value }] }));
    // Read back: two runs acting on one key at once both tag it; the last record written wins, and
    // only the run that holds it reports the deactivation, so each report is true of its own run.
    const recorded = await recordOf(iam, action.userName, tagKey);
    if (recorded !== value) return heldByAnother(action, recorded);
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
        AccessKeyId: accessKeyId,
        Status: 'Inactive',
      }),
    );
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: `UpdateAccessKey failed; key still active (the user already carries ${deactivationTagKey(accessKeyId)}; the next run completes the deactivation while the key stays unused)`,
      error: describeAwsError(error),
    };
  }
  // Checked again after the call: a run that overwrote the record meanwhile reports the
  // deactivation as its own, and this one must not claim it too.
  try {
    const recorded = await recordOf(iam, action.userName, tagKey);
    if (recorded !== value) return heldByAnother(action, recorded);
  } catch (error) {
    return {
      ...action,
      status: 'failed',
      reason: 'the key was deactivated, but reading its record back failed; check the tag by hand',
      error: describeAwsError(error),
    };
  }
  return { ...action, status: 'applied', reason: null, error: null };
}

async function recordOf(
  iam: ApplyDeps['iam'],
  userName: string,
  tagKey: string,
): Promise<string | undefined> {
  const tags = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return tags.Tags?.find((tag) => tag.Key?.toLowerCase() === tagKey.toLowerCase())?.Value;
}

function heldByAnother(action: PlannedAction, recorded: string | undefined): PlannedAction {
  return {
    ...action,
    status: 'skipped',
    reason: `another key-hygiene run is deactivating this key at the same time and holds its record (${recorded ?? 'removed'}); left to it`,
  };
}

type KeyState =
  | { kind: 'listed'; status: string | undefined }
  | { kind: 'gone' }
  | { kind: 'error'; reason: string; error: unknown };

/** The key's status as ListAccessKeys shows it under this user right now. */
async function currentKeyState(
  iam: ApplyDeps['iam'],
  userName: string,
  accessKeyId: string,
): Promise<KeyState> {
  try {
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
    const key = listed.AccessKeyMetadata?.find((entry) => entry.AccessKeyId === accessKeyId);
    return key ? { kind: 'listed', status: key.Status } : { kind: 'gone' };
  } catch (error) {
    return { kind: 'error', reason: 'live check of the key status failed; key left untouched', error };
  }
}

/**
 * Deletes one key after re-reading, right before the call, everything the plan relied on: the key
 * is still listed under the user and Inactive, the deactivation tag still names an earlier run old
 * enough, and GetAccessKeyLastUsed shows no use since that run. Then removes the tag.
 */
async function deleteOne(
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
