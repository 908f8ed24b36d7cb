/**
 * Random accounts for the planner's property tests, described as the situation they set up (a key
 * unused for 120 days, a tag dated yesterday) so that `expected-plan.ts` can work out the right plan
 * from the description alone, without asking the code under test.
 *
 * The generators aim at the edges: the root account, keys known only by their credential-report
 * slot, deactivation records of every shape, exemption dates on the day before, of and after `now`
 * (with `now` at the first and last millisecond of its UTC day), tag keys in any case, read errors
 * on users and on keys, and the auditor's own key.
 */
import fc from 'fast-check';
import type { Settings } from '../../src/config/settings.js';
import type { AuditError, KeyRecord, UserRecord } from '../../src/model.js';
import { makeSettings } from '../evaluate/factories.js';

const DAY_MS = 86_400_000;

/** The day every scenario is planned on; the time of day varies. */
const DAY = Date.UTC(2026, 5, 1);

/** Midnight, just after it, noon and the last millisecond of the day. */
const TIMES_OF_DAY = [0, 1, 12 * 3_600_000, DAY_MS - 1] as const;

export type KeyCase = 'lower' | 'title' | 'upper';

/** A deactivation record on the user for one key, as a run of key-hygiene (or a person) left it. */
export type RecordSpec =
  | { kind: 'none' }
  /** Unreadable: `soon`. */
  | { kind: 'garbage'; keyCase: KeyCase }
  /** Names the run that is planning now. */
  | { kind: 'current'; daysAgo: number; keyCase: KeyCase }
  /** Names an earlier run, which started `daysAgo` days before now. */
  | { kind: 'earlier'; daysAgo: number; keyCase: KeyCase }
  /** `<date> <rule>`, written before run ids were recorded. */
  | { kind: 'two-part'; daysAgo: number; keyCase: KeyCase };

export interface KeySpec {
  status: 'Active' | 'Inactive';
  /** Days since creation; negative: created after `now` (a preview of an earlier date). */
  ageDays: number;
  /** Days since last use, at most `ageDays`; null: never used. */
  lastUsedDaysAgo: number | null;
  record: RecordSpec;
  /** GetAccessKeyLastUsed failed for this key (keys with an id only). */
  readError: boolean;
}

/** The `key-hygiene:exempt` tag, by what its value means. */
export type ExemptTagSpec =
  | { kind: 'none' }
  | { kind: 'true'; spelling: string; keyCase: KeyCase }
  | { kind: 'false'; spelling: string; keyCase: KeyCase }
  /** A date `offset` days from today (UTC): -1 yesterday, 0 today, 1 tomorrow. */
  | { kind: 'date'; offset: number; keyCase: KeyCase }
  | { kind: 'invalid'; value: string; keyCase: KeyCase };

export interface UserSpec {
  root: boolean;
  nameKind: 'user' | 'ci' | 'svc';
  path: string;
  exemptTag: ExemptTagSpec;
  /** The `key-hygiene:exempt-reason` tag's value, or null without one. */
  reason: string | null;
  /** Known only from the credential report: its keys have slots, no ids. */
  slotsOnly: boolean;
  keys: KeySpec[];
  /** A record for a key the user no longer has (deleted by hand since). */
  goneRecord: RecordSpec;
  /** ListUserTags (or another whole-user read) failed. */
  readError: boolean;
}

/** The settings a scenario varies, as the environment would give them. */
export interface SettingsSpec {
  mode: 'report' | 'enforce';
  unusedKeyEnabled: boolean;
  unusedKeyDays: number;
  neverUsedKeyDays: number;
  maxActionsPerRun: number;
  maxActionsPercent: number | null;
  exemptUsers: readonly string[];
  exemptPaths: readonly string[];
  cleanupEnabled: boolean;
  cleanupDays: number;
}

export interface ScenarioSpec {
  now: Date;
  users: UserSpec[];
  settings: SettingsSpec;
  /** Index into the keys that have ids (the auditor's own key), or null. */
  selfIndex: number | null;
  /** An error about the account as a whole (no user, no key): it bars nothing. */
  accountError: boolean;
}

