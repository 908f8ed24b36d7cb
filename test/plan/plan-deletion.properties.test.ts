import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { deactivationOf, deactivationTagValue } from '../../src/evaluate/tags.js';
import { keyRefLabel } from '../../src/key-ref.js';
import type { UserRecord } from '../../src/model.js';
import { plan } from '../../src/plan/plan.js';
import { runStartOf } from '../../src/run-id.js';
import { daysAgo, makeKey, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const RUN = '20260601T120000Z-c0ffee';
const runOn = (date: Date): string => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-0a0b0c`;

const tagArb = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'garbage' as const }),
  fc.record({ kind: fc.constant('current' as const), daysAgo: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('earlier' as const), daysAgo: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('two-part' as const), daysAgo: fc.integer({ min: 0, max: 400 }) }),
);

const keyArb = fc.record({
  status: fc.constantFrom('Active' as const, 'Inactive' as const, 'Inactive' as const),
  ageDays: fc.integer({ min: 0, max: 1500 }),
  lastUsedDaysAgo: fc.option(fc.integer({ min: 0, max: 1500 }), { freq: 3 }),
  tag: tagArb,
});

const settingsArb = fc
  .record({
    mode: fc.constantFrom('report', 'enforce'),
    cleanupDays: fc.integer({ min: 1, max: 120 }),
    cap: fc.integer({ min: 1, max: 8 }),
  })
  .map(
    (raw): Settings =>
      makeSettings({
        MODE: raw.mode,
        CLEANUP_ENABLED: 'true',
        REPORT_BUCKET: 'key-hygiene-reports',
        CLEANUP_DAYS: String(raw.cleanupDays),
        MAX_ACTIONS_PER_RUN: String(raw.cap),
      }),
  );

const scenarioArb = fc
  .record({ users: fc.array(fc.array(keyArb, { maxLength: 2 }), { maxLength: 8 }), settings: settingsArb })
  .map(({ users: specs, settings }) => {
    const users = specs.map((keys, u) => {
      const tags: Record<string, string> = {};
      const records = keys.map((spec, k) => {
        const accessKeyId = `AKIADEL${String(u).padStart(6, '0')}${k}000000`;
        const tagged = (days: number) => daysAgo(days);
        if (spec.tag.kind === 'garbage') tags[`key-hygiene:deactivated-${accessKeyId}`] = 'soon';
        if (spec.tag.kind === 'current') {
          tags[`key-hygiene:deactivated-${accessKeyId}`] = deactivationTagValue(
            tagged(spec.tag.daysAgo),
            'unused-key',
            RUN,
          );
        }
        if (spec.tag.kind === 'earlier') {
          const when = tagged(spec.tag.daysAgo);
          tags[`key-hygiene:deactivated-${accessKeyId}`] = deactivationTagValue(
            when,
            'unused-key',
            runOn(when),
          );
        }
        if (spec.tag.kind === 'two-part') {
          tags[`key-hygiene:deactivated-${accessKeyId}`] =
            `${tagged(spec.tag.daysAgo).toISOString().slice(0, 10)} unused-key`;
        }
        return makeKey({
          accessKeyId,
          status: spec.status,
          ageDays: spec.ageDays,
          lastUsedDaysAgo:
            spec.lastUsedDaysAgo === null ? null : Math.min(spec.lastUsedDaysAgo, spec.ageDays),
        });
      });
      return makeUser({ userName: `user-${u}`, keys: records, tags });
    });
    return { users, settings };
  });

function planOf(users: UserRecord[], settings: Settings, now: Date = NOW) {
  const findings = evaluateRules(users, { now, settings });
  return plan({ users, findings, errors: [], settings, now, selfAccessKeyId: null, runId: RUN });
}

describe('Properties: plan (deletions)', () => {
  it('never plans to delete a key without our tag naming an earlier run, old enough, inactive and unused since', () => {
    fc.assert(
      fc.property(scenarioArb, ({ users, settings }) => {
        // Act
        const result = planOf(users, settings);
        // Assess
        for (const action of result.actions.filter((a) => a.action === 'delete' && a.status !== 'skipped')) {
          const user = users.find((candidate) => candidate.userName === action.userName);
          const key = user?.keys.find((candidate) => candidate.accessKeyId === keyRefLabel(action.key));
          const tag = user ? deactivationOf(user.tags, keyRefLabel(action.key)) : null;
          expect(key?.status).toBe('Inactive');
          expect(tag?.runId).toEqual(expect.any(String));
          expect(tag?.runId).not.toBe(RUN);
          const days = settings.rules.inactiveKeyCleanup.days;
          expect(NOW.getTime() - (tag?.date.getTime() ?? NOW.getTime())).toBeGreaterThanOrEqual(
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
      fc.property(scenarioArb, ({ users, settings }) => {
        // Prepare: carry out this run's deactivations as apply() would, then plan again in the same run.
        const enforce: Settings = { ...settings, mode: 'enforce' };
        const first = planOf(users, enforce);
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
                  deactivationTagValue(NOW, 'unused-key', RUN),
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
        const later = new Date(NOW.getTime() + (settings.rules.inactiveKeyCleanup.days + 1) * 86_400_000);
        const second = planOf(after, enforce, later);
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
});
