import { describe, expect, it } from 'vitest';
import { inactiveKeyCleanupRule } from '../../src/evaluate/inactive-key-cleanup.js';
import { evaluateRule, makeContext, makeKey, makeRoot, makeSettings, makeUser } from './factories.js';

const enabled = makeSettings({ CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'key-hygiene-reports' });

describe('Rule: inactive-key-cleanup', () => {
  it('is off by default', () => {
    // Prepare
    const key = makeKey({ status: 'Inactive', ageDays: 900, lastUsedDaysAgo: 800 });

    // Act
    const findings = evaluateRule(inactiveKeyCleanupRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('says to delete a key deactivated and last used 30 days ago or more (low, notify)', () => {
    // Prepare
    const key = makeKey({
      accessKeyId: 'AKIAEXAMPLE000000040',
      status: 'Inactive',
      ageDays: 400,
      lastUsedDaysAgo: 200,
    });
    const user = makeUser({
      userName: 'heidi',
      keys: [key],
      tags: { 'key-hygiene:deactivated-AKIAEXAMPLE000000040': '2026-05-02 unused-key' },
    });

    // Act
    const findings = evaluateRule(inactiveKeyCleanupRule, user, makeContext(enabled));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'inactive-key-cleanup',
        severity: 'low',
        action: 'notify',
        keyStatus: 'Inactive',
        controls: [],
        message:
          'Key AKIAEXAMPLE000000040 of heidi has been inactive since 2026-05-02 (unused-key) and was last used 200 days ago; delete it.',
      }),
    ]);
  });

  it('waits until the deactivation itself is 30 days old', () => {
    // Prepare
    const key = makeKey({
      accessKeyId: 'AKIAEXAMPLE000000041',
      status: 'Inactive',
      ageDays: 400,
      lastUsedDaysAgo: 200,
    });
    const user = makeUser({
      keys: [key],
      tags: { 'key-hygiene:deactivated-AKIAEXAMPLE000000041': '2026-05-03 unused-key' },
    });

    // Act
    const findings = evaluateRule(inactiveKeyCleanupRule, user, makeContext(enabled));

    // Assess: 2026-05-03 is 29 whole days before 2026-06-01T12:00Z
    expect(findings).toEqual([]);
  });

  it('falls back to the last use without a deactivation tag (or with an unreadable one)', () => {
    // Prepare
    const old = makeKey({ status: 'Inactive', ageDays: 400, lastUsedDaysAgo: 30 });
    const recent = makeKey({ status: 'Inactive', ageDays: 400, lastUsedDaysAgo: 29 });
    const user = makeUser({
      userName: 'ivan',
      keys: [old, recent],
      tags: { [`key-hygiene:deactivated-${old.accessKeyId}`]: 'sometime' },
    });

    // Act
    const findings = evaluateRule(inactiveKeyCleanupRule, user, makeContext(enabled));

    // Assess
    expect(findings.map((finding) => finding.accessKeyId)).toEqual([old.accessKeyId]);
    expect(findings[0]?.message).toBe(
      `Key ${old.accessKeyId} of ivan is inactive and was last used 30 days ago; delete it.`,
    );
  });

  it('counts a never-used inactive key from its creation', () => {
    // Prepare
    const key = makeKey({ status: 'Inactive', ageDays: 45, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(
      inactiveKeyCleanupRule,
      makeUser({ userName: 'judy', keys: [key] }),
      makeContext(enabled),
    );

    // Assess
    expect(findings[0]?.message).toBe(
      `Key ${key.accessKeyId} of judy is inactive and has never been used since it was created 45 days ago; delete it.`,
    );
  });

  it('ignores active keys and the root account', () => {
    // Prepare
    const active = makeKey({ ageDays: 400, lastUsedDaysAgo: 200 });
    const inactive = makeKey({ status: 'Inactive', ageDays: 400, lastUsedDaysAgo: 200 });

    // Act
    const results = [
      evaluateRule(inactiveKeyCleanupRule, makeUser({ keys: [active] }), makeContext(enabled)),
      evaluateRule(inactiveKeyCleanupRule, makeRoot([inactive]), makeContext(enabled)),
    ];

    // Assess
    expect(results).toEqual([[], []]);
  });
});