/** A scenario built: the inputs `plan()` takes, and the spec they were built from. */
export interface Scenario {
  spec: ScenarioSpec;
  now: Date;
  users: UserRecord[];
  errors: AuditError[];
  selfAccessKeyId: string | null;
  settings: Settings;
  /** The run planning (for deletions: a key this run deactivated is never deleted by it). */
  runId: string;
}

const keyCaseArb = fc.constantFrom<KeyCase>('lower', 'lower', 'title', 'upper');

const daysArb = fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(1, 7, 30, 90));

const recordArb: fc.Arbitrary<RecordSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('garbage' as const), keyCase: keyCaseArb }),
  fc.record({ kind: fc.constant('current' as const), daysAgo: daysArb, keyCase: keyCaseArb }),
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('earlier' as const), daysAgo: daysArb, keyCase: keyCaseArb }),
  },
  fc.record({ kind: fc.constant('two-part' as const), daysAgo: daysArb, keyCase: keyCaseArb }),
);

/** Deletions need inactive keys, deactivations active ones: `cleanup` scenarios lean inactive. */
const keyArb = (cleanup: boolean): fc.Arbitrary<KeySpec> =>
  fc
    .record({
      status: cleanup
        ? fc.constantFrom('Active' as const, 'Inactive' as const, 'Inactive' as const)
        : fc.constantFrom('Active' as const, 'Active' as const, 'Inactive' as const),
      ageDays: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 1500 }) },
        { weight: 1, arbitrary: fc.integer({ min: -30, max: -1 }) },
      ),
      lastUsedDaysAgo: fc.option(fc.oneof(fc.integer({ min: 0, max: 1500 }), daysArb), { freq: 3 }),
      record: recordArb,
      readError: fc.integer({ min: 0, max: 14 }).map((roll) => roll === 0),
    })
    .map((key) => ({
      ...key,
      lastUsedDaysAgo:
        key.lastUsedDaysAgo === null || key.ageDays < 0 ? null : Math.min(key.lastUsedDaysAgo, key.ageDays),
    }));

const exemptTagArb: fc.Arbitrary<ExemptTagSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constant('true' as const),
    spelling: fc.constantFrom('true', 'TRUE', 'True'),
    keyCase: keyCaseArb,
  }),
  fc.record({
    kind: fc.constant('false' as const),
    spelling: fc.constantFrom('false', 'FALSE'),
    keyCase: keyCaseArb,
  }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('date' as const),
      offset: fc.constantFrom(-400, -1, -1, 0, 0, 1, 1, 400),
      keyCase: keyCaseArb,
    }),
  },
  fc.record({
    kind: fc.constant('invalid' as const),
    value: fc.constantFrom('yes', '2026-13-01', '2026-02-30', 'soon', '', '2026-6-1'),
    keyCase: keyCaseArb,
  }),
);

const userArb = (cleanup: boolean): fc.Arbitrary<UserSpec> =>
  fc.record({
    root: fc.integer({ min: 0, max: 11 }).map((roll) => roll === 0),
    nameKind: fc.constantFrom('user' as const, 'user' as const, 'ci' as const, 'svc' as const),
    path: fc.constantFrom('/', '/', '/', '/', '/system/', '/system/ci/', '/systemd/', '/team/a/'),
    exemptTag: exemptTagArb,
    reason: fc.constantFrom(null, null, 'break-glass, SEC-1', '   '),
    slotsOnly: fc.integer({ min: 0, max: 7 }).map((roll) => roll === 0),
    keys: fc.array(keyArb(cleanup), { maxLength: 2, size: 'max' }),
    goneRecord: fc.oneof({ weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) }, recordArb),
    readError: fc.integer({ min: 0, max: 14 }).map((roll) => roll === 0),
  });

/** Exempt-user entries: names in any case, globs, and one that only the root account would match. */
const exemptUserArb = fc.constantFrom('user-1', 'USER-2', 'ci-*', 'CI-*', 'svc-?', '?root_account?');

