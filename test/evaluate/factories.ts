/**
 * Small builders for test inventories: a user with keys described in days relative to `NOW`, so a
 * test reads like the situation it sets up ("a key created 100 days ago, last used 91 days ago").
 */
import { loadSettings, type Settings } from '../../src/config/settings.js';
import type { EvaluationInput, RuleSettings } from '../../src/evaluate/registry.js';
import { teamOf } from '../../src/evaluate/tags.js';
import type { Rule } from '../../src/evaluate/types.js';
import type { KeyFinding, KeyRecord, UserRecord } from '../../src/model.js';
import { MS_PER_DAY } from '../../src/time.js';

/** The evaluation time of every test unless it says otherwise. */
export const NOW = new Date('2026-06-01T12:00:00Z');

/** `days` whole days before `now` (exactly, to the millisecond). */
export function daysAgo(days: number, now: Date = NOW): Date {
  return new Date(now.getTime() - days * MS_PER_DAY);
}

let keySerial = 0;

/** A fresh, unique, well-formed long-term key id. */
export function nextKeyId(): string {
  keySerial += 1;
  return `AKIATEST${String(keySerial).padStart(12, '0')}`;
}

export interface KeySpec {
  accessKeyId?: string | null;
  slot?: 1 | 2 | null;
  status?: KeyRecord['status'];
  /** Days since creation; default 30. */
  ageDays?: number | null;
  /** Days since last use; null (the default) means never used. */
  lastUsedDaysAgo?: number | null;
  service?: string;
  region?: string;
  now?: Date;
}

/**
 * A key record.
 *
 * @example
 * makeKey({ ageDays: 200, lastUsedDaysAgo: 120 });
 */
export function makeKey(spec: KeySpec = {}): KeyRecord {
  const now = spec.now ?? NOW;
  const ageDays = spec.ageDays === undefined ? 30 : spec.ageDays;
  const lastUsedDaysAgo = spec.lastUsedDaysAgo ?? null;
  return {
    accessKeyId: spec.accessKeyId === undefined ? nextKeyId() : spec.accessKeyId,
    slot: spec.slot ?? null,
    status: spec.status ?? 'Active',
    createDate: ageDays === null ? null : daysAgo(ageDays, now),
    lastUsed:
      lastUsedDaysAgo === null
        ? null
        : {
            date: daysAgo(lastUsedDaysAgo, now),
            service: spec.service ?? 's3',
            region: spec.region ?? 'us-east-1',
          },
  };
}

export interface UserSpec {
  userName?: string;
  path?: string;
  tags?: Record<string, string>;
  keys?: KeyRecord[];
  /** Managed policies attached to the user, by name. */
  managedPolicies?: string[];
}

/**
 * An IAM user with the given keys (none by default).
 *
 * @example
 * makeUser({ userName: 'alice', keys: [makeKey({ lastUsedDaysAgo: 120, ageDays: 400 })] });
 */
export function makeUser(spec: UserSpec = {}): UserRecord {
  const userName = spec.userName ?? 'alice';
  const path = spec.path ?? '/';
  return {
    userName,
    arn: `arn:aws:iam::111111111111:user${path}${userName}`,
    path,
    createDate: daysAgo(1000),
    tags: spec.tags ?? {},
    team: teamOf(spec.tags ?? {}),
    isRoot: false,
    keys: spec.keys ?? [],
    ...(spec.managedPolicies ? { managedPolicies: spec.managedPolicies } : {}),
  };
}

/** The root account's record, as the credential report or GetAccountSummary shows it. */
export function makeRoot(keys: KeyRecord[]): UserRecord {
  return {
    userName: '<root_account>',
    arn: 'arn:aws:iam::111111111111:root',
    path: '/',
    createDate: null,
    tags: {},
    team: null,
    isRoot: true,
    keys,
  };
}

/** Settings as `loadSettings` builds them from these environment variables. */
export function makeSettings(env: Record<string, string> = {}): Settings {
  return loadSettings(env);
}

/** An evaluation at `NOW` with default settings, or the given ones. */
export function makeContext(settings: Settings = makeSettings(), now: Date = NOW): EvaluationInput {
  return { now, settings };
}

/** One rule on one user, handed its own settings block and the others, as `evaluateRules` does. */
export function evaluateRule<K extends keyof RuleSettings>(
  rule: Rule<K, RuleSettings[K], RuleSettings>,
  user: UserRecord,
  { now, settings }: EvaluationInput = makeContext(),
): KeyFinding[] {
  return rule.evaluate(user, settings.rules[rule.settingsKey], { now, rules: settings.rules });
}
