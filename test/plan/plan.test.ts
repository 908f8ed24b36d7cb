import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { keyRefLabel } from '../../src/key-ref.js';
import type { AuditError, Finding, UserRecord } from '../../src/model.js';
import { type PlanInput, plan } from '../../src/plan/plan.js';
import { REPORT_MODE_REASON } from '../../src/plan/skip-reasons.js';
import { makeKey, makeRoot, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

/** A user with one key unused for 200 days: unused-key deactivates it. */
function staleUser(userName: string, accessKeyId: string, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    ...makeUser({ userName, keys: [makeKey({ accessKeyId, ageDays: 60, lastUsedDaysAgo: 50 + 150 })] }),
    ...extra,
  };
}

/** The plan for these users, with their findings evaluated by the real rules. */
function planFor(
  users: UserRecord[],
  settings: Settings,
  options: Partial<Pick<PlanInput, 'errors' | 'selfAccessKeyId' | 'findings'>> = {},
) {
  const findings = options.findings ?? evaluateRules(users, { now: NOW, settings });
  return plan({
    users,
    findings,
    errors: options.errors ?? [],
    settings,
    now: NOW,
    selfAccessKeyId: options.selfAccessKeyId ?? null,
  });
}

const enforce = makeSettings({ MODE: 'enforce' });
const report = makeSettings({ MODE: 'report' });

function awsError(userName: string | null, accessKeyId: string | null, code: string): AuditError {
  return { userName, accessKeyId, operation: 'GetAccessKeyLastUsed', code, message: 'Rate exceeded' };
}

