import { describe, expect, it } from 'vitest';
import { deletionBlocker } from '../../src/evaluate/deletion.js';
import { inactiveKeyCleanupRule } from '../../src/evaluate/inactive-key-cleanup.js';
import { activeKeys, keyFacts, keyOfUser, lastUseText } from '../../src/evaluate/key-facts.js';
import { neverUsedKeyRule } from '../../src/evaluate/never-used-key.js';
import { rootAccessKeyRule } from '../../src/evaluate/root-access-key.js';
import { rotationOverdueRule } from '../../src/evaluate/rotation-overdue.js';
import {
  deactivationOf,
  deactivationsOf,
  deactivationTagValue,
  parseDeactivation,
  tagValue,
} from '../../src/evaluate/tags.js';
import { twoActiveKeysRule } from '../../src/evaluate/two-active-keys.js';
import { isComingUp, unusedKeyRule } from '../../src/evaluate/unused-key.js';
import { REPORT_MODE_DELETE_REASON } from '../../src/plan/skip-reasons.js';
import {
  daysAgo,
  evaluateRule,
  makeContext,
  makeKey,
  makeRoot,
  makeSettings,
  makeUser,
  NOW,
} from '../evaluate/factories.js';

const RUN = '20260301T030000Z-1a2b3c';

describe('Key facts: how a finding names and dates a key', () => {
  it('counts a last use or creation after the evaluation time (a preview) as 0 days', () => {
    // Prepare
    const key = {
      ...makeKey({ ageDays: 5 }),
      createDate: daysAgo(-3),
      lastUsed: { date: daysAgo(-2), service: 's3', region: 'us-east-1' },
    };
    // Act
    const facts = keyFacts(makeUser(), key, NOW);
    // Assess
    expect([facts.keyAgeDays, facts.daysSinceLastUse]).toEqual([0, 0]);
  });

  it('gives no age and no last use for a key known without dates', () => {
    // Act
    const facts = keyFacts(makeRoot([]), makeKey({ accessKeyId: null, ageDays: null }), NOW);
    // Assess
    expect(facts).toMatchObject({
      keyCreateDate: null,
      keyAgeDays: null,
      daysSinceLastUse: 'never',
      lastUsedService: null,
      lastUsedRegion: null,
    });
  });

  it('names a key by id, by slot, or as an access key, starting a sentence', () => {
    // Prepare
    const user = makeUser({ userName: 'alice' });
    // Act
    const names = [
      keyOfUser(user, makeKey({ accessKeyId: 'AKIAALICE00000000001' })),
      keyOfUser(user, makeKey({ accessKeyId: null, slot: 2 })),
      keyOfUser(user, makeKey({ accessKeyId: null, slot: null })),
    ];
    // Assess
    expect(names).toEqual([
      'Key AKIAALICE00000000001 of alice',
      'Access key 2 of alice',
      'An access key of alice',
    ]);
  });

  it('leaves out the service and region IAM reports as N/A, or that are unknown', () => {
    // Prepare
    const used = (service: string, region: string) => makeKey({ lastUsedDaysAgo: 10, service, region });
    // Act
    const texts = [
      lastUseText(used('s3', 'eu-west-1')),
      lastUseText(used('iam', 'N/A')),
      lastUseText(used('N/A', 'eu-west-1')),
      lastUseText(used('', '')),
      lastUseText(makeKey()),
    ];
    // Assess
    expect(texts).toEqual([
      'last used 2026-05-22 for s3 in eu-west-1',
      'last used 2026-05-22 for iam',
      'last used 2026-05-22',
      'last used 2026-05-22',
      'never used',
    ]);
  });
});