const settingsArb = (cleanup: boolean): fc.Arbitrary<SettingsSpec> =>
  fc.record({
    mode: fc.constantFrom('report' as const, 'enforce' as const),
    unusedKeyEnabled: fc.integer({ min: 0, max: 9 }).map((roll) => roll > 0),
    unusedKeyDays: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.constantFrom(30, 90)),
    neverUsedKeyDays: fc.integer({ min: 1, max: 60 }),
    maxActionsPerRun: fc.integer({ min: 1, max: 8 }),
    maxActionsPercent: fc.option(fc.integer({ min: 1, max: 100 }), { freq: 3 }),
    exemptUsers: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      fc.uniqueArray(exemptUserArb, { minLength: 1, maxLength: 2 }),
    ),
    exemptPaths: fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.constant(['/system/']) },
      { weight: 1, arbitrary: fc.constant(['/team/', '/system/']) },
    ),
    cleanupEnabled: fc.constant(cleanup),
    cleanupDays: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(1, 30)),
  });

/**
 * Scenarios of up to ten users. `cleanup` turns inactive-key-cleanup on (deletions are planned too).
 *
 * @example
 * fc.assert(fc.property(scenarioArb({ cleanup: false }), (scenario) => { ... }));
 */
export function scenarioArb(options: { cleanup: boolean }): fc.Arbitrary<Scenario> {
  return fc
    .record({
      timeOfDay: fc.constantFrom(...TIMES_OF_DAY),
      users: fc.array(userArb(options.cleanup), { maxLength: 10, size: 'max' }),
      settings: settingsArb(options.cleanup),
      selfIndex: fc.option(fc.nat(), { freq: 2 }),
      accountError: fc.boolean(),
    })
    .map(({ timeOfDay, users, settings, selfIndex, accountError }) => {
      // An account has one root user: any later one is an IAM user like the others.
      const firstRoot = users.findIndex((user) => user.root);
      const oneRoot = users.map((user, u) => (u === firstRoot ? user : { ...user, root: false }));
      return buildScenario({
        now: new Date(DAY + timeOfDay),
        users: oneRoot,
        settings,
        selfIndex,
        accountError,
      });
    });
}

/** `days` whole days before `now`, to the millisecond. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The UTC calendar day `offset` days from `now`'s, as `YYYY-MM-DD`. */
export function dayFrom(now: Date, offset: number): string {
  return daysBefore(now, -offset).toISOString().slice(0, 10);
}

