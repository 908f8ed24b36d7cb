import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { type Finding, type KeyRecord, SEVERITY_ORDER, type UserRecord } from '../../src/model.js';
import { makeKey, makeSettings, makeUser, NOW } from './factories.js';

/** Higher is stronger: no finding < notify < deactivate. */
function actionRank(findings: readonly Finding[]): number {
  if (findings.some((finding) => finding.action === 'deactivate')) return 2;
  return findings.length > 0 ? 1 : 0;
}

/** Higher is more severe; 0 without findings. */
function severityRank(findings: readonly Finding[]): number {
  return Math.max(
    0,
    ...findings.map((finding) => SEVERITY_ORDER.length - SEVERITY_ORDER.indexOf(finding.severity)),
  );
}

/** Random but valid thresholds, from the same settings loader the Lambda uses. */
const settingsArb = fc
  .record({
    days: fc.integer({ min: 2, max: 400 }),
    window: fc.integer({ min: 1, max: 60 }),
    neverUsed: fc.integer({ min: 1, max: 60 }),
    rotation: fc.integer({ min: 1, max: 800 }),
    preset: fc.constantFrom('default', 'cis'),
  })
  .map(
    ({ days, window, neverUsed, rotation, preset }): Settings =>
      makeSettings({
        PRESET: preset,
        UNUSED_KEY_DAYS: String(days),
        UNUSED_KEY_WARN_DAYS: String(Math.max(1, days - window)),
        NEVER_USED_KEY_DAYS: String(neverUsed),
        ROTATION_DAYS: String(rotation),
      }),
  );

function findingsFor(settings: Settings, ageDays: number, lastUsedDaysAgo: number | null): Finding[] {
  const key = makeKey({ accessKeyId: 'AKIAPROPERTY00000001', ageDays, lastUsedDaysAgo });
  return evaluateRules([makeUser({ keys: [key] })], { now: NOW, settings });
}

/** A threshold a generated key's age (or idle days) sits on, or next to. */
type Anchor = 'unused' | 'warn' | 'neverUsed' | 'rotation' | 'cleanup' | 'anywhere';

interface EvalKeySpec {
  status: 'Active' | 'Inactive';
  ageAnchor: Anchor;
  ageDelta: number;
  /** Null: never used. */
  lastUse: { anchor: Anchor; delta: number } | null;
  /** The deactivation record on the user for this key: how many days ago, naming a run or not. */
  record: { daysAgo: number; run: 'earlier' | 'none' } | null;
}

interface EvalAccount {
  root: boolean;
  timeOfDay: number;
  unusedDays: number;
  warnWindow: number;
  neverUsedDays: number;
  rotationDays: number;
  cleanupDays: number;
  cleanup: boolean;
  disabled: readonly (
    | 'unused-key'
    | 'never-used-key'
    | 'rotation-overdue'
    | 'two-active-keys'
    | 'root-access-key'
  )[];
  random: number;
  keys: EvalKeySpec[];
}

const anchorArb = fc.constantFrom<Anchor>('unused', 'warn', 'neverUsed', 'rotation', 'cleanup', 'anywhere');
const deltaArb = fc.constantFrom(-1, 0, 0, 1, 5);

const accountArb: fc.Arbitrary<EvalAccount> = fc.record({
  root: fc.integer({ min: 0, max: 7 }).map((roll) => roll === 0),
  timeOfDay: fc.constantFrom(0, 1, 43_200_000, 86_399_999),
  unusedDays: fc.integer({ min: 2, max: 400 }),
  warnWindow: fc.integer({ min: 1, max: 60 }),
  neverUsedDays: fc.integer({ min: 1, max: 60 }),
  rotationDays: fc.integer({ min: 1, max: 800 }),
  cleanupDays: fc.integer({ min: 1, max: 120 }),
  cleanup: fc.boolean(),
  disabled: fc.subarray(
    ['unused-key', 'never-used-key', 'rotation-overdue', 'two-active-keys', 'root-access-key'] as const,
    {
      maxLength: 2,
    },
  ),
  random: fc.integer({ min: 0, max: 3000 }),
  keys: fc.array(
    fc.record({
      status: fc.constantFrom('Active' as const, 'Active' as const, 'Inactive' as const, 'Inactive' as const),
      ageAnchor: anchorArb,
      ageDelta: fc.oneof({ weight: 9, arbitrary: deltaArb }, { weight: 1, arbitrary: fc.constant(-10_000) }),
      lastUse: fc.option(fc.record({ anchor: anchorArb, delta: deltaArb }), { freq: 3 }),
      record: fc.option(
        fc.record({
          // -1 stands for exactly CLEANUP_DAYS ago.
          daysAgo: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(-1)),
          run: fc.constantFrom('earlier' as const, 'none' as const),
        }),
        { freq: 2 },
      ),
    }),
    { maxLength: 2, size: 'max' },
  ),
});

const DAY_MS = 86_400_000;

