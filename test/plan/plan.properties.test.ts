import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFinding } from '../../src/evaluate/key-facts.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { keyRefLabel } from '../../src/key-ref.js';
import type { UserRecord } from '../../src/model.js';
import { exemptionFor } from '../../src/plan/exemptions.js';
import { type Plan, plan } from '../../src/plan/plan.js';
import { REPORT_MODE_REASON, SKIP_REASONS } from '../../src/plan/skip-reasons.js';
import { asMatchers, described, expectedPlan } from './expected-plan.js';
import { type Scenario, scenarioArb as scenarioArbOf } from './scenario.js';

const scenarioArb = scenarioArbOf({ cleanup: false });

function planOf(scenario: Scenario): Plan {
  const { users, errors, settings, now, selfAccessKeyId } = scenario;
  const findings = evaluateRules(users, { now, settings });
  return plan({ users, findings, errors, settings, now, selfAccessKeyId });
}

/** The cap the existing properties check against: the model's, from the scenario alone. */
function capOf(scenario: Scenario): number {
  return expectedPlan(scenario).capLimit;
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
            .filter((user) => exemptionFor(user, scenario.settings, scenario.now))
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
          expect(lastUse && scenario.now.getTime() - lastUse.getTime() >= days * 86_400_000).toBe(true);
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
  it('plans exactly the actions an independent model of the rules and safeguards expects, with their reasons', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const expected = expectedPlan(scenario);

        // Act
        const result = planOf(scenario);

        // Assess
        expect(described(result.actions)).toEqual(asMatchers(expected.actions));
      }),
      { numRuns: 400 },
    );
  });

  it('plans every eligible key while they fit under the cap, and none once they do not', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { eligible, capLimit } = expectedPlan(scenario);

        // Act
        const result = planOf(scenario);

        // Assess
        const planned = described(result.actions.filter((action) => action.status === 'planned'));
        const capFindings = result.findings.filter((finding) => finding.ruleId === 'blast-radius-cap');
        if (eligible.length <= capLimit) {
          expect(planned.map(({ userName, key }) => `${userName}/${key}`)).toEqual(
            eligible.map(({ userName, key }) => `${userName}/${key}`),
          );
          expect(capFindings).toEqual([]);
          expect(result.cap).toBeNull();
        } else {
          expect(planned).toEqual([]);
          expect(capFindings).toEqual([
            expect.objectContaining({
              severity: 'critical',
              message: expect.stringContaining(`${eligible.length} keys are due`),
            }),
          ]);
          expect(result.cap).toMatchObject({ count: eligible.length, limit: capLimit });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never acts on a key it could not read, nor on any key of a user it could not read', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const unreadable = new Set(
          scenario.errors.flatMap((error) =>
            error.userName === null ? [] : [error.accessKeyId ?? `user:${error.userName}`],
          ),
        );

        // Act
        const result = planOf(scenario);

        // Assess
        for (const action of result.actions) {
          const label = keyRefLabel(action.key);
          if (!unreadable.has(label) && !unreadable.has(`user:${action.userName}`)) continue;
          expect(action.status).toBe('skipped');
          expect(action.reason).toMatch(/^an error occurred reading this key: /);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('exempts exactly the users the model exempts, by the tag, name, glob or path it expects, and never root', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const expected = expectedPlan(scenario);

        // Act
        const result = planOf(scenario);

        // Assess: one entry per key of each exempt user, saying what matched.
        const entries = result.exempt.map((entry) => ({
          userName: entry.userName,
          source: entry.source,
          matched: entry.matched,
          until: entry.until,
        }));
        const wanted = scenario.users.flatMap((user) => {
          const exemption = expected.exempt.get(user.userName);
          return exemption ? user.keys.map(() => ({ userName: user.userName, ...exemption })) : [];
        });
        expect(entries).toEqual(wanted);
        for (const entry of result.exempt) {
          const due = expected.due.get(entry.userName) ?? [];
          if (entry.accessKeyId !== null && due.includes(entry.accessKeyId)) {
            expect(entry.suppressedRules).toContain('unused-key');
          }
        }
        // The root account's findings are never hidden by an exemption.
        for (const root of scenario.users.filter((user) => user.isRoot)) {
          const active = root.keys.filter(
            (key) => key.status === 'Active' && (key.createDate?.getTime() ?? 0) <= scenario.now.getTime(),
          );
          const rootFindings = result.findings.filter((finding) => finding.userName === root.userName);
          expect(rootFindings.map((finding) => finding.ruleId)).toEqual(active.map(() => 'root-access-key'));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('notes an expired or unreadable exempt tag on every finding of its user, and on no one else', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { noted } = expectedPlan(scenario);

        // Act
        const result = planOf(scenario);

        // Assess
        for (const finding of result.findings) {
          if (finding.userName === null || finding.ruleId === 'unfinished-deactivation') continue;
          expect(finding.message.includes('Note: the tag key-hygiene:exempt '), finding.message).toBe(
            noted.has(finding.userName),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports every active key whose deactivation record claims what this plan does not do', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { unfinished } = expectedPlan(scenario);

        // Act
        const result = planOf(scenario);

        // Assess
        const reported = result.findings
          .filter((finding) => finding.ruleId === 'unfinished-deactivation')
          .map((finding) => `${finding.userName}/${finding.userName === null ? '' : finding.accessKeyId}`)
          .sort();
        expect(reported).toEqual(unfinished);
      }),
      { numRuns: 300 },
    );
  });
  it('never acts on the root account, even when a finding asks it to deactivate a root key', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare: the rules never ask this; a future rule, or a changed one, might.
        const { users, errors, settings, now, selfAccessKeyId } = scenario;
        const root = users.find((user) => user.isRoot);
        const active = root?.keys.filter((key) => key.status === 'Active') ?? [];
        fc.pre(active.length > 0);
        const forged = active.map((key) =>
          keyFinding(root as UserRecord, key, now, {
            ruleId: 'unused-key',
            controls: [],
            severity: 'high',
            action: 'deactivate',
            message: 'forged',
          }),
        );
        const findings = [...evaluateRules(users, { now, settings }), ...forged];

        // Act
        const result = plan({ users, findings, errors, settings, now, selfAccessKeyId });

        // Assess
        const onRoot = result.actions.filter((action) => action.userName === root?.userName);
        expect(onRoot).toHaveLength(forged.length);
        for (const action of onRoot) {
          expect(action).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.rootKey });
        }
      }),
      { numRuns: 100 },
    );
  });
});