describe('Tags: reading the deactivation record', () => {
  it('reads date, rule and run id, whatever the spacing, and keeps a rule of several words', () => {
    // Act
    const parsed = [
      parseDeactivation(`  2026-03-01   unused-key   ${RUN}  `),
      parseDeactivation('2026-03-01 a rule of words'),
      parseDeactivation(`2026-03-01 ${RUN}`),
      parseDeactivation('2026-03-01'),
      parseDeactivation('2026-03-01 unused-key 20260301T030000Z-XYZ'),
      parseDeactivation('01/03/2026 unused-key'),
    ];
    // Assess
    const day = new Date('2026-03-01T00:00:00Z');
    expect(parsed).toEqual([
      { date: day, rule: 'unused-key', runId: RUN },
      { date: day, rule: 'a rule of words', runId: null },
      { date: day, rule: null, runId: RUN },
      { date: day, rule: null, runId: null },
      { date: day, rule: 'unused-key 20260301T030000Z-XYZ', runId: null },
      null,
    ]);
  });

  it('writes the value it reads back', () => {
    // Act
    const value = deactivationTagValue(new Date('2026-11-20T23:59:59Z'), 'unused-key', RUN);
    // Assess
    expect(value).toBe(`2026-11-20 unused-key ${RUN}`);
    expect(parseDeactivation(value)?.runId).toBe(RUN);
  });

  it('finds a tag by key without regard to case, preferring the exact key', () => {
    // Act and assess
    expect(
      tagValue({ 'Key-Hygiene:Exempt': 'yes', 'key-hygiene:exempt': 'true' }, 'key-hygiene:exempt'),
    ).toBe('true');
    expect(tagValue({ 'KEY-HYGIENE:EXEMPT': 'true' }, 'key-hygiene:exempt')).toBe('true');
    expect(tagValue({ other: 'true' }, 'key-hygiene:exempt')).toBeUndefined();
    expect(
      deactivationOf({ 'Key-Hygiene:Deactivated-AKIA1': `2026-03-01 unused-key ${RUN}` }, 'AKIA1')?.runId,
    ).toBe(RUN);
    expect(deactivationOf({}, 'AKIA1')).toBeNull();
  });

  it('lists every readable deactivation record, oldest first, whatever the case of the key', () => {
    // Act
    const all = deactivationsOf({
      'key-hygiene:deactivated-AKIA2': '2026-04-01 unused-key',
      'KEY-HYGIENE:DEACTIVATED-AKIA1': '2026-03-01 unused-key',
      'key-hygiene:deactivated-AKIA3': 'someday',
      'key-hygiene:exempt': '2026-01-01',
      'team:key-hygiene:deactivated-AKIA4': '2026-01-01 unused-key',
    });
    // Assess
    expect(all.map((record) => record.date.toISOString().slice(0, 10))).toEqual(['2026-03-01', '2026-04-01']);
  });
});

describe('Deletion: each reason a key may not be deleted', () => {
  const facts = {
    deactivation: { date: daysAgo(40), rule: 'unused-key', runId: RUN },
    status: 'Inactive',
    lastUsed: new Date('2026-02-01T00:00:00Z'),
    now: NOW,
    deleteAfterDays: 30,
    currentRunId: '20260601T120000Z-bbbbbb',
  };

  it('allows a key deactivated by an earlier run long enough ago, inactive and unused since', () => {
    expect(deletionBlocker(facts)).toBeNull();
    expect(deletionBlocker({ ...facts, currentRunId: null })).toBeNull();
    expect(deletionBlocker({ ...facts, lastUsed: null })).toBeNull();
    expect(
      deletionBlocker({ ...facts, deactivation: { ...facts.deactivation, date: daysAgo(30) } }),
    ).toBeNull();
  });

  it('names what blocks it', () => {
    expect(
      [
        { ...facts, deactivation: null },
        { ...facts, deactivation: { ...facts.deactivation, runId: null } },
        { ...facts, currentRunId: RUN },
        { ...facts, deactivation: { ...facts.deactivation, date: daysAgo(29) } },
        { ...facts, deactivation: { ...facts.deactivation, date: daysAgo(-2) } },
        { ...facts, status: 'Active' },
        { ...facts, lastUsed: new Date('2026-03-01T03:00:01Z') },
        { ...facts, deactivation: { ...facts.deactivation, runId: '20260231T030000Z-1a2b3c' } },
      ].map(deletionBlocker),
    ).toEqual([
      'no key-hygiene deactivation tag on the user for this key; delete it by hand if intended',
      'the deactivation tag names no run (written before run ids were recorded); delete it by hand if intended',
      'deactivated by this same run; only a later run may delete it',
      'deactivated 29 days ago, fewer than the 30 days CLEANUP_DAYS asks for',
      'deactivated 0 days ago, fewer than the 30 days CLEANUP_DAYS asks for',
      'the key is Active, not Inactive',
      `used on 2026-03-01, after run ${RUN} deactivated it; someone reactivated it since`,
      'used on 2026-02-01, after run 20260231T030000Z-1a2b3c deactivated it; someone reactivated it since',
    ]);
  });

  it('allows a use at the second the run started', () => {
    expect(deletionBlocker({ ...facts, lastUsed: new Date('2026-03-01T03:00:00Z') })).toBeNull();
  });

  it('reports the report-mode deletion in its own words', () => {
    expect(REPORT_MODE_DELETE_REASON).toBe('report mode: would delete');
  });
});

