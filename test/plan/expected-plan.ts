/**
 * The answer key for the planner's property tests: what a scenario's plan must be, worked out from
 * the scenario's description (scenario.ts) by a deliberately small model of the documented rules,
 * never by calling the code under test. Days are the whole numbers the scenario was built from; tag
 * keys compare without case, as IAM does; dates compare as UTC calendar days.
 */
import { expect } from 'vitest';
import { keyRefLabel } from '../../src/key-ref.js';
import type { ActionStatus, PlannedAction } from '../../src/model.js';
import { SKIP_REASONS } from '../../src/plan/skip-reasons.js';
import {
  dayFrom,
  daysBefore,
  type KeySpec,
  keyIdOf,
  type RecordSpec,
  type Scenario,
  type SettingsSpec,
  type UserSpec,
  userNameOf,
} from './scenario.js';

export interface ExpectedExemption {
  source: 'tag' | 'name' | 'glob' | 'path';
  matched: string;
  until: string | null;
}

/** One action the plan must hold, its reason a string, or a pattern for the long ones. */
export interface ExpectedAction {
  action: 'deactivate' | 'delete';
  userName: string;
  /** The key id, or `(slot N)`. */
  key: string;
  status: ActionStatus;
  reason: string | RegExp | null;
}

export interface ExpectedPlan {
  /** Exempt users by name. */
  exempt: Map<string, ExpectedExemption>;
  /** Every action, sorted by user, then key. */
  actions: ExpectedAction[];
  /** The keys no safeguard stops, before the cap. */
  eligible: ExpectedAction[];
  capLimit: number;
  capTripped: boolean;
  /** `user/key` of every active key whose deactivation record claims what did not happen. */
  unfinished: string[];
  /** Users whose findings carry a note about their exempt tag. */
  noted: Set<string>;
  /** Users with keys due for deactivation by unused-key (exempt or not), with those keys. */
  due: Map<string, string[]>;
}

/** What the exempt tag says: exempt (until a day, or for good), or nothing, or a problem. */
function exemptTagVerdict(
  user: UserSpec,
  now: Date,
):
  | { exempt: true; matched: string; until: string | null }
  | { exempt: false; problem: 'invalid' | 'expired' | null } {
  const tag = user.exemptTag;
  switch (tag.kind) {
    case 'none':
    case 'false':
      return { exempt: false, problem: null };
    case 'true':
      return { exempt: true, matched: 'true', until: null };
    case 'invalid':
      return { exempt: false, problem: 'invalid' };
    case 'date': {
      const day = dayFrom(now, tag.offset);
      // The last day named still counts, all of it.
      return tag.offset >= 0
        ? { exempt: true, matched: day, until: day }
        : { exempt: false, problem: 'expired' };
    }
  }
}

/** Whether an EXEMPT_USERS entry names the user: a plain name, or a glob (`*` any run, `?` one). */
function entryMatches(entry: string, userName: string): 'name' | 'glob' | null {
  const name = userName.toLowerCase();
  switch (entry) {
    case 'user-1':
    case 'USER-2':
      return name === entry.toLowerCase() ? 'name' : null;
    case 'ci-*':
    case 'CI-*':
      return name.startsWith('ci-') ? 'glob' : null;
    case 'svc-?':
      return name.startsWith('svc-') && name.length === 'svc-'.length + 1 ? 'glob' : null;
    case '?root_account?':
      return name === '<root_account>' ? 'glob' : null;
    default:
      throw new Error(`the model does not know the entry ${entry}`);
  }
}

/** Who is exempt and why, in the documented order: the tag, then names, globs, paths. Never root. */
export function expectedExemption(
  user: UserSpec,
  userName: string,
  settings: SettingsSpec,
  now: Date,
): ExpectedExemption | null {
  if (user.root) return null;
  const tag = exemptTagVerdict(user, now);
  if (tag.exempt) return { source: 'tag', matched: tag.matched, until: tag.until };
  const name = settings.exemptUsers.find((entry) => entryMatches(entry, userName) === 'name');
  if (name !== undefined) return { source: 'name', matched: name, until: null };
  const glob = settings.exemptUsers.find((entry) => entryMatches(entry, userName) === 'glob');
  if (glob !== undefined) return { source: 'glob', matched: glob, until: null };
  const path = settings.exemptPaths.find((candidate) => user.path.startsWith(candidate));
  if (path !== undefined) return { source: 'path', matched: path, until: null };
  return null;
}

