import type { Settings } from '../config/settings.js';
import { type ResolveDeps, resolveUsers } from '../inventory/resolve-keys.js';
import type { AuditError, UserRecord } from '../model.js';
import { evaluateRules } from '../rules/registry.js';
import { type Plan, plan, SKIP_REASONS, slotOfKeyName } from './plan.js';

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
  const toResolve = input.users
    .filter((user) => plannedUsers.has(user.userName) && user.keys.some((key) => key.accessKeyId === null))
    .slice(0, settings.maxActionsPerRun);
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
    users,
    errors,
    notReached: live.notReached,
    resolved: toResolve.map((user) => user.userName).filter((name) => !notReached.has(name)),
  };
}
