import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { keyRefLabel } from '../../src/key-ref.js';
import type { AuditError, UserRecord } from '../../src/model.js';
import { exemptionFor } from '../../src/plan/exemptions.js';
import { type Plan, plan } from '../../src/plan/plan.js';
import { REPORT_MODE_REASON } from '../../src/plan/skip-reasons.js';
import { makeKey, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const keyArb = fc.record({
  status: fc.constantFrom('Active' as const, 'Active' as const, 'Inactive' as const),
  ageDays: fc.integer({ min: 0, max: 1500 }),
  lastUsedDaysAgo: fc.option(fc.integer({ min: 0, max: 1500 }), { freq: 3 }),
  // Mostly keys with ids; now and then one known only by its credential-report slot.
  knownId: fc.integer({ min: 0, max: 9 }).map((roll) => roll > 0),
});

const userArb = fc.record({
  keys: fc.array(keyArb, { maxLength: 2 }),
  path: fc.constantFrom('/', '/system/', '/team/a/'),
  exemptTag: fc.constantFrom(undefined, 'true', '2026-12-31', '2026-01-01', 'yes'),
  nameKind: fc.constantFrom('user', 'ci-'),
  readError: fc.constantFrom('none', 'none', 'none', 'key', 'user'),
});

const settingsArb = fc
  .record({
    mode: fc.constantFrom('report', 'enforce'),
    days: fc.integer({ min: 2, max: 200 }),
    cap: fc.integer({ min: 1, max: 6 }),
    percent: fc.option(fc.integer({ min: 1, max: 100 })),
    exemptUsers: fc.constantFrom('', 'ci-*', 'user-1'),
    exemptPaths: fc.constantFrom('', '/system/'),
  })
  .map(
    (raw): Settings =>
      makeSettings({
        MODE: raw.mode,
        UNUSED_KEY_DAYS: String(raw.days),
        MAX_ACTIONS_PER_RUN: String(raw.cap),
        MAX_ACTIONS_PERCENT: raw.percent === null ? '' : String(raw.percent),
        EXEMPT_USERS: raw.exemptUsers,
        EXEMPT_PATHS: raw.exemptPaths,
      }),
  );

interface Scenario {
  users: UserRecord[];
  errors: AuditError[];
  selfAccessKeyId: string | null;
  settings: Settings;
}

const scenarioArb = fc
  .record({
    users: fc.array(userArb, { maxLength: 10 }),
    settings: settingsArb,
    selfIndex: fc.option(fc.nat()),
  })
  .map(({ users: specs, settings, selfIndex }): Scenario => {
    const errors: AuditError[] = [];
    const users = specs.map((spec, u) => {
      const userName = `${spec.nameKind}-${u}`;
      const keys = spec.keys.map((key, k) =>
        makeKey({
          accessKeyId: key.knownId ? `AKIAPROP${String(u).padStart(6, '0')}${k}00000` : null,
          slot: key.knownId ? null : ((k + 1) as 1 | 2),
          status: key.status,
          ageDays: key.ageDays,
          lastUsedDaysAgo: key.lastUsedDaysAgo === null ? null : Math.min(key.lastUsedDaysAgo, key.ageDays),
        }),
      );
      const firstId = keys[0]?.accessKeyId ?? null;
      if (spec.readError === 'user')
        errors.push({
          userName,
          accessKeyId: null,
          operation: 'ListUserTags',
          code: 'ServiceFailure',
          message: '',
        });
      if (spec.readError === 'key' && firstId)
        errors.push({
          userName,
          accessKeyId: firstId,
          operation: 'GetAccessKeyLastUsed',
          code: 'Throttling',
          message: '',
        });
      return makeUser({
        userName,
        path: spec.path,
        keys,
        tags: spec.exemptTag ? { 'key-hygiene:exempt': spec.exemptTag } : {},
      });
    });
    const ids = users.flatMap((user) =>
      user.keys.flatMap((key) => (key.accessKeyId ? [key.accessKeyId] : [])),
    );
    const selfAccessKeyId =
      selfIndex === null || ids.length === 0 ? null : (ids[selfIndex % ids.length] ?? null);
    return { users, errors, selfAccessKeyId, settings };
  });

function planOf(scenario: Scenario): Plan {
  const findings = evaluateRules(scenario.users, { now: NOW, settings: scenario.settings });
  return plan({ ...scenario, findings, now: NOW });
}

function capOf(scenario: Scenario): number {
  const { settings, users } = scenario;
  if (settings.maxActionsPercent === null) return settings.maxActionsPerRun;
  const active = users.flatMap((user) => user.keys).filter((key) => key.status === 'Active').length;
  return Math.min(settings.maxActionsPerRun, Math.floor((active * settings.maxActionsPercent) / 100));
}

describe('Properties: plan', () => {
  it('in report mode plans nothing apply() could carry out as a change: planned with the report-mode reason, or skipped', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const reportOnly = { ...scenario, settings: { ...scenario.settings, mode: 'report' as const } };
        const before = structuredClone(reportOnly);

        // Act
        const result = planOf(reportOnly);

        // Assess
        for (const action of result.actions) {
          expect(['planned', 'skipped']).toContain(action.status);
          if (action.status === 'planned') expect(action.reason).toBe(REPORT_MODE_REASON);
        }
        expect(reportOnly).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('never gives an action to an exempt user', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const exempt = new Set(
          scenario.users
            .filter((user) => exemptionFor(user, scenario.settings, NOW))
            .map((user) => user.userName),
        );

        // Act
        const result = planOf(scenario);

        // Assess
        for (const action of result.actions) expect(exempt.has(action.userName)).toBe(false);
        for (const finding of result.findings) expect(exempt.has(finding.userName ?? '')).toBe(false);
        for (const entry of result.exempt) expect(exempt.has(entry.userName)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never plans more deactivations than the cap', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const cap = capOf(scenario);

        // Act
        const result = planOf(scenario);

        // Assess
        const planned = result.actions.filter((action) => action.status !== 'skipped');
        expect(planned.length).toBeLessThanOrEqual(cap);
        const capped = result.findings.some((finding) => finding.ruleId === 'blast-radius-cap');
        if (capped) expect(planned).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never gives an action to a key used within the unused-key threshold, an inactive key, or the auditor key', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const keys = new Map(
          scenario.users.flatMap((user) => user.keys.map((key) => [key.accessKeyId, key] as const)),
        );
        const { days } = scenario.settings.rules.unusedKey;

        // Act
        const result = planOf(scenario);

        // Assess
        for (const action of result.actions) {
          const key = keys.get(keyRefLabel(action.key));
          if (!key) continue; // a key known only by its slot, always skipped
          expect(key.status).toBe('Active');
          const lastUse = key.lastUsed?.date ?? key.createDate;
          expect(lastUse && NOW.getTime() - lastUse.getTime() >= days * 86_400_000).toBe(true);
          if (keyRefLabel(action.key) === scenario.selfAccessKeyId) expect(action.status).toBe('skipped');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives each key at most one action, and a reason to every skipped one', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare, Act
        const result = planOf(scenario);

        // Assess
        const refs = result.actions.map((action) => `${action.userName}/${keyRefLabel(action.key)}`);
        expect(new Set(refs).size).toBe(refs.length);
        for (const action of result.actions.filter((candidate) => candidate.status === 'skipped')) {
          expect(action.reason).toEqual(expect.any(String));
        }
      }),
      { numRuns: 300 },
    );
  });
});