/** unused-key: due at `days` unused days; a never-used key not before never-used-key's days. */
function dueForDeactivation(key: KeySpec, settings: SettingsSpec): boolean {
  if (!settings.unusedKeyEnabled || key.status !== 'Active' || key.ageDays < 0) return false;
  const idle = key.lastUsedDaysAgo ?? key.ageDays;
  if (key.lastUsedDaysAgo === null && idle < settings.neverUsedKeyDays) return false;
  return idle >= settings.unusedKeyDays;
}

interface ParsedRecord {
  daysAgo: number;
  /** When the run named started (to the second), 'this run', or null for a record naming none. */
  runStart: number | 'this run' | null;
}

function parsedRecord(record: RecordSpec, now: Date): ParsedRecord | null {
  if (record.kind === 'none' || record.kind === 'garbage') return null;
  if (record.kind === 'two-part') return { daysAgo: record.daysAgo, runStart: null };
  if (record.kind === 'current') return { daysAgo: record.daysAgo, runStart: 'this run' };
  const started = daysBefore(now, record.daysAgo).getTime();
  return { daysAgo: record.daysAgo, runStart: started - (started % 1000) };
}

/**
 * inactive-key-cleanup and the planner's own re-check: a deletion is asked for only on an inactive
 * key whose last use (or creation) and whose record are both `cleanupDays` old, the record naming a
 * run the key was not used after; `same-run` when that run is the one planning.
 */
function deletion(
  key: KeySpec,
  record: RecordSpec,
  settings: SettingsSpec,
  now: Date,
): 'delete' | 'same-run' | null {
  if (!settings.cleanupEnabled || key.status !== 'Inactive' || key.ageDays < 0) return null;
  const idle = key.lastUsedDaysAgo ?? key.ageDays;
  const parsed = parsedRecord(record, now);
  if (idle < settings.cleanupDays || !parsed || parsed.runStart === null) return null;
  if (parsed.daysAgo < settings.cleanupDays) return null;
  const thisRunStart = now.getTime() - (now.getTime() % 1000);
  const runStart = parsed.runStart === 'this run' ? thisRunStart : parsed.runStart;
  const lastUse = key.lastUsedDaysAgo === null ? null : daysBefore(now, key.lastUsedDaysAgo).getTime();
  if (lastUse !== null && lastUse > runStart) return null;
  return parsed.runStart === 'this run' ? 'same-run' : 'delete';
}

/** The blast-radius cap: MAX_ACTIONS_PER_RUN, or the percentage of active non-root keys if lower. */
function capLimitOf(scenario: Scenario): number {
  const { settings, users } = scenario.spec;
  const active = users
    .filter((user) => !user.root)
    .flatMap((user) => user.keys)
    .filter((key) => key.status === 'Active').length;
  if (settings.maxActionsPercent === null) return settings.maxActionsPerRun;
  return Math.min(settings.maxActionsPerRun, Math.floor((active * settings.maxActionsPercent) / 100));
}

/**
 * Why a key a finding targets is left alone, first reason first: it could not be read, the user's
 * exempt tag is unreadable, it has no id, the auditor signs with it, this run deactivated it.
 */
function skipReasonOf(facts: {
  codes: readonly string[];
  invalidTag: boolean;
  id: string | null;
  selfAccessKeyId: string | null;
  sameRun: boolean;
}): string | RegExp | null {
  if (facts.codes.length > 0) return `an error occurred reading this key: ${facts.codes.join(', ')}`;
  if (facts.invalidTag) {
    return /^the tag key-hygiene:exempt is ".*", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing; fix or remove the tag/;
  }
  if (facts.id === null) return SKIP_REASONS.keyIdUnknown;
  if (facts.id === facts.selfAccessKeyId) return SKIP_REASONS.selfKey;
  if (facts.sameRun) return 'deactivated by this same run; only a later run may delete it';
  return null;
}

/** Sorts actions by user, then key, by code point. */
export const byUserThenKey = (a: ExpectedAction, b: ExpectedAction) =>
  a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** The plan the scenario must get. */
