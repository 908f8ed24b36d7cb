import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { type Finding, SEVERITY_ORDER } from '../../src/model.js';
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
});
