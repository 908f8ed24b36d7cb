/**
 * Keys the plan would deactivate although CloudTrail saw them used after the last-used date the
 * plan relied on: IAM and CloudTrail disagree, so the key is left alone that night and the report
 * says why, naming both dates. Pure.
 */
import type { PlannedAction, UserRecord } from '../model.js';

/**
 * IAM records a key's last use at 15-minute granularity (AWS-FACTS), rounded down: an event up to
 * that much after the recorded date is the same use. An hour leaves room for the rounding and for
 * clocks; a key the plan would deactivate was last used weeks before, so it hides no real use.
 */
export const LAST_USED_TOLERANCE_MS = 60 * 60 * 1000;

/** The newest CloudTrail event read for a key, or null when none was found. */
export interface NewestUse {
  accessKeyId: string;
  lastSeen: Date | null;
}

/** The planned deactivations that CloudTrail must confirm: by key id, and not an exposed key. */
export function actionsToConfirm(actions: readonly PlannedAction[]): PlannedAction[] {
  // An exposed key in use is the reason to act, not a reason to wait.
  return actions.filter(
    (a) =>
      a.status === 'planned' &&
      a.action === 'deactivate' &&
      a.key.kind === 'id' &&
      a.ruleId !== 'exposed-key',
  );
}

/**
 * The actions with each planned deactivation that CloudTrail contradicts turned into a skipped
 * one whose reason names both dates; the other actions unchanged.
 */
export function evidenceDisagreements(
  actions: readonly PlannedAction[],
  users: readonly UserRecord[],
  newest: readonly NewestUse[],
  now: Date,
): PlannedAction[] {
  const seen = new Map(newest.map((use) => [use.accessKeyId, use.lastSeen]));
  const lastUsedOf = new Map(
    users.flatMap((user) =>
      user.keys.flatMap((key) =>
        key.accessKeyId ? [[key.accessKeyId, key.lastUsed?.date ?? null] as const] : [],
      ),
    ),
  );
  const toConfirm = new Set(actionsToConfirm(actions));
  return actions.map((action) => {
    if (!toConfirm.has(action) || action.key.kind !== 'id') return action;
    const lastSeen = seen.get(action.key.accessKeyId) ?? null;
    if (!lastSeen) return action;
    const lastUsed = lastUsedOf.get(action.key.accessKeyId) ?? null;
    if (lastUsed && lastSeen.getTime() <= lastUsed.getTime() + LAST_USED_TOLERANCE_MS) return action;
    const relied = lastUsed ? `last used ${lastUsed.toISOString()}` : 'never used';
    return {
      ...action,
      status: 'skipped' as const,
      reason: `CloudTrail shows this key used ${lastSeen.toISOString()} (${ago(now, lastSeen)}), but the plan relied on IAM's ${relied}; the two disagree, so it was not deactivated tonight (the next run reads both again)`,
      error: null,
    };
  });
}

function ago(now: Date, then: Date): string {
  const hours = Math.max(0, Math.round((now.getTime() - then.getTime()) / 3_600_000));
  return hours < 48 ? `${hours} hours ago` : `${Math.round(hours / 24)} days ago`;
}