export function expectedPlan(scenario: Scenario): ExpectedPlan {
  const { spec, selfAccessKeyId } = scenario;
  const { now, settings } = spec;
  const exempt = new Map<string, ExpectedExemption>();
  const candidates: (ExpectedAction & { blocked: string | RegExp | null })[] = [];
  const unfinished: string[] = [];
  const noted = new Set<string>();
  const due = new Map<string, string[]>();

  spec.users.forEach((user, u) => {
    const userName = userNameOf(user, u);
    const exemption = expectedExemption(user, userName, settings, now);
    if (exemption) exempt.set(userName, exemption);
    const tag = user.root ? null : exemptTagVerdict(user, now);
    const problem = !exemption && tag && !tag.exempt ? tag.problem : null;
    if (problem) noted.add(userName);
    const dueKeys: string[] = [];

    user.keys.forEach((key, k) => {
      const id = keyIdOf(user, u, k);
      const label = id ?? `(slot ${k + 1})`;
      if (!user.root && dueForDeactivation(key, settings)) dueKeys.push(label);
      // A slot-only key has no id to find its record by: the user's only other record stands in.
      const record = id === null ? user.goneRecord : key.record;
      const wanted =
        user.root || exemption
          ? null
          : dueForDeactivation(key, settings)
            ? ('deactivate' as const)
            : deletion(key, record, settings, now);
      if (wanted !== null) {
        const blocked = skipReasonOf({
          codes: [
            ...(user.readError ? ['ServiceFailure'] : []),
            ...(id !== null && key.readError ? ['Throttling'] : []),
          ],
          invalidTag: problem === 'invalid',
          id,
          selfAccessKeyId,
          sameRun: wanted === 'same-run',
        });
        candidates.push({
          action: wanted === 'deactivate' ? 'deactivate' : 'delete',
          userName,
          key: label,
          status: blocked === null ? 'planned' : 'skipped',
          reason: blocked,
          blocked,
        });
      }
    });
    if (dueKeys.length > 0) due.set(userName, dueKeys);
  });

  const eligible = candidates.filter((candidate) => candidate.blocked === null);
  const capLimit = capLimitOf(scenario);
  const capTripped = eligible.length > capLimit;
  const actions = candidates
    .map(({ blocked, ...candidate }): ExpectedAction => {
      if (blocked !== null) return candidate;
      if (capTripped) return { ...candidate, status: 'skipped', reason: /^blast-radius cap: / };
      const reportReason =
        candidate.action === 'delete' ? 'report mode: would delete' : 'report mode: would deactivate';
      return { ...candidate, status: 'planned', reason: settings.mode === 'report' ? reportReason : null };
    })
    .sort(byUserThenKey);

  // A record on an active key this plan does not deactivate claims a deactivation that did not
  // happen; said of every user but root and the exempt (whose keys are listed as exempt instead).
  const planned = new Set(actions.filter((a) => a.status === 'planned').map((a) => `${a.userName}/${a.key}`));
  spec.users.forEach((user, u) => {
    if (user.root || exempt.has(userNameOf(user, u))) return;
    user.keys.forEach((key, k) => {
      const id = keyIdOf(user, u, k);
      const ref = `${userNameOf(user, u)}/${id}`;
      if (id !== null && key.status === 'Active' && key.record.kind !== 'none' && !planned.has(ref)) {
        unfinished.push(ref);
      }
    });
  });

  return {
    exempt,
    actions,
    eligible: eligible.map(({ blocked: _blocked, ...candidate }) => candidate).sort(byUserThenKey),
    capLimit,
    capTripped,
    unfinished: unfinished.sort(),
    noted,
    due,
  };
}

/** A plan's actions as the model states them (the key as the report names it), in the model's order. */
export function described(actions: readonly PlannedAction[]): ExpectedAction[] {
  return actions
    .map((action) => ({
      action: action.action,
      userName: action.userName,
      key: keyRefLabel(action.key),
      status: action.status,
      reason: action.reason,
    }))
    .sort(byUserThenKey);
}

/** The model's actions in `toEqual` form: a pattern reason becomes a matcher. */
export function asMatchers(actions: readonly ExpectedAction[]) {
  return actions.map((action) => ({
    ...action,
    reason: action.reason instanceof RegExp ? expect.stringMatching(action.reason) : action.reason,
  }));
}