describe('Function: plan', () => {
  describe('modes', () => {
    it('plans a deactivation in enforce mode, for apply() to carry out', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001')];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.actions).toEqual([
        {
          action: 'deactivate',
          ruleId: 'unused-key',
          userName: 'alice',
          key: { kind: 'id', accessKeyId: 'AKIAALICE00000000001' },
          status: 'planned',
          reason: null,
          error: null,
        },
      ]);
    });

    it('in report mode marks every deactivation planned, saying report mode would deactivate it', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001'), staleUser('bob', 'AKIABOB0000000000001')];

      // Act
      const result = planFor(users, report);

      // Assess
      expect(result.actions.map((action) => [action.status, action.reason])).toEqual([
        ['planned', REPORT_MODE_REASON],
        ['planned', REPORT_MODE_REASON],
      ]);
      expect(REPORT_MODE_REASON).toBe('report mode: would deactivate');
    });

    it('gives no action to notify-only findings', () => {
      // Prepare: a key 100 days old, used yesterday: rotation-overdue only
      const users = [makeUser({ keys: [makeKey({ ageDays: 100, lastUsedDaysAgo: 1 })] })];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.findings.map((finding) => finding.ruleId)).toEqual(['rotation-overdue']);
      expect(result.actions).toEqual([]);
    });
  });

  describe('exemptions', () => {
    it('moves an exempt user out of the findings and into exempt, with the rules it suppressed, and never acts', () => {
      // Prepare
      const stale = makeKey({ accessKeyId: 'AKIALEGACY0000000001', ageDays: 400, lastUsedDaysAgo: 200 });
      const fresh = makeKey({ accessKeyId: 'AKIALEGACY0000000002', ageDays: 10, lastUsedDaysAgo: 1 });
      const legacy = makeUser({
        userName: 'legacy',
        keys: [stale, fresh],
        tags: {
          'key-hygiene:exempt': '2026-12-31',
          'key-hygiene:exempt-reason': 'vendor integration, SEC-7',
        },
      });
      const users = [legacy, staleUser('alice', 'AKIAALICE00000000001')];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.findings.every((finding) => finding.userName !== 'legacy')).toBe(true);
      expect(result.actions.map((action) => action.userName)).toEqual(['alice']);
      expect(result.exempt).toEqual([
        {
          userName: 'legacy',
          accessKeyId: 'AKIALEGACY0000000001',
          source: 'tag',
          matched: '2026-12-31',
          until: '2026-12-31',
          reason: 'vendor integration, SEC-7',
          suppressedRules: ['unused-key', 'rotation-overdue', 'two-active-keys'],
        },
        {
          userName: 'legacy',
          accessKeyId: 'AKIALEGACY0000000002',
          source: 'tag',
          matched: '2026-12-31',
          until: '2026-12-31',
          reason: 'vendor integration, SEC-7',
          suppressedRules: [],
        },
      ]);
    });

    it('exempts configured names, globs and paths', () => {
      // Prepare
      const settings = makeSettings({
        MODE: 'enforce',
        EXEMPT_USERS: 'backup,ci-*',
        EXEMPT_PATHS: '/system/',
      });
      const users = [
        staleUser('backup', 'AKIABACKUP0000000001'),
        staleUser('ci-deploy', 'AKIACIDEPLOY00000001'),
        staleUser('monitor', 'AKIAMONITOR000000001', { path: '/system/ops/' }),
        staleUser('alice', 'AKIAALICE00000000001'),
      ];

      // Act
      const result = planFor(users, settings);

      // Assess
      expect(result.exempt.map((entry) => [entry.userName, entry.source, entry.matched])).toEqual([
        ['backup', 'name', 'backup'],
        ['ci-deploy', 'glob', 'ci-*'],
        ['monitor', 'path', '/system/'],
      ]);
      expect(result.actions.map((action) => action.userName)).toEqual(['alice']);
    });

    it('still acts on a user whose dated exemption has expired, and says so in the finding', () => {
      // Prepare
      const users = [
        staleUser('alice', 'AKIAALICE00000000001', { tags: { 'key-hygiene:exempt': '2026-05-31' } }),
      ];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.exempt).toEqual([]);
      expect(result.actions[0]?.status).toBe('planned');
      expect(result.findings[0]?.message).toMatch(
        / Note: the tag key-hygiene:exempt expired on 2026-05-31\.$/,
      );
    });

    it('does not exempt a user whose exempt tag is unreadable, but surfaces the tag and leaves the key alone', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001', { tags: { 'key-hygiene:exempt': 'yes' } })];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.exempt).toEqual([]);
      expect(result.findings[0]?.message).toContain(
        'Note: the tag key-hygiene:exempt is "yes", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing.',
      );
      expect(result.actions[0]).toMatchObject({ status: 'skipped' });
      expect(result.actions[0]?.reason).toMatch(
        /^the tag key-hygiene:exempt is "yes".*; fix or remove the tag/,
      );
    });

    it('never exempts the root account', () => {
      // Prepare
      const settings = makeSettings({ EXEMPT_USERS: '?root_account?' });
      const root = {
        ...makeRoot([makeKey({ accessKeyId: null, ageDays: null })]),
        tags: { 'key-hygiene:exempt': 'true' },
      };

      // Act
      const result = planFor([root], settings);

      // Assess
      expect(result.exempt).toEqual([]);
      expect(result.findings.map((finding) => finding.ruleId)).toEqual(['root-access-key']);
    });
  });

  describe('blast-radius cap', () => {
    const threeStale = () => [
      staleUser('alice', 'AKIAALICE00000000001'),
      staleUser('bob', 'AKIABOB0000000000001'),
      staleUser('carol', 'AKIACAROL00000000001'),
    ];

    it('skips every deactivation when there are more than maxActionsPerRun, and raises a critical finding', () => {
      // Prepare
      const settings = makeSettings({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '2' });

      // Act
      const result = planFor(threeStale(), settings);

      // Assess
      expect(result.actions.map((action) => [action.status, action.reason])).toEqual(
        Array(3).fill([
          'skipped',
          'blast-radius cap: 3 deactivations planned, more than the cap of 2 (MAX_ACTIONS_PER_RUN); none applied',
        ]),
      );
      expect(result.findings[0]).toEqual({
        ruleId: 'blast-radius-cap',
        severity: 'critical',
        userName: null,
        controls: [],
        message:
          '3 keys are due for deactivation, more than the blast-radius cap of 2 per run (MAX_ACTIONS_PER_RUN), so none was deactivated; check the thresholds against the findings below, then raise MAX_ACTIONS_PER_RUN or deactivate the keys by hand.',
        action: 'notify',
      });
    });

    it('plans them all when the count equals the cap', () => {
      // Prepare
      const settings = makeSettings({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '3' });

      // Act
      const result = planFor(threeStale(), settings);

      // Assess
      expect(result.actions.map((action) => action.status)).toEqual(['planned', 'planned', 'planned']);
      expect(result.findings.some((finding) => finding.ruleId === 'blast-radius-cap')).toBe(false);
    });

    it('applies in report mode too, so the report shows what enforce would do', () => {
      // Prepare
      const settings = makeSettings({ MODE: 'report', MAX_ACTIONS_PER_RUN: '2' });

      // Act
      const result = planFor(threeStale(), settings);

      // Assess
      expect(result.actions.every((action) => action.status === 'skipped')).toBe(true);
      expect(result.findings[0]?.message).toContain('so enforce mode would deactivate none of them');
    });

    it('caps at a percentage of the active non-root keys, rounded down', () => {
      // Prepare: 3 stale + 22 healthy active keys = 25 active; 10% of 25 = 2.5, rounded down to 2
      const healthy = Array.from({ length: 11 }, (_, index) =>
        makeUser({
          userName: `user-${String(index).padStart(2, '0')}`,
          keys: [makeKey({ ageDays: 20, lastUsedDaysAgo: 1 }), makeKey({ ageDays: 20, lastUsedDaysAgo: 1 })],
        }),
      );
      const root = makeRoot([makeKey({ accessKeyId: null, ageDays: null })]);
      const settings = makeSettings({ MODE: 'enforce', MAX_ACTIONS_PERCENT: '10' });

      // Act
      const result = planFor([...threeStale(), ...healthy, root], settings, {
        findings: evaluateRules(threeStale(), { now: NOW, settings }),
      });

      // Assess
      expect(result.actions[0]?.reason).toBe(
        'blast-radius cap: 3 deactivations planned, more than the cap of 2 (MAX_ACTIONS_PERCENT 10% of 25 active keys); none applied',
      );
      expect(result.findings[0]?.message).toContain('raise MAX_ACTIONS_PERCENT');
    });

    it('uses maxActionsPerRun when it is the lower of the two caps', () => {
      // Prepare
      const settings = makeSettings({
        MODE: 'enforce',
        MAX_ACTIONS_PER_RUN: '2',
        MAX_ACTIONS_PERCENT: '100',
      });

      // Act
      const result = planFor(threeStale(), settings);

      // Assess
      expect(result.actions[0]?.reason).toContain('cap of 2 (MAX_ACTIONS_PER_RUN)');
    });

    it('does not count actions already skipped for another reason', () => {
      // Prepare
      const settings = makeSettings({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '2' });

      // Act
      const result = planFor(threeStale(), settings, { selfAccessKeyId: 'AKIABOB0000000000001' });

      // Assess
      expect(result.actions.map((action) => [action.userName, action.status])).toEqual([
        ['alice', 'planned'],
        ['bob', 'skipped'],
        ['carol', 'planned'],
      ]);
    });
  });

  describe('per-key safeguards', () => {
    it('never deactivates the key the auditor is signed with', () => {
      // Prepare
      const users = [staleUser('auditor', 'AKIAAUDITOR000000001')];

      // Act
      const result = planFor(users, enforce, { selfAccessKeyId: 'AKIAAUDITOR000000001' });

      // Assess
      expect(result.actions).toEqual([
        expect.objectContaining({ status: 'skipped', reason: 'the auditor is signed with this key' }),
      ]);
    });

    it('does not act on a key after an error reading it', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001'), staleUser('bob', 'AKIABOB0000000000001')];
      const errors = [awsError('alice', 'AKIAALICE00000000001', 'Throttling')];

      // Act
      const result = planFor(users, enforce, { errors });

      // Assess
      expect(result.actions.map((action) => [action.userName, action.status, action.reason])).toEqual([
        ['alice', 'skipped', 'an error occurred reading this key: Throttling'],
        ['bob', 'planned', null],
      ]);
    });

    it('does not act on any key of a user after a user-level error (for example its tags could not be read)', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001')];
      const errors = [
        { ...awsError('alice', null, 'ServiceFailure'), operation: 'ListUserTags' },
        { ...awsError('alice', null, 'AccessDenied'), operation: 'ListUserTags' },
        awsError(null, null, 'Throttling'),
      ];

      // Act
      const result = planFor(users, enforce, { errors });

      // Assess
      expect(result.actions[0]?.reason).toBe(
        'an error occurred reading this key: ServiceFailure, AccessDenied',
      );
    });

    it("names the key's and the user's read errors in the order they were recorded, each code once", () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001'), staleUser('bob', 'AKIABOB0000000000001')];
      const errors = [
        awsError('alice', 'AKIAALICE00000000001', 'Throttling'),
        awsError('bob', 'AKIABOB0000000000001', 'AccessDenied'),
        { ...awsError('alice', null, 'ServiceFailure'), operation: 'ListUserTags' },
        awsError('alice', 'AKIAALICE00000000001', 'Throttling'),
      ];

      // Act
      const result = planFor(users, enforce, { errors });

      // Assess
      expect(result.actions.map((action) => [action.userName, action.reason])).toEqual([
        ['alice', 'an error occurred reading this key: Throttling, ServiceFailure'],
        ['bob', 'an error occurred reading this key: AccessDenied'],
      ]);
    });

    it('skips a key known only by its credential-report slot: key id unknown', () => {
      // Prepare
      const key = makeKey({ accessKeyId: null, slot: 1, ageDays: 400, lastUsedDaysAgo: 200 });
      const users = [makeUser({ userName: 'alice', keys: [key] })];

      // Act
      const result = planFor(users, enforce);

      // Assess
      expect(result.actions).toEqual([
        expect.objectContaining({
          status: 'skipped',
          key: { kind: 'slot', slot: 1 },
          reason: expect.stringMatching(/^key id unknown/),
        }),
      ]);
    });

    it('plans or skips slot-only keys as the caller says, when it resolves them before applying', () => {
      // Prepare
      const key = makeKey({ accessKeyId: null, slot: 2, ageDays: 400, lastUsedDaysAgo: 200 });
      const users = [
        makeUser({ userName: 'alice', keys: [key] }),
        makeUser({ userName: 'bob', keys: [key] }),
      ];
      const findings = evaluateRules(users, { now: NOW, settings: enforce });
      const input = { users, findings, errors: [], settings: enforce, now: NOW, selfAccessKeyId: null };

      // Act
      const toResolve = plan({ ...input, unresolvedKeyReason: () => null });
      const afterBudget = plan({
        ...input,
        unresolvedKeyReason: (name) => (name === 'bob' ? 'out of time' : null),
      });

      // Assess
      expect(toResolve.actions.map((a) => [a.userName, keyRefLabel(a.key), a.status])).toEqual([
        ['alice', '(slot 2)', 'planned'],
        ['bob', '(slot 2)', 'planned'],
      ]);
      expect(afterBudget.actions.map((a) => [a.userName, a.status, a.reason])).toEqual([
        ['alice', 'planned', null],
        ['bob', 'skipped', 'out of time'],
      ]);
    });

    it('gives one action to a key that several deactivate findings target, attributed to the most severe', () => {
      // Prepare
      const users = [staleUser('alice', 'AKIAALICE00000000001')];
      const findings = evaluateRules(users, { now: NOW, settings: enforce });
      const unused = findings.find((finding) => finding.ruleId === 'unused-key') as Finding;
      const duplicate: Finding = { ...unused, ruleId: 'never-used-key', severity: 'medium' };

      // Act
      const result = planFor(users, enforce, { findings: [duplicate, ...findings] });

      // Assess
      expect(result.actions).toHaveLength(1);
      expect(result.actions[0]?.ruleId).toBe('unused-key');
    });

    it('never gives a deactivate action to an inactive key, so a second run plans nothing new', () => {
      // Prepare: the first run's finding, replayed after the key was deactivated
      const before = [staleUser('alice', 'AKIAALICE00000000001')];
      const findings = evaluateRules(before, { now: NOW, settings: enforce });
      const after = [
        makeUser({
          userName: 'alice',
          keys: [
            makeKey({
              accessKeyId: 'AKIAALICE00000000001',
              status: 'Inactive',
              ageDays: 60,
              lastUsedDaysAgo: 200,
            }),
          ],
        }),
      ];
      const inactiveFinding = findings.map((finding) => ({ ...finding, keyStatus: 'Inactive' as const }));

      // Act
      const stale = planFor(after, enforce, { findings });
      const replayed = planFor(after, enforce, { findings: inactiveFinding });
      const fresh = planFor(after, enforce);

      // Assess
      expect(stale.actions).toEqual([]);
      expect(replayed.actions).toEqual([]);
      expect(fresh.actions).toEqual([]);
    });

    it('never deactivates a root key, even if asked to', () => {
      // Prepare
      const root = makeRoot([
        makeKey({ accessKeyId: 'AKIAROOT000000000001', ageDays: 400, lastUsedDaysAgo: 200 }),
      ]);
      const [rootFinding] = evaluateRules([root], { now: NOW, settings: enforce });
      const forged: Finding = { ...(rootFinding as Finding), action: 'deactivate' };

      // Act
      const result = planFor([root], enforce, { findings: [forged] });

      // Assess
      expect(result.actions).toEqual([
        expect.objectContaining({
          status: 'skipped',
          reason: expect.stringMatching(/^the root account is never changed/),
        }),
      ]);
    });
  });

  it('returns findings sorted by severity, the safeguard finding first', () => {
    // Prepare
    const settings = makeSettings({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1' });
    const users = [
      makeUser({ userName: 'zed', keys: [makeKey({ ageDays: 8, lastUsedDaysAgo: null })] }),
      staleUser('bob', 'AKIABOB0000000000001'),
      staleUser('alice', 'AKIAALICE00000000001'),
      makeRoot([makeKey({ accessKeyId: null, ageDays: null })]),
    ];

    // Act
    const result = planFor(users, settings);

    // Assess
    expect(result.findings.map((finding) => [finding.severity, finding.ruleId, finding.userName])).toEqual([
      ['critical', 'blast-radius-cap', null],
      ['critical', 'root-access-key', '<root_account>'],
      ['high', 'unused-key', 'alice'],
      ['high', 'unused-key', 'bob'],
      ['medium', 'never-used-key', 'zed'],
    ]);
  });

  it('does not modify its input', () => {
    // Prepare
    const users = [
      staleUser('alice', 'AKIAALICE00000000001', { tags: { 'key-hygiene:exempt': 'yes' } }),
      staleUser('bob', 'AKIABOB0000000000001', { tags: { 'key-hygiene:exempt': 'true' } }),
    ];
    const findings = evaluateRules(users, { now: NOW, settings: enforce });
    const snapshot = structuredClone({ users, findings });

    // Act
    planFor(users, enforce, { findings });

    // Assess
    expect({ users, findings }).toEqual(snapshot);
  });
});