/** The scenario's day count for an anchor: a threshold plus a small step, never below 0. */
function daysAt(account: EvalAccount, anchor: Anchor, delta: number): number {
  const warnDays = Math.max(1, account.unusedDays - account.warnWindow);
  const base = {
    unused: account.unusedDays,
    warn: warnDays,
    neverUsed: account.neverUsedDays,
    rotation: account.rotationDays,
    cleanup: account.cleanupDays,
    anywhere: account.random,
  }[anchor];
  return Math.max(0, base + delta);
}

interface ResolvedKey {
  id: string;
  status: 'Active' | 'Inactive';
  /** Negative: created after now. */
  ageDays: number;
  lastUsedDaysAgo: number | null;
  record: { daysAgo: number; runStartDaysAgo: number | null } | null;
}

function resolvedKeys(account: EvalAccount): ResolvedKey[] {
  return account.keys.map((key, k) => {
    // A delta of -10,000 stands for a key created after now (a preview of an earlier date).
    const ageDays = key.ageDelta === -10_000 ? -3 : daysAt(account, key.ageAnchor, key.ageDelta);
    const lastUsedDaysAgo =
      key.lastUse === null || ageDays < 0
        ? null
        : Math.min(ageDays, daysAt(account, key.lastUse.anchor, key.lastUse.delta));
    const recordDays = key.record && (key.record.daysAgo < 0 ? account.cleanupDays : key.record.daysAgo);
    return {
      id: `AKIAEVAL00000000000${k}`,
      status: key.status,
      ageDays,
      lastUsedDaysAgo,
      record:
        key.record === null || recordDays === null
          ? null
          : { daysAgo: recordDays, runStartDaysAgo: key.record.run === 'earlier' ? recordDays : null },
    };
  });
}

function built(account: EvalAccount): {
  user: UserRecord;
  settings: ReturnType<typeof makeSettings>;
  now: Date;
} {
  const now = new Date(Date.UTC(2026, 5, 1) + account.timeOfDay);
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const keys = resolvedKeys(account);
  const tags: Record<string, string> = {};
  for (const key of keys) {
    if (!key.record) continue;
    const when = at(key.record.daysAgo);
    const runId =
      key.record.runStartDaysAgo === null
        ? ''
        : ` ${when.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-0a0b0c`;
    tags[`key-hygiene:deactivated-${key.id}`] = `${when.toISOString().slice(0, 10)} unused-key${runId}`;
  }
  const records: KeyRecord[] = keys.map((key, k) => ({
    accessKeyId: account.root ? null : key.id,
    slot: account.root ? ((k + 1) as 1 | 2) : null,
    status: key.status,
    createDate: at(key.ageDays),
    lastUsed:
      key.lastUsedDaysAgo === null
        ? null
        : { date: at(key.lastUsedDaysAgo), service: 's3', region: 'us-east-1' },
  }));
  const user: UserRecord = account.root
    ? {
        ...makeUser({ keys: records }),
        userName: '<root_account>',
        arn: 'arn:aws:iam::111111111111:root',
        isRoot: true,
      }
    : makeUser({ userName: 'eve', keys: records, tags });
  const settings = makeSettings({
    UNUSED_KEY_DAYS: String(account.unusedDays),
    UNUSED_KEY_WARN_DAYS: String(Math.max(1, account.unusedDays - account.warnWindow)),
    NEVER_USED_KEY_DAYS: String(account.neverUsedDays),
    ROTATION_DAYS: String(account.rotationDays),
    RULES_DISABLED: account.disabled.join(','),
    CLEANUP_ENABLED: String(account.cleanup),
    REPORT_BUCKET: 'key-hygiene-reports',
    CLEANUP_DAYS: String(account.cleanupDays),
  });
  return { user, settings, now };
}

/**
 * The findings the rules of docs/how-it-works.md promise, as `<rule> <key> <severity> <action>`, from the generated
 * day counts alone. Whole days throughout; a key created after now does not exist yet.
 */
