/**
 * The resolve step: credential-report keys have no ids, so before anything is done the users a plan
 * would act on are read live, and the pipeline evaluates and plans again on that data.
 */

import { type ResolveDeps, resolveUsers } from '../collect/resolve-keys.js';
import type { Settings } from '../config/settings.js';
import { TAG_KEYS } from '../evaluate/tags.js';
import type { AuditError, PlannedAction, UserRecord } from '../model.js';
import type { Plan } from '../plan/plan.js';
import { SKIP_REASONS } from '../plan/skip-reasons.js';

export interface Resolution {
  /** The inventory with the resolved users' records replaced by live ones. */
  users: UserRecord[];
  /** The inventory's errors plus those of the resolution. */
  errors: AuditError[];
  /** Users that had a planned action but were not read because the time budget ran out. */
  notReached: string[];
  /** Users read live, in the order they were asked for. */
  resolved: string[];
  /** Why a key still known only by its slot is skipped in the second plan. */
  unresolvedKeyReason: (userName: string) => string;
}

/** The skip reason of a key whose user the time budget kept from being resolved. */
export const NOT_RESOLVED_IN_TIME =
  'time budget spent before this key was read live; the next run will retry it';

/**
 * Reads live (ListAccessKeys, GetAccessKeyLastUsed per key with a planned action or no unique slot
 * match) the users of the first plan that have a planned action on a slot-only key, at most
 * `maxActionsPerRun` of them, plus the users named in `toNotice` (unused keys owed a notice, in
 * proportion to the flagged keys) and those whose tags may record an unfinished deactivation. An
 * inventory without slot-only keys (the live path) needs no call: `resolved` is then empty.
 */
export async function resolvePlannedUsers(
  deps: ResolveDeps,
  input: {
    users: readonly UserRecord[];
    errors: readonly AuditError[];
    plan: Plan;
    settings: Settings;
    /** Users to read live as well, whatever the plan (their unused keys are owed a notice). */
    toNotice?: ReadonlySet<string>;
  },
): Promise<Resolution> {
  const planned = new Set(input.plan.actions.filter(isPlanned).map((action) => action.userName));
  const slotOnly = (user: UserRecord) => user.keys.some((key) => key.accessKeyId === null);
  const forActions = input.users
    .filter((user) => planned.has(user.userName) && slotOnly(user))
    .slice(0, input.settings.maxActionsPerRun);
  const chosen = new Set(forActions.map((user) => user.userName));
  const toResolve = [
    ...forActions,
    ...input.users.filter(
      (user) =>
        !chosen.has(user.userName) &&
        ((input.toNotice?.has(user.userName) === true && slotOnly(user)) ||
          (!planned.has(user.userName) && mayCarryUnfinishedRecord(user))),
    ),
  ];
  if (toResolve.length === 0) {
    return {
      users: [...input.users],
      errors: [...input.errors],
      notReached: [],
      resolved: [],
      unresolvedKeyReason: () => SKIP_REASONS.keyIdUnknown,
    };
  }
  const plannedSlots = new Map<string, Set<1 | 2>>();
  for (const action of input.plan.actions) {
    if (!isPlanned(action) || action.key.kind !== 'slot' || action.key.slot === null) continue;
    plannedSlots.set(action.userName, (plannedSlots.get(action.userName) ?? new Set()).add(action.key.slot));
  }
  const live = await resolveUsers(deps, toResolve, plannedSlots);
  const byName = new Map(live.users.map((user) => [user.userName, user]));
  const notReached = new Set(live.notReached);
  const failed = new Map(live.errors.filter((e) => e.accessKeyId === null).map((e) => [e.userName, e.code]));
  return {
    users: input.users.map((user) => byName.get(user.userName) ?? user),
    errors: [...input.errors, ...live.errors],
    notReached: live.notReached,
    resolved: toResolve.map((user) => user.userName).filter((name) => !notReached.has(name)),
    unresolvedKeyReason: (userName) => {
      if (notReached.has(userName)) return NOT_RESOLVED_IN_TIME;
      const code = failed.get(userName);
      return code
        ? `its keys could not be read live (${code}), so no key id is known`
        : SKIP_REASONS.keyIdUnknown;
    },
  };
}

const isPlanned = (action: PlannedAction): boolean => action.status === 'planned';

/**
 * True when a credential-report user has more deactivation records than inactive keys and an
 * active key: one record may then sit on an active key (a deactivation interrupted after its
 * record was written). The user is read live so the plan can report it; slot-only keys cannot be
 * matched to the record's key id. Normal users (records only on inactive keys) cost no call.
 */
function mayCarryUnfinishedRecord(user: UserRecord): boolean {
  const prefix = TAG_KEYS.deactivatedPrefix;
  const records = Object.keys(user.tags).filter((tag) => tag.startsWith(prefix)).length;
  const inactive = user.keys.filter((key) => key.status !== 'Active').length;
  return (
    !user.isRoot &&
    records > inactive &&
    user.keys.some((key) => key.status === 'Active' && key.accessKeyId === null)
  );
}
