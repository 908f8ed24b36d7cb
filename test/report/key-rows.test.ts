import { describe, expect, it } from 'vitest';
import { buildKeyRows } from '../../src/report/key-rows.js';
import { makeKey, makeRoot, makeUser } from '../evaluate/factories.js';
import { reportFor } from './audit-of.js';

describe('Function: buildKeyRows', () => {
  const stale = makeKey({ accessKeyId: 'AKIASTALE00000000001', ageDays: 400, lastUsedDaysAgo: 200 });
  const fresh = makeKey({ accessKeyId: 'AKIAFRESH00000000001', ageDays: 10, lastUsedDaysAgo: 1 });
  const exempt = makeKey({ accessKeyId: 'AKIAEXEMPT0000000001', ageDays: 400, lastUsedDaysAgo: 300 });
  const users = [
    makeUser({ userName: 'bob', tags: { team: 'payments' }, keys: [stale, fresh] }),
    makeUser({ userName: 'vault', tags: { 'key-hygiene:exempt': 'true', owner: 'secops' }, keys: [exempt] }),
    makeUser({ userName: 'nokeys' }),
    makeRoot([makeKey({ accessKeyId: null, slot: 1, ageDays: 2000, lastUsedDaysAgo: null })]),
  ];

  it('gives one row per key, in inventory order, with its findings most severe first and its action', () => {
    const rows = buildKeyRows(users, reportFor(users));
    expect(rows.map((r) => r.accessKeyId ?? `${r.userName}#${r.slot}`)).toEqual([
      'AKIASTALE00000000001',
      'AKIAFRESH00000000001',
      'AKIAEXEMPT0000000001',
      '<root_account>#1',
    ]);
    const [bobStale, bobFresh] = rows;
    expect(bobStale).toMatchObject({
      team: 'payments',
      status: 'Active',
      ageDays: 400,
      daysSinceLastUse: 200,
      findings: ['unused-key', 'rotation-overdue', 'two-active-keys'],
      severity: 'high',
      action: { action: 'deactivate', ruleId: 'unused-key', status: 'planned' },
      exemption: null,
    });
    expect(bobFresh?.findings).toEqual([]); // two-active-keys names the older key, the one to retire
    expect(bobFresh?.action).toBeNull();
  });

  it('marks exempt keys with the exemption and no action, and finds the root key by its slot', () => {
    const rows = buildKeyRows(users, reportFor(users, { MODE: 'enforce' }));
    expect(rows[2]).toMatchObject({
      team: 'secops',
      findings: [],
      action: null,
      exemption: { source: 'tag', matched: 'true' },
    });
    expect(rows[3]).toMatchObject({
      isRoot: true,
      daysSinceLastUse: 'never',
      findings: ['root-access-key'],
      severity: 'critical',
    });
  });

  it('finds the root key seen through GetAccountSummary, which has neither id nor slot', () => {
    const live = [
      makeRoot([makeKey({ accessKeyId: null, slot: null, ageDays: null, lastUsedDaysAgo: null })]),
    ];
    const rows = buildKeyRows(live, reportFor(live));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ isRoot: true, findings: ['root-access-key'], severity: 'critical' });
  });
});
