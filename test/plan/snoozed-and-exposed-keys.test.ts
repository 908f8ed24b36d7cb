import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../src/evaluate/registry.js';
import type { Finding, UserRecord } from '../../src/model.js';
import { type PlanInput, plan } from '../../src/plan/plan.js';
import type { SnoozeAnswer } from '../../src/plan/snoozes.js';
import { makeKey, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

// NOW is 2026-06-01T12:00:00Z.
const enforce = makeSettings({ MODE: 'enforce' });
const NONCE = 'nonce-0123456789abcdef';

/** A user whose `key-hygiene:snoozed` tag keeps `accessKeyId` until `until` by the answer NONCE. */
function snoozed(
  userName: string,
  accessKeyId: string,
  until: string,
  spec: Partial<UserRecord> = {},
): UserRecord {
  const user = makeUser({
    userName,
    tags: { 'key-hygiene:snoozed': `${accessKeyId}:${until}:1:${NONCE}` },
    keys: [makeKey({ accessKeyId, ageDays: 300, lastUsedDaysAgo: 200 })],
  });
  return { ...user, ...spec, tags: { ...user.tags, ...spec.tags } };
}

const answerFor = (userName: string, accessKeyId: string, until: string): SnoozeAnswer => ({
  userName,
  accessKeyId,
  until,
  who: 'sam@example.com',
  reason: 'nightly export moves next week',
  answeredAt: '2026-05-20T08:15:00.000Z',
});

function planFor(users: UserRecord[], options: Partial<PlanInput> = {}) {
  const findings = evaluateRules(users, { now: NOW, settings: enforce });
  return {
    findings,
    result: plan({
      users,
      findings,
      errors: [],
      settings: enforce,
      now: NOW,
      selfAccessKeyId: null,
      ...options,
    }),
  };
}

const only = (findings: readonly Finding[], ruleId: string) => {
  const found = findings.filter((finding) => finding.ruleId === ruleId);
  expect(found).toHaveLength(1);
  return found[0] as Finding;
};

describe('Plan: snoozed keys', () => {
  it('keeps a key whose snooze the answer record confirms, and shows the snooze on its finding', () => {
    // Prepare
    const key = 'AKIASAM0000000000001';
    const user = snoozed('sam', key, '2026-06-10');
    const snoozeAnswers = new Map([[NONCE, answerFor('sam', key, '2026-06-10')]]);
    // Act
    const { findings, result } = planFor([user], { snoozeAnswers });
    // Assess
    expect(result.actions).toEqual([
      {
        action: 'deactivate',
        ruleId: 'unused-key',
        userName: 'sam',
        key: { kind: 'id', accessKeyId: key },
        status: 'skipped',
        reason:
          'snoozed until 2026-06-10 by sam@example.com (answered 2026-05-20 on the answer page): nightly export moves next week',
        error: null,
      },
    ]);
    expect(only(result.findings, 'unused-key')).toEqual({
      ...only(findings, 'unused-key'),
      snooze: {
        until: '2026-06-10',
        who: 'sam@example.com',
        reason: 'nightly export moves next week',
        answeredAt: '2026-05-20T08:15:00.000Z',
      },
    });
  });

  it('deactivates a key whose snooze expired, and its finding says when the snooze ended', () => {
    // Prepare
    const key = 'AKIASAM0000000000002';
    const user = snoozed('sam', key, '2026-05-31');
    const snoozeAnswers = new Map([[NONCE, answerFor('sam', key, '2026-05-31')]]);
    // Act
    const { findings, result } = planFor([user], { snoozeAnswers });
    // Assess
    expect(result.actions.map((action) => [action.userName, action.status, action.reason])).toEqual([
      ['sam', 'planned', null],
    ]);
    const before = only(findings, 'unused-key');
    expect(only(result.findings, 'unused-key')).toEqual({
      ...before,
      message: `${before.message} Note: its snooze expired on 2026-05-31.`,
    });
  });

  it('ignores a snooze tag no answer record confirms: the key is deactivated and its finding says so', () => {
    // Prepare: no answer records at all (the default).
    const key = 'AKIASAM0000000000003';
    const user = snoozed('sam', key, '2026-06-10');
    // Act
    const { findings, result } = planFor([user]);
    // Assess
    expect(result.actions.map((action) => [action.userName, action.status, action.reason])).toEqual([
      ['sam', 'planned', null],
    ]);
    const before = only(findings, 'unused-key');
    expect(only(result.findings, 'unused-key')).toEqual({
      ...before,
      message: `${before.message} Note: the key-hygiene:snoozed tag keeps it until 2026-06-10, but no answer record in the report bucket confirms that, so it is ignored.`,
    });
  });

  it('adds no snooze note to a finding that deactivates nothing', () => {
    // Prepare: a key used yesterday but 400 days old: rotation-overdue notifies; its snooze expired.
    const key = 'AKIAROTA000000000001';
    const user = {
      ...snoozed('rota', key, '2026-05-31'),
      keys: [makeKey({ accessKeyId: key, ageDays: 400, lastUsedDaysAgo: 1 })],
    };
    // Act
    const { findings, result } = planFor([user]);
    // Assess
    expect(only(result.findings, 'rotation-overdue')).toEqual(only(findings, 'rotation-overdue'));
    expect(result.actions).toEqual([]);
  });
});

describe('Plan: exposed keys', () => {
  const QUARANTINE = 'AWSCompromisedKeyQuarantineV3';

  /** A user AWS quarantined, whose key `accessKeyId` (used yesterday) the responder recorded as exposed. */
  const exposed = (userName: string, accessKeyId: string, tags: Record<string, string> = {}): UserRecord =>
    makeUser({
      userName,
      managedPolicies: [QUARANTINE],
      tags: { [`key-hygiene:exposed-${accessKeyId}`]: '2026-05-31 exposed-key', ...tags },
      keys: [makeKey({ accessKeyId, ageDays: 30, lastUsedDaysAgo: 1 })],
    });

  it('reports an exempt user’s exposed key, acts on none, and tells the reader to deactivate it by hand', () => {
    // Prepare
    const key = 'AKIAEXEMPT0000000001';
    const user = exposed('exa', key, { 'key-hygiene:exempt': 'true' });
    // Act
    const { findings, result } = planFor([user]);
    // Assess
    const before = only(findings, 'exposed-key');
    expect(before.action).toBe('deactivate');
    expect(result.findings).toEqual([
      {
        ...before,
        action: 'notify',
        message: `${before.message} exa is exempt (tag true), so key-hygiene does not touch its keys: deactivate it by hand.`,
      },
    ]);
    expect(result.actions).toEqual([]);
  });

  it('deactivates an exposed key even when its owner snoozed it', () => {
    // Prepare
    const key = 'AKIAEXPOSED000000001';
    const user = exposed('exo', key, { 'key-hygiene:snoozed': `${key}:2026-06-10:1:${NONCE}` });
    const snoozeAnswers = new Map([[NONCE, answerFor('exo', key, '2026-06-10')]]);
    // Act
    const { result } = planFor([user], { snoozeAnswers });
    // Assess
    expect(
      result.actions.map((action) => [action.ruleId, action.userName, action.status, action.reason]),
    ).toEqual([['exposed-key', 'exo', 'planned', null]]);
  });
});
