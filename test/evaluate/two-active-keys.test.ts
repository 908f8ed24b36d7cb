import { describe, expect, it } from 'vitest';
import { twoActiveKeysRule } from '../../src/evaluate/two-active-keys.js';
import {
  daysAgo,
  evaluateRule,
  makeContext,
  makeKey,
  makeRoot,
  makeSettings,
  makeUser,
} from './factories.js';

describe('Rule: two-active-keys', () => {
  it('raises one finding per user, about the older key (low, notify)', () => {
    // Prepare
    const newer = makeKey({ accessKeyId: 'AKIAEXAMPLE000000031', ageDays: 10, lastUsedDaysAgo: 1 });
    const older = makeKey({ accessKeyId: 'AKIAEXAMPLE000000030', ageDays: 60, lastUsedDaysAgo: 2 });
    const user = makeUser({ userName: 'grace', keys: [newer, older] });

    // Act
    const findings = evaluateRule(twoActiveKeysRule, user, makeContext());

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'two-active-keys',
        severity: 'low',
        action: 'notify',
        accessKeyId: 'AKIAEXAMPLE000000030',
        keyAgeDays: 60,
        daysSinceLastUse: 2,
        controls: ['CIS 1.13'],
        message:
          'grace has two active keys (AKIAEXAMPLE000000030, created 2026-04-02, and AKIAEXAMPLE000000031, created 2026-05-22); keep one: move the workload to AKIAEXAMPLE000000031, then deactivate AKIAEXAMPLE000000030.',
      }),
    ]);
  });

  it('does not count an inactive second key', () => {
    // Prepare
    const user = makeUser({ keys: [makeKey(), makeKey({ status: 'Inactive' })] });

    // Act
    const findings = evaluateRule(twoActiveKeysRule, user, makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('does not count a key created after the date a preview looks at', () => {
    // Prepare: the second key was created 10 days ago; the preview looks 20 days back.
    const newer = makeKey({ accessKeyId: 'AKIAEXAMPLE000000031', ageDays: 10, lastUsedDaysAgo: 1 });
    const older = makeKey({ accessKeyId: 'AKIAEXAMPLE000000030', ageDays: 60, lastUsedDaysAgo: 2 });
    const user = makeUser({ userName: 'grace', keys: [newer, older] });

    // Act
    const findings = evaluateRule(twoActiveKeysRule, user, makeContext(makeSettings(), daysAgo(20)));

    // Assess
    expect(findings).toEqual([]);
  });

  it('raises nothing for one active key, when disabled, or for the root account', () => {
    // Prepare
    const disabled = makeSettings({ RULES_DISABLED: 'two-active-keys' });
    const twoKeys = () => [makeKey(), makeKey()];

    // Act
    const results = [
      evaluateRule(twoActiveKeysRule, makeUser({ keys: [makeKey()] }), makeContext()),
      evaluateRule(twoActiveKeysRule, makeUser({ keys: twoKeys() }), makeContext(disabled)),
      evaluateRule(twoActiveKeysRule, makeRoot(twoKeys()), makeContext()),
    ];

    // Assess
    expect(results).toEqual([[], [], []]);
  });
});
