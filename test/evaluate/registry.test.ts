import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/config/settings.js';
import { evaluateRules, RULES, ruleById } from '../../src/evaluate/registry.js';
import { type KeyFinding, RULE_IDS, SEVERITY_ORDER } from '../../src/model.js';
import { makeContext, makeKey, makeRoot, makeSettings, makeUser, NOW } from './factories.js';

const CONTROL_FORMAT = /^(CIS \d+\.\d+|IAM\.\d+)$/;

describe('Constant: RULES', () => {
  it('lists each rule id of the model exactly once, in order', () => {
    // Prepare, Act
    const ids = RULES.map((rule) => rule.id);

    // Assess
    expect(ids).toEqual([...RULE_IDS]);
  });

  it('gives every rule a description, well-formed controls and its own strict settings block', () => {
    // Prepare
    const settings = makeSettings();

    // Act, Assess
    for (const rule of RULES) {
      expect(rule.description.length).toBeGreaterThan(20);
      for (const control of rule.controls) expect(control).toMatch(CONTROL_FORMAT);
      // The settings schema holds the rule's own schema under the rule's own key.
      expect(settingsSchema.shape.rules.shape[rule.settingsKey]).toBe(rule.settingsSchema);
      expect(rule.settingsSchema.safeParse(settings.rules[rule.settingsKey]).success).toBe(true);
      expect(rule.settingsSchema.safeParse({ ...settings.rules[rule.settingsKey], extra: 1 }).success).toBe(
        false,
      );
    }
    expect(settingsSchema.safeParse(settings).success).toBe(true);
  });

  it('maps the rules to the CIS and Security Hub controls', () => {
    // Prepare, Act
    const controls = Object.fromEntries(RULES.map((rule) => [rule.id, rule.controls]));

    // Assess
    expect(controls).toEqual({
      'unused-key': ['CIS 1.12', 'IAM.8', 'IAM.22'],
      'never-used-key': ['CIS 1.12', 'IAM.22'],
      'rotation-overdue': ['CIS 1.14', 'IAM.3'],
      'two-active-keys': ['CIS 1.13'],
      'root-access-key': ['CIS 1.4', 'IAM.4'],
      'inactive-key-cleanup': [],
      'exposed-key': [],
    });
    expect(ruleById('unused-key').action).toBe('deactivate');
  });
});

describe('Function: evaluateRules', () => {
  it('flags keys unused for more than 90 days, and sorts them in report order: severity, then rule, then user, then key', () => {
    // Prepare
    const users = [
      makeUser({
        userName: 'zed',
        keys: [makeKey({ accessKeyId: 'AKIAZED0000000000001', ageDays: 400, lastUsedDaysAgo: 120 })],
      }),
      makeUser({
        userName: 'amy',
        keys: [
          makeKey({ accessKeyId: 'AKIAAMY0000000000002', ageDays: 85, lastUsedDaysAgo: 80 }),
          makeKey({ accessKeyId: 'AKIAAMY0000000000001', ageDays: 400, lastUsedDaysAgo: 100 }),
        ],
      }),
      makeRoot([makeKey({ accessKeyId: null, ageDays: null })]),
    ];

    // Act
    const findings = evaluateRules(users, makeContext());

    // Assess
    expect(
      findings.map((finding) => [finding.severity, finding.userName, finding.accessKeyId, finding.ruleId]),
    ).toEqual([
      ['critical', '<root_account>', null, 'root-access-key'],
      ['high', 'amy', 'AKIAAMY0000000000001', 'unused-key'],
      ['high', 'zed', 'AKIAZED0000000000001', 'unused-key'],
      ['medium', 'amy', 'AKIAAMY0000000000001', 'rotation-overdue'],
      ['medium', 'zed', 'AKIAZED0000000000001', 'rotation-overdue'],
      ['low', 'amy', 'AKIAAMY0000000000002', 'unused-key'],
      ['low', 'amy', 'AKIAAMY0000000000001', 'two-active-keys'],
    ]);
  });

  it('returns nothing for an empty account', () => {
    // Prepare, Act
    const findings = evaluateRules([], makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('fills every field of every finding (property)', () => {
    // Prepare
    const keyArb = fc.record({
      status: fc.constantFrom('Active' as const, 'Inactive' as const),
      ageDays: fc.integer({ min: 0, max: 2000 }),
      lastUsedDaysAgo: fc.option(fc.integer({ min: 0, max: 2000 })),
    });
    const settings = makeSettings({ CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'key-hygiene-reports' });

    // Act, Assess
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 2 }), (specs) => {
        const keys = specs.map((spec) =>
          makeKey({
            ...spec,
            lastUsedDaysAgo:
              spec.lastUsedDaysAgo === null ? null : Math.min(spec.lastUsedDaysAgo, spec.ageDays),
          }),
        );
        const findings: KeyFinding[] = evaluateRules([makeUser({ keys })], { now: NOW, settings });
        for (const finding of findings) {
          expect(finding.userName).toBe('alice');
          expect(finding.userArn).not.toBeNull();
          expect(finding.accessKeyId).toMatch(/^AKIA/);
          expect(finding.keyCreateDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
          expect(typeof finding.keyAgeDays).toBe('number');
          expect(finding.daysSinceLastUse === 'never' || typeof finding.daysSinceLastUse === 'number').toBe(
            true,
          );
          expect(finding.lastUsedService === null).toBe(finding.daysSinceLastUse === 'never');
          expect(finding.lastUsedRegion === null).toBe(finding.daysSinceLastUse === 'never');
          expect(SEVERITY_ORDER).toContain(finding.severity);
          expect(finding.message).toMatch(/^(Key AKIA\S+ of alice|alice has two)/);
          expect(finding.message.endsWith('.')).toBe(true);
        }
      }),
    );
  });
});
