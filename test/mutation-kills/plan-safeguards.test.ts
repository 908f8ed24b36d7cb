import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import type { AuditError, UserRecord } from '../../src/model.js';
import { type PlanInput, plan } from '../../src/plan/plan.js';
import { makeKey, makeRoot, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

/** A user whose one key was last used 200 days ago: unused-key deactivates it. */
const stale = (userName: string, accessKeyId: string, tags: Record<string, string> = {}): UserRecord =>
  makeUser({ userName, tags, keys: [makeKey({ accessKeyId, ageDays: 300, lastUsedDaysAgo: 200 })] });

function planFor(users: UserRecord[], settings: Settings, options: Partial<PlanInput> = {}) {
  return plan({
    users,
    findings: evaluateRules(users, { now: NOW, settings }),
    errors: [],
    settings,
    now: NOW,
    selfAccessKeyId: null,
    ...options,
  });
}

const enforce = makeSettings({ MODE: 'enforce' });
const TAG = (keyId: string) => `key-hygiene:deactivated-${keyId}`;

describe('Plan: unfinished deactivations (a record without its deactivation)', () => {
  const record = '2026-05-01 unused-key 20260501T030000Z-aaaaaa';

  it('reports an active key whose user carries our record, when this run does not deactivate it', () => {
    // Prepare: the key was used 10 days ago, so it is not due, yet the record claims a deactivation.
    const user = makeUser({
      userName: 'rita',
      tags: { [TAG('AKIARITA000000000001')]: record },
      keys: [makeKey({ accessKeyId: 'AKIARITA000000000001', ageDays: 300, lastUsedDaysAgo: 10 })],
    });
    // Act
    const result = planFor([user], enforce);
    // Assess
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'unfinished-deactivation',
        severity: 'low',
        action: 'notify',
        userName: 'rita',
        accessKeyId: 'AKIARITA000000000001',
        controls: [],
        message: `rita carries the tag ${TAG('AKIARITA000000000001')} ("${record}") but key AKIARITA000000000001 is active: an earlier run recorded the deactivation and stopped before it (interrupted, or UpdateAccessKey failed), or the key was reactivated by hand; this run does not deactivate it, so remove the tag if the key is to stay active.`,
      }),
    );
  });

  it('says nothing when this run completes the deactivation, for inactive keys, keys without a record, or root', () => {
    // Prepare
    const completing = stale('carl', 'AKIACARL000000000001', { [TAG('AKIACARL000000000001')]: record });
    const inactive = makeUser({
      userName: 'ida',
      tags: { [TAG('AKIAIDA0000000000001')]: record },
      keys: [makeKey({ accessKeyId: 'AKIAIDA0000000000001', status: 'Inactive', lastUsedDaysAgo: 10 })],
    });
    const otherKey = makeUser({
      userName: 'otto',
      tags: { [TAG('AKIAOTHER00000000001')]: record },
      keys: [makeKey({ accessKeyId: 'AKIAOTTO000000000001', lastUsedDaysAgo: 10 })],
    });
    const root = {
      ...makeRoot([makeKey({ accessKeyId: 'AKIAROOT000000000001' })]),
      tags: { [TAG('AKIAROOT000000000001')]: record },
    };
    const slotOnly = makeUser({
      userName: 'sly',
      tags: { [TAG('AKIASLY0000000000001')]: record },
      keys: [makeKey({ accessKeyId: null, slot: 1, lastUsedDaysAgo: 10 })],
    });
    // Act
    const result = planFor([completing, inactive, otherKey, root, slotOnly], enforce);
    // Assess
    expect(result.findings.filter((finding) => finding.ruleId === 'unfinished-deactivation')).toEqual([]);
    expect(result.actions.map((action) => [action.userName, action.status])).toEqual([['carl', 'planned']]);
  });

  it('reports the record when the cap stops the deactivation that would have completed it', () => {
    // Prepare
    const users = [
      stale('carl', 'AKIACARL000000000001', { [TAG('AKIACARL000000000001')]: record }),
      stale('cleo', 'AKIACLEO000000000001'),
    ];
    // Act
    const result = planFor(users, makeSettings({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1' }));
    // Assess
    expect(result.findings.filter((finding) => finding.ruleId === 'unfinished-deactivation')).toHaveLength(1);
  });
});

describe('Plan: the blast-radius cap, in words and numbers', () => {
  const threeStale = () => [
    stale('alice', 'AKIAALICE00000000001'),
    stale('bob', 'AKIABOB0000000000001'),
    stale('carol', 'AKIACAROL00000000001'),
  ];

  it('says in report mode that enforce mode would deactivate none of them', () => {
    // Act
    const result = planFor(threeStale(), makeSettings({ MODE: 'report', MAX_ACTIONS_PER_RUN: '2' }));
    // Assess
    expect(result.findings[0]?.message).toBe(
      '3 keys are due for deactivation, more than the blast-radius cap of 2 per run (MAX_ACTIONS_PER_RUN), so enforce mode would deactivate none of them; check the thresholds against the findings below, then raise MAX_ACTIONS_PER_RUN or deactivate the keys by hand.',
    );
    expect(result.cap).toEqual({
      count: 3,
      deletions: 0,
      limit: 2,
      source: 'MAX_ACTIONS_PER_RUN',
      setting: 'MAX_ACTIONS_PER_RUN',
    });
  });

  it('names deletions when the capped actions include some, in both modes', () => {
    // Prepare: one key our earlier run deactivated 60 days ago, due for deletion, and two stale keys.
    const dora = makeUser({
      userName: 'dora',
      tags: { [TAG('AKIADORA000000000001')]: '2026-04-01 unused-key 20260401T030000Z-bbbbbb' },
      keys: [
        makeKey({
          accessKeyId: 'AKIADORA000000000001',
          status: 'Inactive',
          ageDays: 400,
          lastUsedDaysAgo: 200,
        }),
      ],
    });
    const users = [dora, stale('alice', 'AKIAALICE00000000001'), stale('bob', 'AKIABOB0000000000001')];
    const env = { CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'key-hygiene-reports', MAX_ACTIONS_PER_RUN: '2' };
    const runId = '20260601T120000Z-aaaaaa';
    // Act
    const enforced = planFor(users, makeSettings({ ...env, MODE: 'enforce' }), { runId });
    const reported = planFor(users, makeSettings({ ...env, MODE: 'report' }), { runId });
    // Assess
    expect(enforced.findings[0]?.message).toBe(
      '3 keys are due for deactivation or deletion, more than the blast-radius cap of 2 per run (MAX_ACTIONS_PER_RUN), so none was deactivated or deleted; check the thresholds against the findings below, then raise MAX_ACTIONS_PER_RUN or deactivate the keys by hand.',
    );
    expect(reported.findings[0]?.message).toContain('so enforce mode would act on none of them;');
    expect(enforced.cap?.deletions).toBe(1);
  });

  it('counts only active keys of IAM users toward the percentage, and prefers the per-run cap on a tie', () => {
    // Prepare: 10 active IAM user keys (4 due), plus inactive and root keys that must not count.
    const users = [
      ...Array.from({ length: 4 }, (_, i) => stale(`due-${i}`, `AKIADUE${String(i).padStart(13, '0')}`)),
      ...Array.from({ length: 6 }, (_, i) =>
        makeUser({
          userName: `fine-${i}`,
          keys: [
            makeKey({ accessKeyId: `AKIAFINE${String(i).padStart(12, '0')}`, lastUsedDaysAgo: 1 }),
            makeKey({
              accessKeyId: `AKIAOFF${String(i).padStart(13, '0')}`,
              status: 'Inactive',
              lastUsedDaysAgo: 1,
            }),
          ],
        }),
      ),
      makeRoot([makeKey({ lastUsedDaysAgo: 1 }), makeKey({ lastUsedDaysAgo: 1 })]),
    ];
    // Act: 30% of 10 is 3; with 12 counted it would be 3 as well, so 20% tells them apart (2 vs 2.4).
    const byPercent = planFor(users, makeSettings({ MODE: 'enforce', MAX_ACTIONS_PERCENT: '30' }));
    const tie = planFor(
      users,
      makeSettings({ MODE: 'enforce', MAX_ACTIONS_PERCENT: '30', MAX_ACTIONS_PER_RUN: '3' }),
    );
    const underRun = planFor(
      users,
      makeSettings({ MODE: 'enforce', MAX_ACTIONS_PERCENT: '40', MAX_ACTIONS_PER_RUN: '5' }),
    );
    // Assess
    expect(byPercent.cap).toEqual({
      count: 4,
      deletions: 0,
      limit: 3,
      source: 'MAX_ACTIONS_PERCENT 30% of 10 active keys',
      setting: 'MAX_ACTIONS_PERCENT',
    });
    expect(tie.cap).toMatchObject({
      limit: 3,
      source: 'MAX_ACTIONS_PER_RUN',
      setting: 'MAX_ACTIONS_PER_RUN',
    });
    expect(underRun.cap).toBeNull();
  });

  it('keeps a cap an earlier plan of the run tripped, even when this plan counts fewer', () => {
    // Prepare
    const earlierCap = {
      count: 9,
      deletions: 0,
      limit: 2,
      source: 'MAX_ACTIONS_PER_RUN',
      setting: 'MAX_ACTIONS_PER_RUN' as const,
    };
    // Act
    const result = planFor([stale('alice', 'AKIAALICE00000000001')], enforce, { earlierCap });
    // Assess
    expect(result.cap).toBe(earlierCap);
    expect(result.actions[0]?.reason).toBe(
      'blast-radius cap: 9 deactivations planned, more than the cap of 2 (MAX_ACTIONS_PER_RUN); none applied',
    );
    expect(result.findings[0]?.severity).toBe('critical');
  });
});

describe('Plan: which reason a skipped key shows', () => {
  const error = (userName: string | null, accessKeyId: string | null, code: string): AuditError => ({
    userName,
    accessKeyId,
    operation: 'GetAccessKeyLastUsed',
    code,
    message: 'boom',
  });

  it('ignores errors tied to no user, and lists codes once each in the order recorded', () => {
    // Prepare
    const users = [stale('alice', 'AKIAALICE00000000001')];
    const errors = [
      error(null, null, 'AccessDenied'),
      error('alice', 'AKIAALICE00000000001', 'Throttling'),
      error('alice', null, 'NoSuchEntity'),
      error('alice', 'AKIAALICE00000000001', 'Throttling'),
      error('bob', 'AKIABOB0000000000001', 'ServiceFailure'),
    ];
    // Act
    const result = planFor(users, enforce, { errors });
    // Assess
    expect(result.actions[0]?.reason).toBe('an error occurred reading this key: Throttling, NoSuchEntity');
  });

  it('plans a key when the only error is another user’s or tied to no user', () => {
    // Act
    const result = planFor([stale('alice', 'AKIAALICE00000000001')], enforce, {
      errors: [error(null, null, 'AccessDenied'), error('bob', null, 'Throttling')],
    });
    // Assess
    expect(result.actions[0]?.status).toBe('planned');
  });

  it('gives the read error before the broken exempt tag, and the tag before the unknown key id', () => {
    // Prepare
    const broken = { 'key-hygiene:exempt': 'yes' };
    const users = [
      stale('alice', 'AKIAALICE00000000001', broken),
      makeUser({
        userName: 'sam',
        tags: broken,
        keys: [makeKey({ accessKeyId: null, slot: 2, ageDays: 300, lastUsedDaysAgo: 200 })],
      }),
    ];
    // Act
    const result = planFor(users, enforce, { errors: [error('alice', null, 'Throttling')] });
    // Assess
    expect(result.actions.map((action) => action.reason)).toEqual([
      'an error occurred reading this key: Throttling',
      'the tag key-hygiene:exempt is "yes", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing; fix or remove the tag (left untouched because the tag shows someone meant to exempt it)',
    ]);
  });

  it('plans a key whose exempt tag merely expired, noting the expiry in its finding', () => {
    // Act
    const result = planFor(
      [stale('alice', 'AKIAALICE00000000001', { 'key-hygiene:exempt': '2026-05-31' })],
      enforce,
    );
    // Assess
    expect(result.actions[0]?.status).toBe('planned');
    expect(result.findings[0]?.message).toMatch(/ Note: the tag key-hygiene:exempt expired on 2026-05-31\.$/);
  });

  it('does not delete a key missing from the inventory, or when the run is unknown', () => {
    // Prepare: a delete finding for a key the inventory does not hold.
    const settings = makeSettings({
      MODE: 'enforce',
      CLEANUP_ENABLED: 'true',
      REPORT_BUCKET: 'key-hygiene-reports',
    });
    const dora = makeUser({
      userName: 'dora',
      tags: { [TAG('AKIADORA000000000001')]: '2026-04-01 unused-key 20260401T030000Z-bbbbbb' },
      keys: [
        makeKey({
          accessKeyId: 'AKIADORA000000000001',
          status: 'Inactive',
          ageDays: 400,
          lastUsedDaysAgo: 200,
        }),
      ],
    });
    const findings = evaluateRules([dora], { now: NOW, settings });
    // Act
    const missing = plan({
      users: [{ ...dora, keys: [] }],
      findings,
      errors: [],
      settings,
      now: NOW,
      selfAccessKeyId: null,
      runId: '20260601T120000Z-aaaaaa',
    });
    const noUser = plan({
      users: [],
      findings,
      errors: [],
      settings,
      now: NOW,
      selfAccessKeyId: null,
      runId: '20260601T120000Z-aaaaaa',
    });
    // Assess
    expect(missing.actions[0]?.reason).toBe('the key is not in the inventory; not deleted');
    expect(noUser.actions[0]?.reason).toBe('the key is not in the inventory; not deleted');
  });
});

describe('Plan: exempt entries', () => {
  it('keeps a finding that matches none of an exempt user’s keys, under no key', () => {
    // Prepare: a finding on a key the inventory no longer lists.
    const settings = makeSettings({ MODE: 'enforce' });
    const before = stale('eve', 'AKIAEVE0000000000001', { 'key-hygiene:exempt': 'true' });
    const findings = evaluateRules([before], { now: NOW, settings });
    const now = makeUser({
      userName: 'eve',
      tags: { 'key-hygiene:exempt': 'true' },
      keys: [makeKey({ accessKeyId: 'AKIAEVE0000000000002', lastUsedDaysAgo: 1 })],
    });
    // Act
    const result = plan({ users: [now], findings, errors: [], settings, now: NOW, selfAccessKeyId: null });
    // Assess
    expect(result.exempt.map((entry) => [entry.accessKeyId, entry.suppressedRules])).toEqual([
      ['AKIAEVE0000000000002', []],
      [null, ['unused-key', 'rotation-overdue']],
    ]);
    expect(result.findings).toEqual([]);
    expect(result.actions).toEqual([]);
  });

  it('lists the suppressed rules of each key in rule order, once each', () => {
    // Prepare: two active keys, both stale and old: unused-key, rotation-overdue, two-active-keys.
    const eve = makeUser({
      userName: 'eve',
      tags: { 'key-hygiene:exempt': 'true' },
      keys: [
        makeKey({ accessKeyId: 'AKIAEVE0000000000001', ageDays: 400, lastUsedDaysAgo: 200 }),
        makeKey({ accessKeyId: 'AKIAEVE0000000000002', ageDays: 300, lastUsedDaysAgo: 200 }),
      ],
    });
    // Act
    const result = planFor([eve], enforce);
    // Assess
    expect(result.exempt).toEqual([
      {
        userName: 'eve',
        accessKeyId: 'AKIAEVE0000000000001',
        source: 'tag',
        matched: 'true',
        until: null,
        reason: null,
        suppressedRules: ['unused-key', 'rotation-overdue', 'two-active-keys'],
      },
      {
        userName: 'eve',
        accessKeyId: 'AKIAEVE0000000000002',
        source: 'tag',
        matched: 'true',
        until: null,
        reason: null,
        suppressedRules: ['unused-key', 'rotation-overdue'],
      },
    ]);
  });
});

describe('Plan: candidates and their keys', () => {
  it('plans the active stale key of a user whose other key is inactive, and orders actions by key', () => {
    // Prepare: the inactive key comes first in the user's record.
    const user = makeUser({
      userName: 'kim',
      keys: [
        makeKey({
          accessKeyId: 'AKIAKIM0000000000009',
          status: 'Inactive',
          ageDays: 300,
          lastUsedDaysAgo: 200,
        }),
        makeKey({ accessKeyId: 'AKIAKIM0000000000002', ageDays: 300, lastUsedDaysAgo: 200 }),
      ],
    });
    const other = makeUser({
      userName: 'kim',
      keys: [
        makeKey({ accessKeyId: 'AKIAKIM0000000000009', ageDays: 300, lastUsedDaysAgo: 200 }),
        makeKey({ accessKeyId: 'AKIAKIM0000000000002', ageDays: 300, lastUsedDaysAgo: 200 }),
      ],
    });
    // Act
    const single = planFor([user], enforce);
    const findings = evaluateRules([other], { now: NOW, settings: enforce }).reverse();
    const both = plan({
      users: [other],
      findings,
      errors: [],
      settings: enforce,
      now: NOW,
      selfAccessKeyId: null,
    });
    // Assess
    expect(single.actions.map((action) => [action.key, action.status])).toEqual([
      [{ kind: 'id', accessKeyId: 'AKIAKIM0000000000002' }, 'planned'],
    ]);
    expect(both.actions.map((action) => action.key)).toEqual([
      { kind: 'id', accessKeyId: 'AKIAKIM0000000000002' },
      { kind: 'id', accessKeyId: 'AKIAKIM0000000000009' },
    ]);
  });

  it('blocks a key with a read error on it, not the user’s other keys', () => {
    // Prepare
    const user = makeUser({
      userName: 'kim',
      keys: [
        makeKey({ accessKeyId: 'AKIAKIM0000000000001', ageDays: 300, lastUsedDaysAgo: 200 }),
        makeKey({ accessKeyId: 'AKIAKIM0000000000002', ageDays: 300, lastUsedDaysAgo: 200 }),
      ],
    });
    const errors: AuditError[] = [
      {
        userName: 'kim',
        accessKeyId: 'AKIAKIM0000000000001',
        operation: 'GetAccessKeyLastUsed',
        code: 'Throttling',
        message: 'x',
      },
    ];
    // Act
    const result = planFor([user], enforce, { errors });
    // Assess
    expect(result.actions.map((action) => action.status)).toEqual(['skipped', 'planned']);
  });

  it('re-checks a deletion against the inventory: the right key of the user, and its use since the run', () => {
    // Prepare: findings of an earlier read; now the inventory shows an active key first, and a use.
    const settings = makeSettings({
      MODE: 'report',
      CLEANUP_ENABLED: 'true',
      REPORT_BUCKET: 'key-hygiene-reports',
    });
    const tags = { [TAG('AKIADORA000000000001')]: '2026-04-01 unused-key 20260401T030000Z-bbbbbb' };
    const doomed = makeKey({
      accessKeyId: 'AKIADORA000000000001',
      status: 'Inactive',
      ageDays: 400,
      lastUsedDaysAgo: 200,
    });
    const active = makeKey({ accessKeyId: 'AKIADORA000000000002', ageDays: 10, lastUsedDaysAgo: 1 });
    const earlier = makeUser({ userName: 'dora', tags, keys: [doomed] });
    const findings = evaluateRules([earlier], { now: NOW, settings });
    const input = { errors: [], settings, now: NOW, selfAccessKeyId: null, runId: '20260601T120000Z-aaaaaa' };
    // Act
    const withActive = plan({
      ...input,
      users: [makeUser({ userName: 'dora', tags, keys: [active, doomed] })],
      findings,
    });
    const usedSince = plan({
      ...input,
      users: [
        makeUser({
          userName: 'dora',
          tags,
          keys: [
            {
              ...doomed,
              lastUsed: { date: new Date('2026-04-02T00:00:00Z'), service: 's3', region: 'us-east-1' },
            },
          ],
        }),
      ],
      findings,
    });
    // Assess
    expect(withActive.actions.map((action) => [action.status, action.reason])).toEqual([
      ['planned', 'report mode: would delete'],
    ]);
    expect(usedSince.actions[0]?.reason).toBe(
      'used on 2026-04-02, after run 20260401T030000Z-bbbbbb deactivated it; someone reactivated it since',
    );
  });

  it('lists one entry per key of an exempt user with no findings', () => {
    // Prepare
    const user = makeUser({
      userName: 'eve',
      tags: { 'key-hygiene:exempt': 'true' },
      keys: [makeKey({ accessKeyId: 'AKIAEVE0000000000001', lastUsedDaysAgo: 1 })],
    });
    // Act
    const result = planFor([user], enforce);
    // Assess
    expect(result.exempt.map((entry) => [entry.accessKeyId, entry.suppressedRules])).toEqual([
      ['AKIAEVE0000000000001', []],
    ]);
  });
});