function expectedFindings(account: EvalAccount): string[] {
  const on = (rule: string) => !account.disabled.includes(rule as EvalAccount['disabled'][number]);
  const warnDays = Math.max(1, account.unusedDays - account.warnWindow);
  const keys = resolvedKeys(account);
  const label = (key: ResolvedKey, k: number) => (account.root ? `slot ${k + 1}` : key.id);
  const existing = keys.map((key, k) => ({ key, k })).filter(({ key }) => key.ageDays >= 0);
  const active = existing.filter(({ key }) => key.status === 'Active');
  const out: string[] = [];
  if (account.root) {
    if (on('root-access-key'))
      for (const { key, k } of active) out.push(`root-access-key ${label(key, k)} critical notify`);
    return out.sort();
  }
  for (const { key } of active) {
    const idle = key.lastUsedDaysAgo ?? key.ageDays;
    const inGrace = key.lastUsedDaysAgo === null && idle < account.neverUsedDays;
    const unusedVerdict = inGrace
      ? null
      : idle >= account.unusedDays
        ? 'deactivate'
        : idle >= warnDays
          ? 'warn'
          : null;
    if (on('unused-key') && unusedVerdict === 'deactivate') out.push(`unused-key ${key.id} high deactivate`);
    if (on('unused-key') && unusedVerdict === 'warn') out.push(`unused-key ${key.id} low notify`);
    const quietForUnused = on('unused-key') && unusedVerdict === 'deactivate';
    if (
      on('never-used-key') &&
      key.lastUsedDaysAgo === null &&
      key.ageDays >= account.neverUsedDays &&
      !quietForUnused
    ) {
      out.push(`never-used-key ${key.id} medium notify`);
    }
    if (on('rotation-overdue') && key.ageDays >= account.rotationDays)
      out.push(`rotation-overdue ${key.id} medium notify`);
  }
  if (on('two-active-keys') && active.length === 2) {
    // The older key: the larger age; of two the same age, the first by id.
    const [a, b] = active as [(typeof active)[0], (typeof active)[0]];
    const older = b.key.ageDays > a.key.ageDays ? b : a;
    out.push(`two-active-keys ${older.key.id} low notify`);
  }
  if (account.cleanup) {
    for (const { key } of existing.filter(({ key: candidate }) => candidate.status === 'Inactive')) {
      const idle = key.lastUsedDaysAgo ?? key.ageDays;
      if (idle < account.cleanupDays) continue;
      if (key.record && key.record.daysAgo < account.cleanupDays) continue;
      // Deleted only when key-hygiene deactivated it in a named run, long enough ago, and it was
      // not used after that run started (run ids keep whole seconds).
      const run = key.record?.runStartDaysAgo ?? null;
      const usedAfter =
        run !== null &&
        key.lastUsedDaysAgo !== null &&
        (key.lastUsedDaysAgo < run || (key.lastUsedDaysAgo === run && account.timeOfDay % 1000 !== 0));
      const deletable = run !== null && !usedAfter;
      out.push(`inactive-key-cleanup ${key.id} low ${deletable ? 'delete' : 'notify'}`);
    }
  }
  return out.sort();
}

describe('Properties: rules', () => {
  it('never gives a milder action or severity to a key unused for more days', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (settings, ageDays, a, b) => {
          // Prepare: the same key (same creation date), last used at two different times
          const fewer = Math.min(a, b, ageDays);
          const more = Math.min(Math.max(a, b), ageDays);

          // Act
          const whenFewer = findingsFor(settings, ageDays, fewer);
          const whenMore = findingsFor(settings, ageDays, more);

          // Assess
          expect(actionRank(whenMore)).toBeGreaterThanOrEqual(actionRank(whenFewer));
          expect(severityRank(whenMore)).toBeGreaterThanOrEqual(severityRank(whenFewer));
        },
      ),
    );
  });

  it('never gives a milder action or severity to a never-used key as it ages', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (settings, a, b) => {
          // Prepare, Act
          const younger = findingsFor(settings, Math.min(a, b), null);
          const older = findingsFor(settings, Math.max(a, b), null);

          // Assess
          expect(actionRank(older)).toBeGreaterThanOrEqual(actionRank(younger));
          expect(severityRank(older)).toBeGreaterThanOrEqual(severityRank(younger));
        },
      ),
    );
  });

  it('never asks to deactivate a key used within the unused-key threshold', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 0, max: 3000 }), fc.nat(), (settings, ageDays, seed) => {
        // Prepare
        const lastUsedDaysAgo = Math.min(ageDays, seed % settings.rules.unusedKey.days);

        // Act
        const findings = findingsFor(settings, ageDays, lastUsedDaysAgo);

        // Assess
        expect(findings.filter((finding) => finding.action === 'deactivate')).toEqual([]);
      }),
    );
  });

  it('never raises a finding on a brand-new, never-used key younger than the never-used threshold', () => {
    fc.assert(
      fc.property(settingsArb, fc.nat(), (settings, seed) => {
        // Prepare
        const ageDays = seed % settings.rules.neverUsedKey.days;
        fc.pre(ageDays < settings.rules.rotationOverdue.days);

        // Act
        const findings = findingsFor(settings, ageDays, null);

        // Assess
        expect(findings).toEqual([]);
      }),
    );
  });
  it('raises exactly the findings an independent model of each rule expects, on and around every threshold', () => {
    fc.assert(
      fc.property(accountArb, (account) => {
        // Prepare
        const { user, settings, now } = built(account);

        // Act
        const findings = evaluateRules([user], { now, settings });

        // Assess
        const actual = findings
          .map((finding) =>
            [
              finding.ruleId,
              finding.accessKeyId ?? `slot ${finding.slot}`,
              finding.severity,
              finding.action,
            ].join(' '),
          )
          .sort();
        expect(actual).toEqual(expectedFindings(account));
      }),
      { numRuns: 1000 },
    );
  });
});
