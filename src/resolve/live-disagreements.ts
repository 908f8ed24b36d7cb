import type { PlannedAction, UserRecord } from '../model.js';

/**
 * Keys the credential report called due but the live data does not: the first plan deactivated the
 * report slot, the live key in that slot (matched by creation time) is still active, and the final
 * plan has no action on it, because GetAccessKeyLastUsed shows a use the report did not know of.
 * Each becomes a skipped action whose reason says so, so the report shows why nothing was done.
 */
export function liveDisagreements(
  firstActions: readonly PlannedAction[],
  finalActions: readonly PlannedAction[],
  liveUsers: readonly UserRecord[],
  now: Date,
): PlannedAction[] {
  const byName = new Map(liveUsers.map((user) => [user.userName, user]));
  const decided = new Set(
    finalActions.flatMap((a) => (a.key.kind === 'id' ? [`${a.userName}\u0000${a.key.accessKeyId}`] : [])),
  );
  const notes: PlannedAction[] = [];
  for (const action of firstActions) {
    if (action.status !== 'planned' || action.key.kind !== 'slot') continue;
    const { slot } = action.key;
    const key = byName
      .get(action.userName)
      ?.keys.find((k) => slot !== null && k.slot === slot && k.status === 'Active');
    if (!key?.accessKeyId || decided.has(`${action.userName}\u0000${key.accessKeyId}`)) continue;
    const used = key.lastUsed
      ? `used ${formatAgo(now, key.lastUsed.date)} (${key.lastUsed.date.toISOString()}, ${key.lastUsed.service})`
      : 'not yet due';
    notes.push({
      ...action,
      key: { kind: 'id', accessKeyId: key.accessKeyId },
      status: 'skipped',
      reason: `the credential report shows this key (slot ${slot}) unused, but the live GetAccessKeyLastUsed shows it ${used}; the live data wins, so it was not deactivated`,
      error: null,
    });
  }
  return notes;
}

function formatAgo(now: Date, then: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - then.getTime()) / 60_000));
  if (minutes < 120) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours ago` : `${Math.round(hours / 24)} days ago`;
}
