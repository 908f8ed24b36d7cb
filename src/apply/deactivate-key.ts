import {
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { deactivationTagKey, deactivationTagValue, TAG_KEYS } from '../evaluate/tags.js';
import type { PlannedAction } from '../model.js';
import { toIsoDate } from '../time.js';
import type { ApplyDeps } from './apply-deps.js';

/**
 * The IAM calls a deactivation makes: the only key mutation of an audit and of the exposed-key
 * responder, on users of this account.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const DEACTIVATE_PERMISSIONS = [
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
] as const satisfies readonly PermissionDeclaration[];

const DAY_MS = 86_400_000;

/**
 * Deactivates one key through every safeguard: GetAccessKeyLastUsed again (the inventory may be
 * minutes or hours old; a key used within the threshold is left, unless the rule is exposed-key),
 * the key's status under its user re-read, the deactivation record (`<date> <rule> <runId>`)
 * written on the user and read back, then UpdateAccessKey, then the record read back again.
 */
export async function deactivateKey(
  deps: ApplyDeps,
  action: PlannedAction,
  accessKeyId: string,
): Promise<PlannedAction> {
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
  // An exposed key in use is the reason to act, not a reason to wait: whoever found it may be using it.
  if (lastUsed && action.ruleId !== 'exposed-key') {
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
  const taggingFailed =
    'tagging the user with the deactivation record failed; key left active, the next run retries';
  try {
    await iam.send(new TagUserCommand({ UserName: action.userName, Tags: [{ Key: tagKey, Value: value }] }));
  } catch (error) {
    return { ...action, status: 'failed', reason: taggingFailed, error: describeAwsError(error) };
  }
  const beforeUpdate = await recordNotHeld(iam, action, { tagKey, value }, taggingFailed);
  if (beforeUpdate) return beforeUpdate;
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
  const afterUpdate = await recordNotHeld(
    iam,
    action,
    { tagKey, value },
    'the key was deactivated, but reading its record back failed; check the tag by hand',
  );
  return afterUpdate ?? { ...action, status: 'applied', reason: null, error: null };
}

/**
 * Reads the deactivation record back. Two runs acting on one key at once both tag it; the last record
 * written wins, and only the run that holds it reports the deactivation, so each report is true of its
 * own run. Returns this action's outcome when the run does not hold the record (or it could not be
 * read), and null when it does.
 */
async function recordNotHeld(
  iam: ApplyDeps['iam'],
  action: PlannedAction,
  record: { tagKey: string; value: string },
  readFailedReason: string,
): Promise<PlannedAction | null> {
  try {
    const recorded = await recordOf(iam, action.userName, record.tagKey);
    return recorded === record.value ? null : heldByAnother(action, recorded);
  } catch (error) {
    return { ...action, status: 'failed', reason: readFailedReason, error: describeAwsError(error) };
  }
}

export async function recordOf(
  iam: ApplyDeps['iam'],
  userName: string,
  tagKey: string,
): Promise<string | undefined> {
  const tags = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return tags.Tags?.find((tag) => tag.Key?.toLowerCase() === tagKey.toLowerCase())?.Value;
}

/** How a skip because another run holds the key's deactivation record begins its reason. */
export const HELD_BY_ANOTHER_RUN = 'another key-hygiene run is deactivating this key at the same time';

function heldByAnother(action: PlannedAction, recorded: string | undefined): PlannedAction {
  return {
    ...action,
    status: 'skipped',
    reason: `${HELD_BY_ANOTHER_RUN} and holds its record (${recorded ?? 'removed'}); left to it`,
  };
}

export type KeyState =
  | { kind: 'listed'; status: string | undefined }
  | { kind: 'gone' }
  | { kind: 'error'; reason: string; error: unknown };

/** The key's status as ListAccessKeys shows it under this user right now. */
export async function currentKeyState(
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
