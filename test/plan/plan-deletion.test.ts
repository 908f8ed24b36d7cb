import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../src/evaluate/registry.js';
import { parseDeactivation } from '../../src/evaluate/tags.js';
import type { UserRecord } from '../../src/model.js';
import { plan } from '../../src/plan/plan.js';
import { REPORT_MODE_DELETE_REASON } from '../../src/plan/skip-reasons.js';
import { makeKey, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const RUN = '20260601T120000Z-aaaaaa';
const EARLIER_RUN = '20260401T030000Z-bbbbbb';
const KEY = 'AKIADELETE0000000001';

/** A user whose key key-hygiene deactivated in `runId` on `day`, last used long before. */
function deactivatedUser(tagValue: string | null, lastUsedDaysAgo = 200): UserRecord {
  return makeUser({
    userName: 'dora',
    keys: [makeKey({ accessKeyId: KEY, status: 'Inactive', ageDays: 400, lastUsedDaysAgo })],
    tags: tagValue === null ? {} : { [`key-hygiene:deactivated-${KEY}`]: tagValue },
  });
}

function planWith(users: UserRecord[], env: Record<string, string>, runId: string | null = RUN) {
  const settings = makeSettings({ CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'key-hygiene-reports', ...env });
  const findings = evaluateRules(users, { now: NOW, settings });
  return plan({ users, findings, errors: [], settings, now: NOW, selfAccessKeyId: null, runId });
}

describe('Function: plan (deletions)', () => {
  it('plans the deletion of a key key-hygiene deactivated in an earlier run 30 or more days ago', () => {
    // Act
    const result = planWith([deactivatedUser(`2026-04-01 unused-key ${EARLIER_RUN}`)], { MODE: 'enforce' });
    // Assess
    expect(result.actions).toEqual([
      {
        action: 'delete',
        ruleId: 'inactive-key-cleanup',
        userName: 'dora',
        key: { kind: 'id', accessKeyId: KEY },
        status: 'planned',
        reason: null,
        error: null,
      },
    ]);
  });

  it('plans it in report mode too, saying enforce would delete it', () => {
    // Act
    const result = planWith([deactivatedUser(`2026-04-01 unused-key ${EARLIER_RUN}`)], { MODE: 'report' });
    // Assess
    expect(result.actions.map((a) => [a.action, a.status, a.reason])).toEqual([
      ['delete', 'planned', REPORT_MODE_DELETE_REASON],
    ]);
  });

  it('never deletes a key whose tag names the current run', () => {
    // Act
    const result = planWith([deactivatedUser(`2026-04-01 unused-key ${RUN}`)], { MODE: 'enforce' });
    // Assess
    expect(result.actions).toEqual([
      expect.objectContaining({
        action: 'delete',
        status: 'skipped',
        reason: 'deactivated by this same run; only a later run may delete it',
      }),
    ]);
  });

  it('only notifies about keys without our tag, with a tag without a run id, or deactivated too recently', () => {
    // Prepare
    const cases = [
      deactivatedUser(null),
      deactivatedUser('2026-04-01 unused-key'),
      deactivatedUser(`2026-05-10 unused-key ${EARLIER_RUN}`),
    ];
    for (const user of cases) {
      // Act
      const result = planWith([user], { MODE: 'enforce' });
      // Assess
      expect(result.actions, JSON.stringify(user.tags)).toEqual([]);
    }
  });

  it('does not delete a key used after the run that deactivated it', () => {
    // Prepare: deactivated on 2026-04-01, used 40 days before NOW (2026-04-22).
    const user = deactivatedUser(`2026-04-01 unused-key ${EARLIER_RUN}`, 40);
    // Act
    const result = planWith([user], { MODE: 'enforce' });
    // Assess
    expect(result.actions).toEqual([]);
    expect(result.findings.map((f) => [f.ruleId, f.action])).toEqual([['inactive-key-cleanup', 'notify']]);
  });

  it('skips a deletion when the run id is unknown', () => {
    // Act
    const result = planWith(
      [deactivatedUser(`2026-04-01 unused-key ${EARLIER_RUN}`)],
      { MODE: 'enforce' },
      null,
    );
    // Assess
    expect(result.actions[0]?.status).toBe('skipped');
  });

  it('counts deletions against the blast-radius cap', () => {
    // Prepare: one deletion and one deactivation, cap 1.
    const stale = makeUser({
      userName: 'sam',
      keys: [makeKey({ accessKeyId: 'AKIASTALE00000000009', ageDays: 400, lastUsedDaysAgo: 200 })],
    });
    // Act
    const result = planWith([deactivatedUser(`2026-04-01 unused-key ${EARLIER_RUN}`), stale], {
      MODE: 'enforce',
      MAX_ACTIONS_PER_RUN: '1',
    });
    // Assess
    expect(result.actions.map((a) => [a.action, a.status])).toEqual([
      ['delete', 'skipped'],
      ['deactivate', 'skipped'],
    ]);
    expect(result.actions[0]?.reason).toBe(
      'blast-radius cap: 2 deactivations and deletions planned, more than the cap of 1 (MAX_ACTIONS_PER_RUN); none applied',
    );
    expect(result.findings[0]?.message).toMatch(
      /^2 keys are due for deactivation or deletion, .* none was deactivated or deleted;/,
    );
  });
});

describe('Function: parseDeactivation', () => {
  it('reads the three-part value and stays tolerant of the older two-part one', () => {
    // Assess
    expect(parseDeactivation(`2026-04-01 unused-key ${EARLIER_RUN}`)).toEqual({
      date: new Date('2026-04-01T00:00:00Z'),
      rule: 'unused-key',
      runId: EARLIER_RUN,
    });
    expect(parseDeactivation('2026-04-01 unused-key')).toEqual({
      date: new Date('2026-04-01T00:00:00Z'),
      rule: 'unused-key',
      runId: null,
    });
    expect(parseDeactivation('2026-04-01')).toEqual({
      date: new Date('2026-04-01T00:00:00Z'),
      rule: null,
      runId: null,
    });
    expect(parseDeactivation('sometime unused-key')).toBeNull();
  });
});