describe('Rules: edges the main rule tests leave open', () => {
  it('rotation-overdue skips a key without a creation date and one created after now', () => {
    // Prepare
    const keys = [
      makeKey({ ageDays: null }),
      makeKey({ ageDays: -1 }),
      makeKey({ accessKeyId: 'AKIAOLD0000000000001', ageDays: 91 }),
    ];
    // Act
    const findings = evaluateRule(rotationOverdueRule, makeUser({ keys }), makeContext());
    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      'Key AKIAOLD0000000000001 of alice is 91 days old, past the 90 days rotation period; rotate it: create a new key, move the workload, deactivate this one.',
    ]);
  });

  it('two-active-keys calls the key without a creation date the newer, in either order, and orders same-day keys by id', () => {
    // Prepare
    const undated = makeKey({ accessKeyId: 'AKIAAAA0000000000001', ageDays: null });
    const dated = makeKey({ accessKeyId: 'AKIAZZZ0000000000001', ageDays: 10 });
    const twinB = makeKey({ accessKeyId: 'AKIABBB0000000000001', ageDays: 10 });
    const twinA = makeKey({ accessKeyId: 'AKIAAAA0000000000002', ageDays: 10 });
    // Act
    const [mixed] = evaluateRule(twoActiveKeysRule, makeUser({ keys: [undated, dated] }), makeContext());
    const [mixedReversed] = evaluateRule(
      twoActiveKeysRule,
      makeUser({ keys: [dated, undated] }),
      makeContext(),
    );
    const [twins] = evaluateRule(twoActiveKeysRule, makeUser({ keys: [twinB, twinA] }), makeContext());
    const [twinsReversed] = evaluateRule(
      twoActiveKeysRule,
      makeUser({ keys: [twinA, twinB] }),
      makeContext(),
    );
    // Assess
    expect(mixed?.message).toBe(
      'alice has two active keys (AKIAZZZ0000000000001, created 2026-05-22, and AKIAAAA0000000000001); keep one: move the workload to AKIAAAA0000000000001, then deactivate AKIAZZZ0000000000001.',
    );
    expect(mixedReversed?.message).toBe(mixed?.message);
    expect(twins?.accessKeyId).toBe('AKIAAAA0000000000002');
    expect(twinsReversed?.accessKeyId).toBe('AKIAAAA0000000000002');
  });

  it('root-access-key names the key only when it knows it', () => {
    // Prepare
    const live = makeKey({ accessKeyId: null, slot: null, ageDays: null });
    const withId = makeKey({ accessKeyId: 'AKIAROOT000000000001', ageDays: null });
    // Act
    const messages = [live, withId].map(
      (key) => evaluateRule(rootAccessKeyRule, makeRoot([key]), makeContext())[0]?.message,
    );
    // Assess
    expect(messages).toEqual([
      'The root user has an active access key; sign in as root and delete it, and use IAM roles instead: root keys cannot be limited by any policy.',
      'The root user has an active access key (AKIAROOT000000000001); sign in as root and delete it, and use IAM roles instead: root keys cannot be limited by any policy.',
    ]);
  });

  it('never-used-key skips a key without a creation date, and promises no deactivation when unused-key is off', () => {
    // Prepare
    const off = makeSettings({ RULES_DISABLED: 'unused-key' });
    const key = makeKey({ accessKeyId: 'AKIANEW0000000000001', ageDays: 1 });
    // Act
    const undated = evaluateRule(
      neverUsedKeyRule,
      makeUser({ keys: [makeKey({ ageDays: null })] }),
      makeContext(),
    );
    const [oneDay] = evaluateRule(
      neverUsedKeyRule,
      makeUser({ keys: [key] }),
      makeContext(makeSettings({ RULES_DISABLED: 'unused-key', NEVER_USED_KEY_DAYS: '1' })),
    );
    const [aged] = evaluateRule(
      neverUsedKeyRule,
      makeUser({ keys: [makeKey({ ageDays: 200 })] }),
      makeContext(off),
    );
    // Assess
    expect(undated).toEqual([]);
    expect(oneDay?.message).toBe(
      'Key AKIANEW0000000000001 of alice was created 1 day ago and has never been used; delete it if nothing needs it.',
    );
    expect(aged?.message).toMatch(
      /was created 200 days ago and has never been used; delete it if nothing needs it\.$/,
    );
  });

  it('unused-key gives no verdict on a key with neither a creation date nor a use', () => {
    // Act
    const findings = evaluateRule(
      unusedKeyRule,
      makeUser({ keys: [makeKey({ ageDays: null })] }),
      makeContext(),
    );
    // Assess
    expect(findings).toEqual([]);
  });

  it('inactive-key-cleanup deletes only what an earlier run of ours deactivated, and describes each key', () => {
    // Prepare
    const settings = makeContext(
      makeSettings({ CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'key-hygiene-reports' }),
    );
    const ours = makeUser({
      userName: 'olga',
      tags: { 'key-hygiene:deactivated-AKIAOURS000000000001': `2026-03-01 unused-key ${RUN}` },
      keys: [makeKey({ accessKeyId: 'AKIAOURS000000000001', status: 'Inactive', ageDays: 400 })],
    });
    const bySlot = makeUser({
      userName: 'sly',
      tags: {
        'key-hygiene:deactivated-AKIALATER00000000001': '2026-04-01 rotation',
        'key-hygiene:deactivated-AKIAFIRST00000000001': '2026-03-01',
      },
      keys: [makeKey({ accessKeyId: null, slot: 1, status: 'Inactive', ageDays: 400, lastUsedDaysAgo: 100 })],
    });
    const undated = makeUser({ userName: 'una', keys: [makeKey({ status: 'Inactive', ageDays: null })] });
    const future = makeUser({ userName: 'fay', keys: [makeKey({ status: 'Inactive', ageDays: -5 })] });
    // Act
    const [olga] = evaluateRule(inactiveKeyCleanupRule, ours, settings);
    const [sly] = evaluateRule(inactiveKeyCleanupRule, bySlot, settings);
    const none = [undated, future].flatMap((user) => evaluateRule(inactiveKeyCleanupRule, user, settings));
    // Assess
    expect(olga).toMatchObject({
      action: 'delete',
      message:
        'Key AKIAOURS000000000001 of olga has been inactive since 2026-03-01 (unused-key) and has never been used since it was created 400 days ago; delete it.',
    });
    expect(sly).toMatchObject({
      action: 'notify',
      message:
        'Access key 1 of sly has been inactive since 2026-03-01 and was last used 100 days ago; delete it.',
    });
    expect(none).toEqual([]);
  });
});

