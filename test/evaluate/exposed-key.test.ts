import { describe, expect, it } from 'vitest';
import { exposedKeyRule } from '../../src/evaluate/exposed-key.js';
import { evaluateRule, makeContext, makeKey, makeSettings, makeUser } from './factories.js';

const LEAKED = 'AKIALEAKED0000000001';
const OTHER = 'AKIALEAKED0000000002';

describe('Rule: exposed-key', () => {
  it('raises a critical finding on each active key of a user carrying a quarantine policy, naming them all', () => {
    // Prepare
    const user = makeUser({
      userName: 'ci-bot',
      managedPolicies: ['ReadOnlyAccess', 'AWSCompromisedKeyQuarantineV2'],
      keys: [
        makeKey({ accessKeyId: LEAKED }),
        makeKey({ accessKeyId: OTHER }),
        makeKey({ status: 'Inactive' }),
      ],
    });
    // Act
    const findings = evaluateRule(exposedKeyRule, user);
    // Assess: no Health record, so nothing says which key leaked: notify, never guess
    expect(findings.map((f) => [f.accessKeyId, f.severity, f.action])).toEqual([
      [LEAKED, 'critical', 'notify'],
      [OTHER, 'critical', 'notify'],
    ]);
    expect(findings[0]?.message).toBe(
      `AWS attached AWSCompromisedKeyQuarantineV2 to ci-bot: one of its keys was found in public. Active keys: ${LEAKED} and ${OTHER}. The AWS Health event AWS_RISK_CREDENTIALS_EXPOSED names the exposed one (key-hygiene does not guess): deactivate that key, then rotate: create a new key, move the workloads to it, delete the exposed one, then detach AWSCompromisedKeyQuarantineV2.`,
    );
  });

  it.each(['AWSCompromisedKeyQuarantine', 'AWSCompromisedKeyQuarantineV3', 'AWSCompromisedKeyQuarantineV4'])(
    'recognises %s',
    (policy) => {
      const user = makeUser({ managedPolicies: [policy], keys: [makeKey()] });
      expect(evaluateRule(exposedKeyRule, user)).toHaveLength(1);
    },
  );

  it('asks to deactivate exactly the key the responder recorded from the AWS Health event', () => {
    // Prepare
    const user = makeUser({
      userName: 'ci-bot',
      managedPolicies: ['AWSCompromisedKeyQuarantineV3'],
      tags: { [`key-hygiene:exposed-${LEAKED}`]: '2026-05-30 20260530T101500Z-abc123' },
      keys: [makeKey({ accessKeyId: LEAKED, lastUsedDaysAgo: 0 }), makeKey({ accessKeyId: OTHER })],
    });
    // Act
    const findings = evaluateRule(exposedKeyRule, user);
    // Assess
    expect(findings.map((f) => [f.accessKeyId, f.action])).toEqual([
      [LEAKED, 'deactivate'],
      [OTHER, 'notify'],
    ]);
    expect(findings[0]?.message).toMatch(
      /^AWS Health reported key AKIALEAKED0000000001 of ci-bot as exposed in public \(recorded 2026-05-30\)/,
    );
  });

  it('only notifies about the recorded key when EXPOSED_KEY_ACTION is notify', () => {
    // Prepare
    const user = makeUser({
      managedPolicies: ['AWSCompromisedKeyQuarantineV3'],
      tags: { [`key-hygiene:exposed-${LEAKED}`]: '2026-05-30 20260530T101500Z-abc123' },
      keys: [makeKey({ accessKeyId: LEAKED })],
    });
    // Act
    const findings = evaluateRule(
      exposedKeyRule,
      user,
      makeContext(makeSettings({ EXPOSED_KEY_ACTION: 'notify' })),
    );
    // Assess
    expect(findings.map((f) => f.action)).toEqual(['notify']);
    expect(findings[0]?.message).toContain('deactivate it now, then rotate');
  });

  it('says nothing without a quarantine policy, without active keys, or when disabled', () => {
    // Prepare
    const clean = makeUser({ managedPolicies: ['AdministratorAccess'], keys: [makeKey()] });
    const noActive = makeUser({
      managedPolicies: ['AWSCompromisedKeyQuarantineV2'],
      keys: [makeKey({ status: 'Inactive' })],
    });
    const quarantined = makeUser({ managedPolicies: ['AWSCompromisedKeyQuarantineV2'], keys: [makeKey()] });
    const disabled = makeContext(makeSettings({ RULES_DISABLED: 'exposed-key' }));
    // Act & Assess
    expect(evaluateRule(exposedKeyRule, clean)).toEqual([]);
    expect(evaluateRule(exposedKeyRule, noActive)).toEqual([]);
    expect(evaluateRule(exposedKeyRule, quarantined, disabled)).toEqual([]);
  });
});
