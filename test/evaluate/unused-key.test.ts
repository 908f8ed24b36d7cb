import { describe, expect, it } from 'vitest';
import { unusedKeyRule, unusedKeySettingsSchema } from '../../src/evaluate/unused-key.js';
import { evaluateRule, makeContext, makeKey, makeRoot, makeSettings, makeUser, NOW } from './factories.js';

describe('Rule: unused-key', () => {
  it('deactivates an active key unused for exactly 90 days (high)', () => {
    // Prepare
    const key = makeKey({ accessKeyId: 'AKIAEXAMPLE000000001', ageDays: 400, lastUsedDaysAgo: 90 });
    const user = makeUser({ userName: 'alice', keys: [key] });

    // Act
    const findings = evaluateRule(unusedKeyRule, user, makeContext());

    // Assess
    expect(findings).toEqual([
      {
        ruleId: 'unused-key',
        severity: 'high',
        userName: 'alice',
        userArn: 'arn:aws:iam::111111111111:user/alice',
        accessKeyId: 'AKIAEXAMPLE000000001',
        slot: null,
        keyStatus: 'Active',
        keyCreateDate: '2025-04-27T12:00:00.000Z',
        keyAgeDays: 400,
        daysSinceLastUse: 90,
        lastUsedService: 's3',
        lastUsedRegion: 'us-east-1',
        controls: ['CIS 1.12', 'IAM.8', 'IAM.22'],
        message:
          'Key AKIAEXAMPLE000000001 of alice has not been used for 90 days (last used 2026-03-03 for s3 in us-east-1); deactivate it, or tag the user key-hygiene:exempt if it is still needed.',
        action: 'deactivate',
      },
    ]);
  });

  it('only warns about a key unused for 89 days: it will be deactivated in 1 day (low, notify)', () => {
    // Prepare
    const key = makeKey({
      accessKeyId: 'AKIAEXAMPLE000000002',
      ageDays: 400,
      lastUsedDaysAgo: 89,
      service: 'iam',
      region: 'N/A',
    });
    const user = makeUser({ userName: 'bob', keys: [key] });

    // Act
    const findings = evaluateRule(unusedKeyRule, user, makeContext());

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'low', action: 'notify', daysSinceLastUse: 89 });
    expect(findings[0]?.message).toBe(
      'Key AKIAEXAMPLE000000002 of bob has not been used for 89 days (last used 2026-03-04 for iam); it will be deactivated in 1 day unless it is used or the user is tagged key-hygiene:exempt.',
    );
  });

  it('starts warning on the warning day (76) and not the day before', () => {
    // Prepare
    const onWarnDay = makeUser({ keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 76 })] });
    const dayBefore = makeUser({ keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 75 })] });

    // Act
    const warned = evaluateRule(unusedKeyRule, onWarnDay, makeContext());
    const quiet = evaluateRule(unusedKeyRule, dayBefore, makeContext());

    // Assess
    expect(warned).toHaveLength(1);
    expect(warned[0]?.message).toContain('it will be deactivated in 14 days');
    expect(quiet).toEqual([]);
  });

  it('counts whole days: 89 days and 23 hours unused is 89 days', () => {
    // Prepare
    const lastUse = new Date(NOW.getTime() - 90 * 86_400_000 + 3_600_000);
    const key = {
      ...makeKey({ ageDays: 400 }),
      lastUsed: { date: lastUse, service: 's3', region: 'us-east-1' },
    };

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings[0]).toMatchObject({ severity: 'low', daysSinceLastUse: 89 });
  });

  it('counts a never-used key from its creation', () => {
    // Prepare
    const key = makeKey({ accessKeyId: 'AKIAEXAMPLE000000003', ageDays: 120, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ userName: 'carol', keys: [key] }), makeContext());

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      action: 'deactivate',
      daysSinceLastUse: 'never',
      keyAgeDays: 120,
      lastUsedService: null,
      lastUsedRegion: null,
    });
    expect(findings[0]?.message).toBe(
      'Key AKIAEXAMPLE000000003 of carol was created 120 days ago and has never been used; deactivate it, or tag the user key-hygiene:exempt if it is still needed.',
    );
  });

  it('leaves a key used within the threshold alone', () => {
    // Prepare
    const key = makeKey({ ageDays: 1000, lastUsedDaysAgo: 3 });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('ignores inactive keys, however long unused', () => {
    // Prepare
    const key = makeKey({ status: 'Inactive', ageDays: 1000, lastUsedDaysAgo: 900 });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });

  it('gives a brand-new never-used key a grace period of the never-used threshold', () => {
    // Prepare: a 5-day threshold would otherwise catch a key created 5 days ago
    const settings = makeSettings({ UNUSED_KEY_DAYS: '5', NEVER_USED_KEY_DAYS: '7' });
    const young = makeUser({ keys: [makeKey({ ageDays: 6, lastUsedDaysAgo: null })] });
    const old = makeUser({ keys: [makeKey({ ageDays: 7, lastUsedDaysAgo: null })] });

    // Act
    const youngFindings = evaluateRule(unusedKeyRule, young, makeContext(settings));
    const oldFindings = evaluateRule(unusedKeyRule, old, makeContext(settings));

    // Assess
    expect(youngFindings).toEqual([]);
    expect(oldFindings[0]).toMatchObject({ severity: 'high', action: 'deactivate' });
  });

  it('deactivates after 45 days with the cis preset', () => {
    // Prepare
    const settings = makeSettings({ PRESET: 'cis' });
    const at45 = makeUser({ keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 45 })] });
    const at31 = makeUser({ keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 31 })] });
    const at30 = makeUser({ keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 30 })] });

    // Act
    const results = [at45, at31, at30].map((user) =>
      evaluateRule(unusedKeyRule, user, makeContext(settings)),
    );

    // Assess
    expect(results.map((findings) => findings[0]?.severity ?? 'none')).toEqual(['high', 'low', 'none']);
  });

  it('judges each key of a user on its own', () => {
    // Prepare
    const stale = makeKey({ ageDays: 400, lastUsedDaysAgo: 200 });
    const fresh = makeKey({ ageDays: 400, lastUsedDaysAgo: 1 });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ keys: [stale, fresh] }), makeContext());

    // Assess
    expect(findings.map((finding) => finding.accessKeyId)).toEqual([stale.accessKeyId]);
  });

  it('names a key known only by its credential-report slot', () => {
    // Prepare
    const key = makeKey({ accessKeyId: null, slot: 2, ageDays: 400, lastUsedDaysAgo: 100 });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ userName: 'dave', keys: [key] }), makeContext());

    // Assess
    expect(findings[0]?.message).toMatch(/^Access key 2 of dave has not been used for 100 days/);
    expect(findings[0]).toMatchObject({ accessKeyId: null, slot: 2 });
  });

  it('raises nothing when disabled, or for the root account', () => {
    // Prepare
    const disabled = makeSettings({ RULES_DISABLED: 'unused-key' });
    const key = makeKey({ ageDays: 400, lastUsedDaysAgo: 200 });

    // Act
    const whenDisabled = evaluateRule(unusedKeyRule, makeUser({ keys: [key] }), makeContext(disabled));
    const forRoot = evaluateRule(unusedKeyRule, makeRoot([key]), makeContext());

    // Assess
    expect(whenDisabled).toEqual([]);
    expect(forRoot).toEqual([]);
  });

  it('does not judge a key created after the evaluation time (a preview of an earlier date)', () => {
    // Prepare
    const key = makeKey({ ageDays: -10, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(unusedKeyRule, makeUser({ keys: [key] }), makeContext());

    // Assess
    expect(findings).toEqual([]);
  });
  it('refuses a warning day not before the deactivation day, naming warnDays and the threshold', () => {
    // Act
    const result = unusedKeySettingsSchema.safeParse({ enabled: true, days: 90, warnDays: 90 });
    // Assess
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      {
        code: 'custom',
        path: ['warnDays'],
        message: 'expected fewer days than the unused-key threshold (90), got 90',
      },
    ]);
  });
});
