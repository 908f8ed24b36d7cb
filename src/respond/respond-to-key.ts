/**
 * One key an AWS_RISK_CREDENTIALS_EXPOSED event names, in an account the responder may act in:
 * find its owner, deactivate it at once through the audit's own safeguards (record first, status
 * re-read, rule `exposed-key`, a run id). An exempt user's key (tag, name, glob or path, the same
 * exemptions the role's explicit Deny enforces) and the responder's own key are reported for a
 * person to deactivate, never skipped in silence.
 */
import {
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  type IAMClient,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { deactivateKey, HELD_BY_ANOTHER_RUN } from '../apply/deactivate-key.js';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import type { Settings } from '../config/settings.js';
import { quarantinePolicies } from '../evaluate/exposed-key.js';
import { teamOf } from '../evaluate/tags.js';
import type { PlannedAction, UserRecord } from '../model.js';
import { exemptionFor } from '../plan/exemptions.js';
import type { KeyResponse } from './alert.js';

/**
 * The reads the responder makes before acting.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RESPONDER_PERMISSIONS = [
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'finds the owner of the key the AWS Health event names (the only call that needs just the key id)',
  },
  {
    action: 'iam:GetUser',
    resource: ANY_USER,
    why: "reads the owner's path and tags: exemptions, and the record of an event already handled",
  },
  {
    action: 'iam:ListAttachedUserPolicies',
    resource: ANY_USER,
    why: 'names the quarantine policy AWS attached, for the alert',
  },
] as const satisfies readonly PermissionDeclaration[];

/** What one key is handled with: the account's IAM client, and the key never to deactivate. */
export interface KeyDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The key the responder signs with (null in a member account, where it has none). */
  selfAccessKeyId: string | null;
}

/** One key's outcome; `record` says whether it is final (a failed one is tried again). */
export type KeyOutcome = Omit<KeyResponse, 'activity' | 'messageId'> & { record: boolean };

interface Owner {
  user: UserRecord;
  quarantine: string[];
}

async function readOwner(iam: KeyDeps['iam'], userName: string): Promise<Owner> {
  const { User: found } = await iam.send(new GetUserCommand({ UserName: userName }));
  const tags: Record<string, string> = {};
  for (const tag of found?.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
  let quarantine: string[] = [];
  try {
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
    quarantine = quarantinePolicies({
      managedPolicies: (attached.AttachedPolicies ?? []).map((policy) => policy.PolicyName ?? ''),
    });
  } catch {
    // Only the alert's wording depends on it.
  }
  return {
    user: {
      userName,
      arn: found?.Arn ?? '',
      path: found?.Path ?? '/',
      createDate: found?.CreateDate ?? null,
      tags,
      team: teamOf(tags),
      isRoot: false,
      keys: [],
    },
    quarantine,
  };
}

/**
 * Handles one exposed key; never throws for an AWS error on the key (it becomes the outcome, and
 * the alert says to act by hand).
 */
export async function respondToKey(
  deps: KeyDeps,
  settings: Settings,
  context: { runId: string; now: Date },
  accessKeyId: string,
): Promise<KeyOutcome> {
  const base = { accessKeyId, quarantinePolicies: [] as string[] };
  let userName: string | undefined;
  try {
    const answer = await deps.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    userName = answer.UserName;
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return isNoSuchEntity(error)
      ? {
          ...base,
          userName: null,
          outcome: 'unknown-key',
          detail: `nothing: IAM has no key ${accessKeyId} in this account (already deleted, or another account's); check the AWS Health event.`,
          record: false,
        }
      : {
          ...base,
          userName: null,
          outcome: 'failed',
          detail: `nothing: looking up the key's owner failed (${code}: ${message}); deactivate it by hand.`,
          record: false,
        };
  }
  if (!userName) {
    return {
      ...base,
      userName: null,
      outcome: 'unknown-key',
      detail: `nothing: ${accessKeyId} belongs to no IAM user (a root key?); the account owner must delete it by hand.`,
      record: false,
    };
  }
  let owner: Owner;
  try {
    owner = await readOwner(deps.iam, userName);
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return {
      ...base,
      userName,
      outcome: 'failed',
      detail: `nothing: reading ${userName} failed (${code}: ${message}); deactivate ${accessKeyId} by hand.`,
      record: false,
    };
  }
  const known = { ...base, userName, quarantinePolicies: owner.quarantine };
  const exemption = exemptionFor(owner.user, settings, context.now);
  if (exemption) {
    return {
      ...known,
      outcome: 'exempt',
      detail: `nothing: ${userName} is exempt from key-hygiene's actions (${exemption.source} ${exemption.matched}${exemption.reason ? `, ${exemption.reason}` : ''}), so the key is still active: deactivate it by hand.`,
      record: true,
    };
  }
  if (deps.selfAccessKeyId === accessKeyId) {
    return {
      ...known,
      outcome: 'self-key',
      detail: 'nothing: the responder itself signs with this key; deactivate it by hand.',
      record: true,
    };
  }
  if (settings.rules.exposedKey.action === 'notify') {
    return {
      ...known,
      outcome: 'notified',
      detail: 'nothing (exposedKeyAction is notify): the key is still active; deactivate it now.',
      record: true,
    };
  }
  const action: PlannedAction = {
    action: 'deactivate',
    ruleId: 'exposed-key',
    userName,
    key: { kind: 'id', accessKeyId },
    status: 'planned',
    reason: null,
    error: null,
  };
  const outcome = await deactivateKey(
    {
      iam: deps.iam,
      now: context.now,
      runId: context.runId,
      unusedKeyDays: settings.rules.unusedKey.days,
    },
    action,
    accessKeyId,
  );
  if (outcome.status === 'applied') {
    return {
      ...known,
      outcome: 'deactivated',
      detail: `deactivated it at ${context.now.toISOString()} (recorded on ${userName} as key-hygiene:deactivated-${accessKeyId}).`,
      record: true,
    };
  }
  if (outcome.status === 'skipped' && outcome.reason?.startsWith(HELD_BY_ANOTHER_RUN)) {
    return {
      ...known,
      outcome: 'concurrent',
      detail: `nothing yet: ${outcome.reason}; this delivery is retried and finds what that run did.`,
      record: false,
    };
  }
  if (outcome.status === 'skipped' && /already inactive|not listed/.test(outcome.reason ?? '')) {
    return { ...known, outcome: 'already-inactive', detail: `nothing: ${outcome.reason}.`, record: true };
  }
  const error = outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : '';
  return {
    ...known,
    outcome: 'failed',
    detail: `not deactivated: ${outcome.reason ?? 'unknown'}${error}; deactivate it by hand.`,
    record: false,
  };
}
