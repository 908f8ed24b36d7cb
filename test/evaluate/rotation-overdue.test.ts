import { describe, expect, it } from 'vitest';
import { rotationOverdueRule } from '../../src/evaluate/rotation-overdue.js';
import { evaluateRule, makeContext, makeKey, makeRoot, makeSettings, makeUser } from './factories.js';

describe('Rule: rotation-overdue', () => {
  it('reports an active key created exactly 90 days ago, even if used today (medium, notify)', () => {
    // Prepare
    const key = makeKey({ accessKeyId: 'AKIAEXAMPLE000000020', ageDays: 90, lastUsedDaysAgo: 0 });

    // Act
    const findings = evaluateRule(
      rotationOverdueRule,
      makeUser({ userName: 'frank', keys: [key] }),
      makeContext(),
    );

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'rotation-overdue',
        severity: 'medium',
        action: 'notify',
        keyAgeDays: 90,
        daysSinceLastUse: 0,
        controls: ['CIS 1.14', 'IAM.3'],
        message:
          'Key AKIAEXAMPLE000000020 of frank is 90 days old, past the 90 days rotation period; rotate it: create a new key, move the workload, deactivate this one.',
      }),
    ]);
  });

  it('does not report a key 89 days old', () => {
    // Prepare
    const key = makeKey({ ageDays: 89, lastUsedDaysAgo: 0 });

    // Act
    const findings = evaluateRule(rotationOverdueRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('honours a custom rotation period', () => {
    // Prepare
    const settings = makeSettings({ ROTATION_DAYS: '365' });
    const key = makeKey({ ageDays: 200, lastUsedDaysAgo: 0 });

    // Act
    const findings = evaluateRule(rotationOverdueRule, makeUser({ keys: [key] }), makeContext(settings));

    // Assess
    expect(findings).toEqual([]);
  });

  it('ignores inactive keys, disabled settings and the root account', () => {
    // Prepare
    const inactive = makeKey({ status: 'Inactive', ageDays: 500, lastUsedDaysAgo: 1 });
    const active = makeKey({ ageDays: 500, lastUsedDaysAgo: 1 });
    const disabled = makeSettings({ RULES_DISABLED: 'rotation-overdue' });

    // Act
    const results = [
      evaluateRule(rotationOverdueRule, makeUser({ keys: [inactive] }), makeContext()),
      evaluateRule(rotationOverdueRule, makeUser({ keys: [active] }), makeContext(disabled)),
      evaluateRule(rotationOverdueRule, makeRoot([active]), makeContext()),
    ];

    // Assess
    expect(results).toEqual([[], [], []]);
  });
});