describe('Rules: thresholds below the never-used grace period, and the warning window', () => {
  it('warns about a used key inside a short warning window', () => {
    // Prepare: deactivate at 5 days, warn from 3; the key was used 4 days ago.
    const settings = makeSettings({ UNUSED_KEY_DAYS: '5', UNUSED_KEY_WARN_DAYS: '3' });
    const user = makeUser({ keys: [makeKey({ ageDays: 300, lastUsedDaysAgo: 4 })] });
    // Act
    const findings = evaluateRule(unusedKeyRule, user, makeContext(settings));
    // Assess
    expect(findings.map((finding) => [finding.severity, finding.action])).toEqual([['low', 'notify']]);
    expect(isComingUp(findings[0] ?? { ruleId: 'unused-key', severity: 'high' })).toBe(true);
    expect(isComingUp({ ruleId: 'unused-key', severity: 'high' })).toBe(false);
    expect(isComingUp({ ruleId: 'rotation-overdue', severity: 'low' })).toBe(false);
  });

  it('refuses a warning day on or after the deactivation day, naming both', () => {
    // Act and assess
    expect(() => makeSettings({ UNUSED_KEY_DAYS: '30', UNUSED_KEY_WARN_DAYS: '30' })).toThrow(
      /expected fewer days than the unused-key threshold \(30\), got 30/,
    );
    expect(makeSettings({ UNUSED_KEY_DAYS: '30', UNUSED_KEY_WARN_DAYS: '29' }).rules.unusedKey.warnDays).toBe(
      29,
    );
  });

  it('judges a key created at the evaluation time itself', () => {
    // Act
    const keys = activeKeys(makeUser({ keys: [makeKey({ ageDays: 0 })] }), NOW);
    // Assess
    expect(keys).toHaveLength(1);
  });
});
