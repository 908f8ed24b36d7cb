/**
 * The blast-radius cap: a run that would act on more keys than the cap acts on none of them and
 * raises a critical finding, so a mistaken threshold cannot lock a whole company out.
 */
import type { Settings } from '../config/settings.js';
import { accountFinding } from '../evaluate/key-facts.js';
import type { AccountFinding, UserRecord } from '../model.js';

export interface CapVerdict {
  count: number;
  /** How many of `count` are deletions (the cap counts both). */
  deletions: number;
  limit: number;
  /** Which setting set the limit, in words. */
  source: string;
  /** The variable to raise. */
  setting: 'MAX_ACTIONS_PER_RUN' | 'MAX_ACTIONS_PERCENT';
}

/**
 * The run's cap: `maxActionsPerRun`, or `maxActionsPercent` of the audited active non-root keys
 * (rounded down) when that is lower. Counted over the keys this run collected, so a targeted audit's
 * percentage is of the named users' keys.
 */
function capLimit(users: readonly UserRecord[], settings: Settings): Omit<CapVerdict, 'count' | 'deletions'> {
  const perRun = {
    limit: settings.maxActionsPerRun,
    source: 'MAX_ACTIONS_PER_RUN',
    setting: 'MAX_ACTIONS_PER_RUN',
  } as const;
  if (settings.maxActionsPercent === null) return perRun;
  const activeKeys = users
    .filter((user) => !user.isRoot)
    .reduce((count, user) => count + user.keys.filter((key) => key.status === 'Active').length, 0);
  const byPercent = Math.floor((activeKeys * settings.maxActionsPercent) / 100);
  if (byPercent >= settings.maxActionsPerRun) return perRun;
  return {
    limit: byPercent,
    source: `MAX_ACTIONS_PERCENT ${settings.maxActionsPercent}% of ${activeKeys} active keys`,
    setting: 'MAX_ACTIONS_PERCENT',
  };
}

/** The tripped cap, or null when the eligible actions fit under it. */
export function checkCap(
  eligible: readonly { action: 'deactivate' | 'delete' }[],
  users: readonly UserRecord[],
  settings: Settings,
): CapVerdict | null {
  const limit = capLimit(users, settings);
  if (eligible.length <= limit.limit) return null;
  const deletions = eligible.filter((candidate) => candidate.action === 'delete').length;
  return { ...limit, count: eligible.length, deletions };
}

export function capSkipReason(cap: CapVerdict): string {
  const what = cap.deletions > 0 ? 'deactivations and deletions' : 'deactivations';
  return `blast-radius cap: ${cap.count} ${what} planned, more than the cap of ${cap.limit} (${cap.source}); none applied`;
}

export function capFinding(cap: CapVerdict, mode: Settings['mode']): AccountFinding {
  const what = cap.deletions > 0 ? 'deactivation or deletion' : 'deactivation';
  const done = cap.deletions > 0 ? 'deactivated or deleted' : 'deactivated';
  const verb = cap.deletions > 0 ? 'act on' : 'deactivate';
  const outcome = mode === 'enforce' ? `none was ${done}` : `enforce mode would ${verb} none of them`;
  return accountFinding({
    ruleId: 'blast-radius-cap',
    severity: 'critical',
    controls: [],
    message: `${cap.count} keys are due for ${what}, more than the blast-radius cap of ${cap.limit} per run (${cap.source}), so ${outcome}; check the thresholds against the findings below, then raise ${cap.setting} or deactivate the keys by hand.`,
    action: 'notify',
  });
}
