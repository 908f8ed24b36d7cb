import { describe, expect, it } from 'vitest';
import { rootAccessKeyRule } from '../../src/evaluate/root-access-key.js';
import { evaluateRule, makeContext, makeKey, makeRoot, makeSettings, makeUser } from './factories.js';

describe('Rule: root-access-key', () => {
  it('flags an active root key seen through GetAccountSummary, without id or dates (critical)', () => {
    // Prepare
    const key = makeKey({ accessKeyId: null, ageDays: null, lastUsedDaysAgo: null });

    // Act
    const findings = evaluateRule(rootAccessKeyRule, makeRoot([key]), makeContext());

    // Assess
    expect(findings).toEqual([
      {
        ruleId: 'root-access-key',
        severity: 'critical',
        userName: '<root_account>',
        userArn: 'arn:aws:iam::111111111111:root',
        accessKeyId: null,
        slot: null,
        keyStatus: 'Active',
        keyCreateDate: null,
        keyAgeDays: null,
        daysSinceLastUse: 'never',
        lastUsedService: null,
        lastUsedRegion: null,
        controls: ['CIS 1.4', 'IAM.4'],
        message:
          'The root user has an active access key; sign in as root and delete it, and use IAM roles instead: root keys cannot be limited by any policy.',
        action: 'notify',
      },
    ]);
  });

  it('flags each active root key of the credential report, naming its slot', () => {
    // Prepare
    const keys = [
      makeKey({ accessKeyId: null, slot: 1, ageDays: 700, lastUsedDaysAgo: 3 }),
      makeKey({ accessKeyId: null, slot: 2, status: 'Inactive', ageDays: 800 }),
    ];

    // Act
    const findings = evaluateRule(rootAccessKeyRule, makeRoot(keys), makeContext());

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('(access key 1, created 2024-07-01)');
    expect(findings[0]).toMatchObject({ slot: 1, daysSinceLastUse: 3, keyAgeDays: 700 });
  });

  it('ignores IAM users, a root account without active keys, and disabled settings', () => {
    // Prepare
    const disabled = makeSettings({ RULES_DISABLED: 'root-access-key' });

    // Act
    const results = [
      evaluateRule(rootAccessKeyRule, makeUser({ keys: [makeKey()] }), makeContext()),
      evaluateRule(rootAccessKeyRule, makeRoot([]), makeContext()),
      evaluateRule(rootAccessKeyRule, makeRoot([makeKey()]), makeContext(disabled)),
    ];

    // Assess
    expect(results).toEqual([[], [], []]);
  });
});
