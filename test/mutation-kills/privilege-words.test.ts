/**
 * How a finding says what its user can do, and how an IAM pattern matches an action: the exact
 * words and matches a reader relies on, each case one a survived mutant got wrong.
 */
import { describe, expect, it } from 'vitest';
import { keyFinding } from '../../src/evaluate/key-facts.js';
import type { Finding, FindingPrivilege } from '../../src/model.js';
import { actionMatches, witnessOf } from '../../src/privilege/action-pattern.js';
import { privilegeText } from '../../src/privilege/privilege-text.js';
import { makeKey, makeUser, NOW } from '../evaluate/factories.js';

const finding = (privilege: FindingPrivilege | undefined, ruleSeverity?: Finding['severity']): Finding => ({
  ...keyFinding(makeUser({ userName: 'ana' }), makeKey(), NOW, {
    ruleId: 'unused-key',
    controls: [],
    severity: 'high',
    action: 'deactivate',
    message: 'm',
  }),
  ...(privilege ? { privilege } : {}),
  ...(ruleSeverity ? { ruleSeverity } : {}),
});

describe('Function: privilegeText', () => {
  it('says a user allowed nothing is allowed nothing', () => {
    // Act
    const text = privilegeText(finding({ level: 'none', source: null, actions: [] }));
    // Assess
    expect(text).toBe('none: no policy allows anything');
  });

  it('names the level, the source and the actions joined by "with"', () => {
    // Act
    const text = privilegeText(
      finding({
        level: 'privilege-escalation',
        source: 'deploy',
        actions: ['iam:PassRole', 'lambda:CreateFunction'],
      }),
    );
    // Assess
    expect(text).toBe('privilege-escalation: deploy (iam:PassRole with lambda:CreateFunction)');
  });

  it('says "unknown" for a level read without a source, and adds no brackets without actions', () => {
    // Act
    const text = privilegeText(finding({ level: 'write', source: null, actions: [] }));
    // Assess
    expect(text).toBe('write: unknown');
  });

  it('says whether weighting raised or lowered the severity, from which', () => {
    // Act
    const raised = privilegeText(finding({ level: 'admin', source: 'Admins', actions: [] }, 'medium'));
    const lowered = privilegeText(finding({ level: 'none', source: null, actions: [] }, 'critical'));
    // Assess
    expect(raised).toBe('admin: Admins; severity raised from medium');
    expect(lowered).toBe('none: no policy allows anything; severity lowered from critical');
  });

  it('says nothing for a finding whose privilege was not read', () => {
    expect(privilegeText(finding(undefined))).toBeNull();
  });
});

describe('Function: actionMatches', () => {
  it('matches one character for "?", and not two', () => {
    expect(actionMatches('iam:?etUser', 'iam:GetUser')).toBe(true);
    expect(actionMatches('iam:?etUser', 'iam:GGetUser')).toBe(false);
  });

  it('reads ".", "+", "(" and "|" in a pattern as themselves, never as regular expression syntax', () => {
    expect(actionMatches('s3:Get.Object', 's3:GetObject')).toBe(false);
    expect(actionMatches('s3:Get.Object', 's3:Get.Object')).toBe(true);
    expect(actionMatches('s3:Get+', 's3:Gett')).toBe(false);
    expect(actionMatches('s3:(Get|Put)Object', 's3:GetObject')).toBe(false);
  });

  it('lets "*" match across any character, a line break included', () => {
    expect(actionMatches('iam:*', 'iam:Create\nUser')).toBe(true);
  });
});

describe('Function: witnessOf', () => {
  it('writes "Xx" for each "*" and "X" for each "?"', () => {
    expect(witnessOf('s3:*Object?')).toBe('s3:XxObjectX');
  });
});
