import {
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListAccessKeysCommand,
  paginateListAttachedUserPolicies,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { exposedKeyRule, quarantinePolicies } from '../evaluate/exposed-key.js';
import { parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
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
    why: 'undo: checks the key is still listed under the user and inactive',
  },
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'undo: checks the key was not used since the run, and whose a key not listed under the user is',
  },
  {
    action: 'iam:ListAttachedUserPolicies',
    resource: ANY_USER,
    why: 'undo: never reactivates a key of a user AWS quarantined (an AWSCompromisedKeyQuarantine policy attached)',
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
  keyGone: (tag: TagOutcome) => `the key was deleted since the run; nothing to reactivate (${tag})`,
  alreadyActive: (tag: TagOutcome) =>
    `the key is Active already (reactivated since the run); left as it is (${tag})`,
  usedSince: (date: Date, runId: string) =>
    `the key was used at ${date.toISOString()}, after run ${runId} deactivated it, so someone reactivated and deactivated it since; left Inactive (tag kept)`,
  otherOwner: (owner: string) =>
    `the key is not listed under this user: it belongs to ${owner}; left untouched (tag kept)`,
  timeBudget: 'time budget spent before this key; run the undo again to finish',
  notConfirmed: 'not confirmed at the prompt; left Inactive',
  exposed: (evidence: string) =>
    `not reactivated: deactivated because it was exposed (${evidence}); rotate it: create a new key, move the workloads to it, delete this one`,
  quarantined: (policies: readonly string[]) =>
    `not reactivated: user is quarantined by AWS (${policies.join(', ')} attached: one of its keys was found in public); left Inactive`,
} as const;

/** A key the undone run deactivated, with the rule its archived report gives, when it was read. */
export interface UndoCandidate extends RunDeactivation {
  /** The rule the undone run's archived report deactivated it for; null without that report. */
  archivedRule: string | null;
}

/**
 * Why a key counts as leaked, or null: the run deactivated it for exposed-key (its archived report,
 * or its tag, says so), or the responder's exposed record names it. Any one is enough: each only
 * ever keeps a key off, so a mark anyone could write cannot revive a key.
 */
export function exposedEvidence(entry: UndoCandidate): string | null {
  const rule = exposedKeyRule.id;
  if (entry.archivedRule === rule) return `the archived report of the run records rule ${rule}`;
  if (parseDeactivation(entry.tagValue)?.rule === rule) return `its deactivation tag records rule ${rule}`;
  if (entry.exposedRecord) return `the user carries ${TAG_KEYS.exposedPrefix}${entry.accessKeyId}`;
  return null;
}

/** What became of a stale deactivation tag, in a skip reason. */
type TagOutcome = 'the stale tag was removed' | `removing the stale tag failed; remove ${string} by hand`;

export interface ReactivateDeps {
  iam: Pick<IAMClient, 'send'>;
  /** Asked before each key; true once the time budget is spent. */
  shouldStop?: () => boolean;
}

export interface Reactivation {
  actions: UndoAction[];
  /** False when the time budget ran out before every key was reached (those are skipped, saying so). */
  complete: boolean;
}

/**
 * Reverses one run's deactivations, one key at a time (there are at most the run's cap of them).
 * For each key, right before acting, it checks that the key is still what the run left behind:
 * listed under the tag's user (else it was deleted, or it is another user's key and a tag that
 * names it is no record of ours), still Inactive (else someone reactivated it), and not used after
 * the run started (an inactive key cannot be used, so a later use means it was reactivated and
 * deactivated again by someone else). Only then: UpdateAccessKey Active and UntagUser the
 * deactivation tag. Every skip has its reason; every AWS failure is in its key's action.
 *
 * Exemptions are not consulted: reactivating only restores what the user had before the run.
 *
 * @example
 * const { actions, complete } = await reactivate({ iam, shouldStop }, runId, found);
 */
export async function reactivate(
  deps: ReactivateDeps,
  runId: string,
  found: readonly UndoCandidate[],
): Promise<Reactivation> {
  const runStart = runStartOf(runId);
  const actions: UndoAction[] = [];
  let complete = true;
  for (const entry of found) {
    if (deps.shouldStop?.()) {
      complete = false;
      actions.push(outcome(entry, 'skipped', UNDO_SKIP_REASONS.timeBudget));
      continue;
    }
    const exposed = exposedEvidence(entry);
    if (exposed !== null) actions.push(outcome(entry, 'skipped', UNDO_SKIP_REASONS.exposed(exposed)));
    else actions.push(await reactivateOne(deps.iam, runId, runStart, entry));
  }
  return { actions, complete };
}

