import {
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import type { ActionOutcome } from '../model.js';

/** IAM permissions `applyActions` calls (besides the read it repeats for live confirmation). */
export const APPLY_PERMISSIONS = ['iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:TagUser'] as const;

export interface ApplyDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The evaluation time: live confirmation measures "days since last use" against it. */
  now: Date;
  /** A key used fewer than this many days before `now` is not deactivated. */
  unusedKeyDays: number;
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
 * The only code that mutates IAM. Takes the planner's actions and, for each one still
 * `planned`: asks GetAccessKeyLastUsed again (the inventory may be minutes or hours old),
 * deactivates the key, and tags the user. Anything not `planned` passes through unchanged.
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

  if (action.action !== 'deactivate') {
    return {
      ...action,
      status: 'skipped',
      reason: `action ${action.action} is not performed by this version`,
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
      reason: 'UpdateAccessKey failed; key still active',
      error: describeAwsError(error),
    };
  }
  try {
    const day = deps.now.toISOString().slice(0, 10);
    await iam.send(
      new TagUserCommand({
        UserName: action.userName,
        Tags: [{ Key: deactivationTagKey(action.accessKeyId), Value: `${day} ${action.ruleId}` }],
      }),
    );
  } catch (error) {
    // The key is off, which is what matters; the missing tag only loses the console hint.
    return {
      ...action,
      status: 'applied',
      reason: 'deactivated, but tagging the user failed',
      error: describeAwsError(error),
    };
  }
  return { ...action, status: 'applied', reason: null, error: null };
}
