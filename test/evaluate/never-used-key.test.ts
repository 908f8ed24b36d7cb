import { describe, expect, it } from 'vitest';
import { neverUsedKeyRule } from '../../src/evaluate/never-used-key.js';
import { evaluateRule, makeContext, makeKey, makeRoot, makeSettings, makeUser } from './factories.js';

describe('Rule: never-used-key', () => {
  it('reports an active key never used exactly 7 days after its creation (medium, notify)', () => {
    // Prepare
    const key = makeKey({ accessKeyId: 'AKIAEXAMPLE000000010', ageDays: 7, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(
      neverUsedKeyRule,
      makeUser({ userName: 'erin', keys: [key] }),
      makeContext(),
    );

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'never-used-key',
        severity: 'medium',
        action: 'notify',
        accessKeyId: 'AKIAEXAMPLE000000010',
        keyAgeDays: 7,
        daysSinceLastUse: 'never',
        lastUsedService: null,
        lastUsedRegion: null,
        controls: ['CIS 1.12', 'IAM.22'],
        message:
          'Key AKIAEXAMPLE000000010 of erin was created 7 days ago and has never been used; delete it if nothing needs it (unused-key deactivates it at 90 days).',
      }),
    ]);
  });

  it('does not report a brand-new key (6 days old)', () => {
    // Prepare
    const key = makeKey({ ageDays: 6, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(neverUsedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('does not report a key that has been used', () => {
    // Prepare
    const key = makeKey({ ageDays: 300, lastUsedDaysAgo: 299 });

    // Act
    const findings = evaluateRule(neverUsedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('still reports a never-used key in the unused-key warning window', () => {
    // Prepare
    const key = makeKey({ ageDays: 80, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(neverUsedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toHaveLength(1);
  });

  it('stays quiet once unused-key deactivates the key, so one key has one finding for one problem', () => {
    // Prepare
    const key = makeKey({ ageDays: 90, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(neverUsedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('keeps reporting old never-used keys when unused-key is disabled, without promising a deactivation', () => {
    // Prepare
    const settings = makeSettings({ RULES_DISABLED: 'unused-key' });
    const key = makeKey({ accessKeyId: 'AKIAEXAMPLE000000011', ageDays: 200, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(
      neverUsedKeyRule,
      makeUser({ userName: 'erin', keys: [key] }),
      makeContext(settings),
    );

    // Assess
    expect(findings[0]?.message).toBe(
      'Key AKIAEXAMPLE000000011 of erin was created 200 days ago and has never been used; delete it if nothing needs it.',
    );
  });

  it('honours a custom threshold', () => {
    // Prepare
    const settings = makeSettings({ NEVER_USED_KEY_DAYS: '30' });
    const key = makeKey({ ageDays: 29, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(neverUsedKeyRule, makeUser({ keys: [key] }), makeContext(settings));

    // Assess
    expect(findings).toEqual([]);
  });

  it('ignores inactive keys, disabled settings and the root account', () => {
    // Prepare
    const inactive = makeKey({ status: 'Inactive', ageDays: 30, lastUsedDaysAgo: null });
    const active = makeKey({ ageDays: 30, lastUsedDaysAgo: null });
    const disabled = makeSettings({ RULES_DISABLED: 'never-used-key' });

    // Act
    const results = [
      evaluateRule(neverUsedKeyRule, makeUser({ keys: [inactive] }), makeContext()),
      evaluateRule(neverUsedKeyRule, makeUser({ keys: [active] }), makeContext(disabled)),
      evaluateRule(neverUsedKeyRule, makeRoot([active]), makeContext()),
    ];

    // Assess
    expect(results).toEqual([[], [], []]);
  });
});