/** The AWS quarantine policies attached to the user (none: empty). */
async function quarantineOf(iam: Pick<IAMClient, 'send'>, userName: string): Promise<readonly string[]> {
  const names: string[] = [];
  for await (const page of paginateListAttachedUserPolicies(
    { client: iam as IAMClient },
    { UserName: userName },
  )) {
    for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyName) names.push(policy.PolicyName);
  }
  return quarantinePolicies({ managedPolicies: names });
}

/**
 * Sets aside, before anyone is asked, the keys undo will not reactivate whatever the answer: those
 * deactivated because they were exposed, and those of users AWS quarantined (one policy listing per
 * user). A listing that fails sets nothing aside: `reactivate` reads it again and fails that key.
 * `reactivate` still checks both right before acting: the answer may come minutes later.
 */
export async function setAsideUnrevivable(
  iam: Pick<IAMClient, 'send'>,
  candidates: readonly UndoCandidate[],
): Promise<{ candidates: UndoCandidate[]; skipped: UndoAction[] }> {
  const kept: UndoCandidate[] = [];
  const skipped: UndoAction[] = [];
  const quarantineByUser = new Map<string, Promise<readonly string[]>>();
  for (const entry of candidates) {
    const exposed = exposedEvidence(entry);
    if (exposed !== null) {
      skipped.push(outcome(entry, 'skipped', UNDO_SKIP_REASONS.exposed(exposed)));
      continue;
    }
    let quarantine = quarantineByUser.get(entry.userName);
    if (!quarantine) {
      quarantine = quarantineOf(iam, entry.userName).catch(() => []);
      quarantineByUser.set(entry.userName, quarantine);
    }
    const policies = await quarantine;
    if (policies.length > 0) skipped.push(outcome(entry, 'skipped', UNDO_SKIP_REASONS.quarantined(policies)));
    else kept.push(entry);
  }
  return { candidates: kept, skipped };
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

async function removeTag(iam: Pick<IAMClient, 'send'>, entry: RunDeactivation): Promise<UndoAction['error']> {
  try {
    await iam.send(new UntagUserCommand({ UserName: entry.userName, TagKeys: [entry.tagKey] }));
    return null;
  } catch (error) {
    return describeAwsError(error);
  }
}

/** Removes a tag that no longer records a deactivation, and says so in the key's skip. */
async function skipRemovingTag(
  iam: Pick<IAMClient, 'send'>,
  entry: RunDeactivation,
  reason: (tag: TagOutcome) => string,
): Promise<UndoAction> {
  const error = await removeTag(iam, entry);
  const tag: TagOutcome = error
    ? `removing the stale tag failed; remove ${entry.tagKey} by hand`
    : 'the stale tag was removed';
  return outcome(entry, 'skipped', reason(tag), error);
}

/**
 * A key the tag names but the user's listing does not: deleted since the run (its stale tag is
 * removed), or another principal's key (left untouched, tag kept: it is no record of ours).
 */
async function notUnderUser(iam: Pick<IAMClient, 'send'>, entry: RunDeactivation): Promise<UndoAction> {
  try {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: entry.accessKeyId }));
    // The root user's keys have no UserName.
    return outcome(entry, 'skipped', UNDO_SKIP_REASONS.otherOwner(used.UserName ?? 'another principal'));
  } catch (error) {
    if (isNoSuchEntity(error)) return skipRemovingTag(iam, entry, UNDO_SKIP_REASONS.keyGone);
    return outcome(
      entry,
      'failed',
      'the key is not listed under the user, and whose it is could not be read; left untouched',
      describeAwsError(error),
    );
  }
}

async function reactivateOne(
  iam: Pick<IAMClient, 'send'>,
  runId: string,
  runStart: Date | null,
  entry: UndoCandidate,
): Promise<UndoAction> {
  const { userName, accessKeyId } = entry;
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
  // The owner check: only a key listed under the tag's user is acted on.
  if (status === undefined) return notUnderUser(iam, entry);
  if (status === 'Active') return skipRemovingTag(iam, entry, UNDO_SKIP_REASONS.alreadyActive);
  try {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
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
  // Read live, right before acting: AWS may have quarantined the user since the run.
  try {
    const quarantine = await quarantineOf(iam, userName);
    if (quarantine.length > 0) return outcome(entry, 'skipped', UNDO_SKIP_REASONS.quarantined(quarantine));
  } catch (error) {
    return outcome(
      entry,
      'failed',
      'could not read the user’s attached policies (is AWS quarantining it?); key left Inactive',
      describeAwsError(error),
    );
  }
  try {
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Active' }),
    );
  } catch (error) {
    return outcome(
      entry,
      'failed',
      'UpdateAccessKey failed; key still Inactive (tag kept, so the undo can be run again)',
      describeAwsError(error),
    );
  }
  const error = await removeTag(iam, entry);
  return error
    ? outcome(
        entry,
        'reactivated',
        `reactivated, but removing the ${entry.tagKey} tag failed; remove it by hand`,
        error,
      )
    : outcome(entry, 'reactivated', null);
}