/** The id of a run that started at `date` (to the second), as key-hygiene makes them. */
export function runIdAt(date: Date, suffix = '0a0b0c'): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-${suffix}`;
}

export function withCase(key: string, keyCase: KeyCase): string {
  if (keyCase === 'upper') return key.toUpperCase();
  if (keyCase === 'title')
    return key.replace(/(^|[-:])([a-z])/g, (_all, sep: string, c: string) => sep + c.toUpperCase());
  return key;
}

export function userNameOf(spec: UserSpec, index: number): string {
  return spec.root ? '<root_account>' : `${spec.nameKind}-${index}`;
}

/** The key's id, or null when the user is known only by the credential report's slots. */
export function keyIdOf(user: UserSpec, userIndex: number, keyIndex: number): string | null {
  if (user.root || user.slotsOnly) return null;
  return `AKIAPROP${String(userIndex).padStart(6, '0')}${keyIndex}00000`;
}

/** The id of the key the user's `goneRecord` names. */
function goneKeyId(userIndex: number): string {
  return `AKIAGONE${String(userIndex).padStart(6, '0')}900000`;
}

function recordValue(record: Exclude<RecordSpec, { kind: 'none' }>, now: Date, runId: string): string {
  if (record.kind === 'garbage') return 'soon';
  const when = daysBefore(now, record.daysAgo);
  const day = when.toISOString().slice(0, 10);
  if (record.kind === 'two-part') return `${day} unused-key`;
  return `${day} unused-key ${record.kind === 'current' ? runId : runIdAt(when)}`;
}

function exemptTagValue(tag: Exclude<ExemptTagSpec, { kind: 'none' }>, now: Date): string {
  if (tag.kind === 'true' || tag.kind === 'false') return tag.spelling;
  if (tag.kind === 'date') return dayFrom(now, tag.offset);
  return tag.value;
}

function keyRecord(user: UserSpec, u: number, key: KeySpec, k: number, now: Date): KeyRecord {
  const accessKeyId = keyIdOf(user, u, k);
  return {
    accessKeyId,
    slot: accessKeyId === null ? ((k + 1) as 1 | 2) : null,
    status: key.status,
    createDate: daysBefore(now, key.ageDays),
    lastUsed:
      key.lastUsedDaysAgo === null
        ? null
        : { date: daysBefore(now, key.lastUsedDaysAgo), service: 's3', region: 'us-east-1' },
  };
}

function settingsOf(spec: SettingsSpec): Settings {
  return makeSettings({
    MODE: spec.mode,
    UNUSED_KEY_DAYS: String(spec.unusedKeyDays),
    NEVER_USED_KEY_DAYS: String(spec.neverUsedKeyDays),
    RULES_DISABLED: spec.unusedKeyEnabled ? '' : 'unused-key',
    MAX_ACTIONS_PER_RUN: String(spec.maxActionsPerRun),
    MAX_ACTIONS_PERCENT: spec.maxActionsPercent === null ? '' : String(spec.maxActionsPercent),
    EXEMPT_USERS: spec.exemptUsers.join(','),
    EXEMPT_PATHS: spec.exemptPaths.join(','),
    CLEANUP_ENABLED: String(spec.cleanupEnabled),
    CLEANUP_DAYS: String(spec.cleanupDays),
    // Deletion checks the deactivating run's archived report, so cleanup needs the bucket.
    ...(spec.cleanupEnabled ? { REPORT_BUCKET: 'key-hygiene-reports' } : {}),
  });
}

/** The inputs of `plan()` for a scenario spec. */
export function buildScenario(spec: ScenarioSpec): Scenario {
  const { now } = spec;
  const runId = runIdAt(now, 'c0ffee');
  const errors: AuditError[] = [];
  if (spec.accountError) {
    errors.push({
      userName: null,
      accessKeyId: null,
      operation: 'ListUsers',
      code: 'Throttling',
      message: '',
    });
  }
  const users = spec.users.map((user, u): UserRecord => {
    const userName = userNameOf(user, u);
    const keys = user.keys.map((key, k) => keyRecord(user, u, key, k, now));
    const tags: Record<string, string> = {};
    if (!user.root) {
      if (user.exemptTag.kind !== 'none') {
        tags[withCase('key-hygiene:exempt', user.exemptTag.keyCase)] = exemptTagValue(user.exemptTag, now);
      }
      if (user.reason !== null) tags['key-hygiene:exempt-reason'] = user.reason;
      const records: [string, RecordSpec][] = [
        ...keys.flatMap((key, k): [string, RecordSpec][] =>
          key.accessKeyId === null ? [] : [[key.accessKeyId, (user.keys[k] as KeySpec).record]],
        ),
        [goneKeyId(u), user.goneRecord],
      ];
      for (const [id, record] of records) {
        if (record.kind === 'none') continue;
        tags[withCase(`key-hygiene:deactivated-${id}`, record.keyCase)] = recordValue(record, now, runId);
      }
    } else if (user.exemptTag.kind !== 'none') {
      // The root account carries no tags in IAM; one here tests that nothing would exempt it anyway.
      tags['key-hygiene:exempt'] = exemptTagValue(user.exemptTag, now);
    }
    if (user.readError && !user.root) {
      errors.push({
        userName,
        accessKeyId: null,
        operation: 'ListUserTags',
        code: 'ServiceFailure',
        message: '',
      });
    }
    keys.forEach((key, k) => {
      if (key.accessKeyId !== null && (user.keys[k] as KeySpec).readError) {
        errors.push({
          userName,
          accessKeyId: key.accessKeyId,
          operation: 'GetAccessKeyLastUsed',
          code: 'Throttling',
          message: '',
        });
      }
    });
    return {
      userName,
      arn: user.root
        ? 'arn:aws:iam::111111111111:root'
        : `arn:aws:iam::111111111111:user${user.path}${userName}`,
      path: user.root ? '/' : user.path,
      createDate: null,
      tags,
      team: null,
      isRoot: user.root,
      keys,
    };
  });
  const ids = users.flatMap((user) => user.keys.flatMap((key) => (key.accessKeyId ? [key.accessKeyId] : [])));
  const selfAccessKeyId =
    spec.selfIndex === null || ids.length === 0 ? null : (ids[spec.selfIndex % ids.length] ?? null);
  return { spec, now, users, errors, selfAccessKeyId, settings: settingsOf(spec.settings), runId };
}
