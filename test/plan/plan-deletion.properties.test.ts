import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { deactivationOf, deactivationTagValue } from '../../src/evaluate/tags.js';
import { keyRefLabel } from '../../src/key-ref.js';
import type { UserRecord } from '../../src/model.js';
import { plan } from '../../src/plan/plan.js';
import { runStartOf } from '../../src/run-id.js';
import { asMatchers, described, expectedPlan } from './expected-plan.js';
import { type Scenario, scenarioArb as scenarioArbOf } from './scenario.js';

const scenarioArb = scenarioArbOf({ cleanup: true });

function planOf(
  scenario: Scenario,
  users: UserRecord[] = scenario.users,
  settings: Settings = scenario.settings,
  now: Date = scenario.now,
) {
  const findings = evaluateRules(users, { now, settings });
  return plan({
    users,
    findings,
    errors: scenario.errors,
    settings,
    now,
    selfAccessKeyId: scenario.selfAccessKeyId,
    runId: scenario.runId,
  });
}

describe('Properties: plan (deletions)', () => {
  it('never plans to delete a key without our tag naming an earlier run, old enough, inactive and unused since', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { users, settings, now, runId } = scenario;
        // Act
        const result = planOf(scenario);
        // Assess
        for (const action of result.actions.filter((a) => a.action === 'delete' && a.status !== 'skipped')) {
          const user = users.find((candidate) => candidate.userName === action.userName);
          const key = user?.keys.find((candidate) => candidate.accessKeyId === keyRefLabel(action.key));
          const tag = user ? deactivationOf(user.tags, keyRefLabel(action.key)) : null;
          expect(key?.status).toBe('Inactive');
          expect(tag?.runId).toEqual(expect.any(String));
          expect(tag?.runId).not.toBe(runId);
          const days = settings.rules.inactiveKeyCleanup.days;
          expect(now.getTime() - (tag?.date.getTime() ?? now.getTime())).toBeGreaterThanOrEqual(
            days * 86_400_000,
          );
          const start = runStartOf(tag?.runId ?? '');
          if (key?.lastUsed) expect(key.lastUsed.date.getTime()).toBeLessThanOrEqual(start?.getTime() ?? 0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never deletes, in the same run, a key that run deactivated', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare: carry out this run's deactivations as apply() would, then plan again in the same run.
        const { users, settings, now, runId } = scenario;
        const enforce: Settings = { ...settings, mode: 'enforce' };
        const first = planOf(scenario, users, enforce);
        const deactivated = new Set(
          first.actions
            .filter((a) => a.action === 'deactivate' && a.status === 'planned')
            .map((a) => keyRefLabel(a.key)),
        );
        const after = users.map((user) => ({
          ...user,
          tags: {
            ...user.tags,
            ...Object.fromEntries(
              user.keys
                .filter((key) => key.accessKeyId !== null && deactivated.has(key.accessKeyId))
                .map((key) => [
                  `key-hygiene:deactivated-${key.accessKeyId}`,
                  deactivationTagValue(now, 'unused-key', runId),
                ]),
            ),
          },
          keys: user.keys.map((key) =>
            key.accessKeyId !== null && deactivated.has(key.accessKeyId)
              ? { ...key, status: 'Inactive' as const }
              : key,
          ),
        }));
        // Act: even if the same run id planned again long after (a run cannot, but the planner must
        // not rely on the date alone), those keys are not deleted.
        const later = new Date(now.getTime() + (settings.rules.inactiveKeyCleanup.days + 1) * 86_400_000);
        const second = planOf(scenario, after, enforce, later);
        // Assess
        for (const action of second.actions) {
          if (action.action === 'delete' && deactivated.has(keyRefLabel(action.key))) {
            expect(action.status).toBe('skipped');
          }
        }
      }),
      { numRuns: 400 },
    );
  });
  it('plans exactly the deletions and deactivations an independent model expects, with their reasons', () => {
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

  it('plans every deletion the model finds due while the run fits under the cap', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const { eligible, capTripped } = expectedPlan(scenario);
        const deletions = eligible.filter((action) => action.action === 'delete');
        fc.pre(deletions.length > 0);

        // Act
        const result = planOf(scenario);

        // Assess
        const planned = result.actions
          .filter((action) => action.action === 'delete' && action.status === 'planned')
          .map((action) => `${action.userName}/${keyRefLabel(action.key)}`)
          .sort();
        expect(planned).toEqual(
          capTripped ? [] : deletions.map((action) => `${action.userName}/${action.key}`),
        );
      }),
      { numRuns: 100 },
    );
  });
});
