import { deactivationTagKey } from '../apply/apply.js';
import type { Settings } from '../config/settings.js';
import { evaluateRules } from '../evaluate/registry.js';
import type { ActionOutcome, AuditError, UserRecord } from '../model.js';
import { type Plan, plan, SKIP_REASONS, slotOfKeyName } from '../plan/plan.js';
import { type ResolveDeps, resolveUsers } from './resolve-keys.js';

export interface LivePlanInput {
  /** The inventory; credential-report users have keys without ids. */
  users: readonly UserRecord[];
  errors: readonly AuditError[];
  settings: Settings;
  now: Date;
  selfAccessKeyId: string | null;
  /** The run planning; a key this run deactivated is never deleted by it. */
  runId?: string | null;
}

export interface LivePlan extends Plan {
  /** The inventory with the resolved users' records replaced by live ones. */
  users: UserRecord[];
  /** The inventory's errors plus those of the resolution. */
  errors: AuditError[];
  /** Users that had a planned action but were not resolved because the time budget ran out. */
  notReached: string[];
  /** Users read live, in the order they were asked for. */
  resolved: string[];
}

/** The skip reason of a key whose user the time budget kept from being resolved. */
export const NOT_RESOLVED_IN_TIME =
  'time budget spent before this key was read live; the next run will retry it';

/**
 * Plans on credential-report data, then decides again on live data for the users it would act on.
 *
 * 1. evaluate and plan on the inventory as is, treating keys known only by their report slot as
 *    actionable, to learn which users have a planned deactivation (none when the blast-radius cap
 *    trips: then the first plan is final);
 * 2. read those users live (ListAccessKeys, GetAccessKeyLastUsed per key with a planned action or
 *    no unique slot match; at most `maxActionsPerRun` users), which replaces their slot-only keys
 *    with real key ids and current last use;
 * 3. evaluate and plan again, key by key, on that data. Only keys with real ids can be planned; a
 *    slot matched to a key by creation date is a hint shown in the report, never the reason for
 *    an action (a user's two keys may be created in the same second, or rotated since the report).
 *
 * An inventory without slot-only keys (the live path) is planned once, with no extra calls.
 *
 * @example
 * const { actions, users } = await planOnLiveData({ iam, concurrency: 8 }, { users, errors, settings, now, selfAccessKeyId });
 */
export async function planOnLiveData(deps: ResolveDeps, input: LivePlanInput): Promise<LivePlan> {
  const { settings, now } = input;
  const base = { settings, now, selfAccessKeyId: input.selfAccessKeyId, runId: input.runId ?? null };
  const firstFindings = evaluateRules(input.users, { now, settings });
  const first = plan({
    ...base,
    users: input.users,
    findings: firstFindings,
    errors: input.errors,
    unresolvedKeyReason: () => null,
  });
  const plannedUsers = new Set(
    first.actions.filter((action) => action.status === 'planned').map((action) => action.userName),
  );
  const toResolve = [
    ...input.users
      .filter((user) => plannedUsers.has(user.userName) && user.keys.some((key) => key.accessKeyId === null))
      .slice(0, settings.maxActionsPerRun),
    ...input.users.filter((user) => !plannedUsers.has(user.userName) && mayCarryUnfinishedRecord(user)),
  ];
  if (toResolve.length === 0) {
    // Every planned action (if any) is on a key with a real id; slot-only keys are all skipped,
    // e.g. by the blast-radius cap, whose finding must stay.
    return { ...first, users: [...input.users], errors: [...input.errors], notReached: [], resolved: [] };
  }

  const plannedSlots = new Map<string, Set<1 | 2>>();
  for (const action of first.actions) {
    const slot = slotOfKeyName(action.accessKeyId);
    if (action.status !== 'planned' || slot === null) continue;
    plannedSlots.set(action.userName, (plannedSlots.get(action.userName) ?? new Set()).add(slot));
  }
  const live = await resolveUsers(deps, toResolve, plannedSlots);
  const byName = new Map(live.users.map((user) => [user.userName, user]));
  const users = input.users.map((user) => byName.get(user.userName) ?? user);
  const errors = [...input.errors, ...live.errors];
  const notReached = new Set(live.notReached);
  const failed = new Map(live.errors.filter((e) => e.accessKeyId === null).map((e) => [e.userName, e.code]));
  const final = plan({
    ...base,
    users,
    findings: evaluateRules(users, { now, settings }),
    errors,
    unresolvedKeyReason: (userName) => {
      if (notReached.has(userName)) return NOT_RESOLVED_IN_TIME;
      const code = failed.get(userName);
      return code
        ? `its keys could not be read live (${code}), so no key id is known`
        : SKIP_REASONS.keyIdUnknown;
    },
  });
  return {
    ...final,
    actions: [...final.actions, ...liveDisagreements(first.actions, final.actions, byName, now)],
    users,
    errors,
    notReached: live.notReached,
    resolved: toResolve.map((user) => user.userName).filter((name) => !notReached.has(name)),
  };
}

/**
 * Keys the credential report called due but the live data does not: the first plan deactivated the
 * report slot, the live key in that slot (matched by creation time) is still active, and the final
 * plan has no action on it, because GetAccessKeyLastUsed shows a use the report did not know of.
 * Each becomes a skipped action whose reason says so, so the report shows why nothing was done.
 */
function liveDisagreements(
  firstActions: readonly ActionOutcome[],
  finalActions: readonly ActionOutcome[],
  liveUsers: ReadonlyMap<string, UserRecord>,
  now: Date,
): ActionOutcome[] {
  const decided = new Set(finalActions.map((action) => `${action.userName}\u0000${action.accessKeyId}`));
  const notes: ActionOutcome[] = [];
  for (const action of firstActions) {
    if (action.status !== 'planned') continue;
    const slot = /^\(slot ([12])\)$/.exec(action.accessKeyId)?.[1];
    const key = liveUsers
      .get(action.userName)
      ?.keys.find((k) => slot !== undefined && k.slot === Number(slot) && k.status === 'Active');
    if (!key?.accessKeyId || decided.has(`${action.userName}\u0000${key.accessKeyId}`)) continue;
    const used = key.lastUsed
      ? `used ${formatAgo(now, key.lastUsed.date)} (${key.lastUsed.date.toISOString()}, ${key.lastUsed.service})`
      : 'not yet due';
    notes.push({
      ...action,
      accessKeyId: key.accessKeyId,
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

/**
 * True when a credential-report user has more deactivation records than inactive keys and an
 * active key: one record may then sit on an active key (a deactivation interrupted after its
 * record was written). The user is read live so the plan can report it; slot-only keys cannot be
 * matched to the record's key id. Normal users (records only on inactive keys) cost no call.
 */
function mayCarryUnfinishedRecord(user: UserRecord): boolean {
  const prefix = deactivationTagKey('');
  const records = Object.keys(user.tags).filter((tag) => tag.startsWith(prefix)).length;
  const inactive = user.keys.filter((key) => key.status !== 'Active').length;
  return (
    !user.isRoot &&
    records > inactive &&
    user.keys.some((key) => key.status === 'Active' && key.accessKeyId === null)
  );
}
