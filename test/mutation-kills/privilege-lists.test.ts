/**
 * The privilege classifier's lists, one entry at a time: a user allowed a single escalation action,
 * `iam:PassRole` with a single service that runs code, or everything but one of the actions that
 * make an administrator. The lists are written out here, not imported: dropping an entry from the
 * code must fail a test. Severity follows privilege, so an entry lost lowers a finding's severity.
 */
import { describe, expect, it } from 'vitest';
import { classifyPrivilege } from '../../src/privilege/classify.js';
import type { PolicyDocument, PolicySource, PolicyStatement } from '../../src/privilege/policy-document.js';
import { CODE_RUNNERS, ESCALATION_ACTIONS } from '../support/privilege-actions.js';

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const inline = (name: string, ...statements: PolicyStatement[]): PolicySource => ({
  name,
  kind: 'inline',
  group: null,
  document: doc(...statements),
});
const allow = (Action: string, Resource = 'arn:aws:iam::111111111111:user/*'): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Action: string): PolicyStatement => ({ Effect: 'Deny', Action, Resource: '*' });

describe('Privilege: each action that escalates, runs code or makes an administrator', () => {
  it('calls each IAM action that grants more privilege-escalation, alone and on some resources only', () => {
    // Prepare
    const escalations = ESCALATION_ACTIONS;
    // Act
    const classified = escalations.map((action) => classifyPrivilege([inline('one', allow(action))]));
    // Assess
    expect(classified).toEqual(
      escalations.map((action) => ({
        level: 'privilege-escalation',
        source: 'inline policy one',
        actions: [action],
      })),
    );
  });

  it('calls iam:PassRole with each service that runs code privilege-escalation, and with one that does not a write', () => {
    // Prepare
    const runners = CODE_RUNNERS;
    const withPassRole = (action: string) =>
      classifyPrivilege([inline('pass', allow('iam:PassRole')), inline('run', allow(action, '*'))]);
    // Act
    const classified = runners.map(withPassRole);
    const invoke = withPassRole('lambda:InvokeFunction');
    // Assess
    expect(classified).toEqual(
      runners.map((runner) => ({
        level: 'privilege-escalation',
        source: 'inline policy pass',
        actions: ['iam:PassRole', runner],
      })),
    );
    expect(invoke.level).toBe('write');
  });

  it('does not call an Allow of * on * admin when any one administrator action is denied', () => {
    // Prepare: what an administrator can do that a lesser policy cannot (iam:CreateAccessKey is
    // still allowed, so each of these users can still escalate)
    const adminActions = [
      'iam:CreateUser',
      'iam:AttachUserPolicy',
      'iam:PassRole',
      'organizations:LeaveOrganization',
      's3:PutObject',
      'ec2:RunInstances',
      'kms:Decrypt',
    ];
    // Act
    const levels = adminActions.map(
      (action) => classifyPrivilege([inline('all', allow('*', '*')), inline('but', deny(action))]).level,
    );
    // Assess
    expect(levels).toEqual(adminActions.map(() => 'privilege-escalation'));
  });
});
