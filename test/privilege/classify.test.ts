import { describe, expect, it } from 'vitest';
import { classifyPrivilege, describePrivilege, isReadAction } from '../../src/privilege/classify.js';
import {
  type PolicyDocument,
  type PolicySource,
  type PolicyStatement,
  parsePolicyDocument,
} from '../../src/privilege/policy-document.js';
import { AWS_MANAGED_POLICIES } from '../../src/sandbox/aws-managed-policies.js';

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Deny',
  Action,
  Resource,
});
const inline = (name: string, document: PolicyDocument, group: string | null = null): PolicySource => ({
  name,
  kind: 'inline',
  group,
  document,
});
const managed = (name: string, group: string | null = null): PolicySource => {
  const policy = AWS_MANAGED_POLICIES.get(name);
  if (!policy) throw new Error(`no AWS-managed policy ${name} in the sandbox`);
  return { name, kind: 'managed', group, document: parsePolicyDocument(JSON.stringify(policy.document)) };
};

describe('Function: classifyPrivilege', () => {
  it('calls AdministratorAccess through a group admin, and says where it comes from', () => {
    // Act
    const privilege = classifyPrivilege([managed('AdministratorAccess', 'Admins')]);
    // Assess
    expect(privilege.level).toBe('admin');
    expect(describePrivilege(privilege)).toBe('admin: AdministratorAccess via group Admins');
  });

  it('calls an inline Allow of * on * admin', () => {
    expect(classifyPrivilege([inline('everything', doc(allow('*')))]).level).toBe('admin');
  });

  it('does not call an Allow of * on one bucket admin: it is a write', () => {
    const privilege = classifyPrivilege([inline('bucket', doc(allow('*', 'arn:aws:s3:::logs/*')))]);
    expect(privilege.level).toBe('privilege-escalation');
  });

  it('lets an explicit Deny override an Allow: AdministratorAccess with iam:* denied is no admin', () => {
    // Act
    const privilege = classifyPrivilege([
      managed('AdministratorAccess'),
      inline('no-iam', doc(deny('iam:*'))),
    ]);
    // Assess: everything but IAM is still a write, and PassRole is denied with the rest of IAM
    expect(privilege.level).toBe('write');
  });

  it('lets a Deny of * leave nothing', () => {
    expect(classifyPrivilege([managed('AdministratorAccess'), inline('nothing', doc(deny('*')))]).level).toBe(
      'none',
    );
  });

  it('ignores a Deny with a condition (it may not apply) and a Deny on some resources only', () => {
    // Prepare
    const conditional: PolicyStatement = {
      ...deny('*'),
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    };
    // Act
    const privilege = classifyPrivilege([
      managed('AdministratorAccess'),
      inline('mfa', doc(conditional)),
      inline('one-bucket', doc(deny('*', 'arn:aws:s3:::secrets/*'))),
    ]);
    // Assess
    expect(privilege.level).toBe('admin');
  });

  it.each([
    ['iam:CreateAccessKey'],
    ['iam:CreateLoginProfile'],
    ['iam:UpdateLoginProfile'],
    ['iam:AttachUserPolicy'],
    ['iam:AttachRolePolicy'],
    ['iam:PutGroupPolicy'],
    ['iam:CreatePolicyVersion'],
    ['iam:SetDefaultPolicyVersion'],
    ['iam:AddUserToGroup'],
    ['iam:UpdateAssumeRolePolicy'],
    ['iam:*'],
    ['iam:Attach*Policy'],
    ['iam:Put*'],
  ])('calls %s privilege escalation', (action) => {
    const privilege = classifyPrivilege([
      inline('p', doc(allow(action, 'arn:aws:iam::123456789012:user/*'))),
    ]);
    expect(privilege.level).toBe('privilege-escalation');
  });

  it('matches a wildcard in the middle of an action name (iam:*AccessKey*)', () => {
    // Act
    const privilege = classifyPrivilege([inline('keys', doc(allow('iam:*AccessKey*')))]);
    // Assess
    expect(privilege).toEqual({
      level: 'privilege-escalation',
      source: 'inline policy keys',
      actions: ['iam:CreateAccessKey'],
    });
  });

  it('matches action names without regard to case', () => {
    expect(classifyPrivilege([inline('p', doc(allow('IAM:createaccesskey')))]).level).toBe(
      'privilege-escalation',
    );
  });

  it('calls iam:PassRole escalation only with a service that runs code', () => {
    // Act
    const alone = classifyPrivilege([inline('p', doc(allow('iam:PassRole')))]);
    const withLambda = classifyPrivilege([
      inline('pass', doc(allow('iam:PassRole'))),
      inline('deploy', doc(allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))),
    ]);
    // Assess
    expect(alone.level).toBe('write');
    expect(withLambda).toEqual({
      level: 'privilege-escalation',
      source: 'inline policy pass',
      actions: ['iam:PassRole', 'lambda:CreateFunction'],
    });
  });

  it('reads NotAction as everything else: PowerUserAccess writes but cannot touch IAM', () => {
    // Act
    const privilege = classifyPrivilege([managed('PowerUserAccess', 'Developers')]);
    // Assess: no iam:PassRole (NotAction iam:*), so lambda:CreateFunction alone is no escalation
    expect(privilege).toEqual({
      level: 'write',
      source: 'PowerUserAccess via group Developers',
      actions: [],
    });
  });

  it('calls IAMFullAccess privilege escalation', () => {
    expect(classifyPrivilege([managed('IAMFullAccess')]).level).toBe('privilege-escalation');
  });

  it('calls ReadOnlyAccess read-only', () => {
    expect(describePrivilege(classifyPrivilege([managed('ReadOnlyAccess')]))).toBe(
      'read-only: ReadOnlyAccess',
    );
  });

  it('calls a pattern that can match a write (s3:*Object) a write, and s3:Get* a read', () => {
    expect(classifyPrivilege([inline('p', doc(allow('s3:*Object')))]).level).toBe('write');
    expect(classifyPrivilege([inline('p', doc(allow('s3:Get*')))]).level).toBe('read-only');
  });

  it('calls a user with no policy, or only Denies (a quarantine policy), none', () => {
    expect(classifyPrivilege([])).toEqual({ level: 'none', source: null, actions: [] });
    expect(classifyPrivilege([managed('AWSCompromisedKeyQuarantineV2')]).level).toBe('none');
  });

  it('lets the quarantine policy take escalation away from IAMFullAccess for the actions it denies', () => {
    // Act
    const privilege = classifyPrivilege([managed('IAMFullAccess'), managed('AWSCompromisedKeyQuarantineV3')]);
    // Assess: DeleteUserPermissionsBoundary is not in the quarantine policy's list
    expect(privilege).toEqual({
      level: 'privilege-escalation',
      source: 'IAMFullAccess',
      actions: ['iam:DeleteUserPermissionsBoundary'],
    });
  });

  describe('with a permissions boundary', () => {
    it('caps AdministratorAccess at what the boundary allows', () => {
      // Act
      const readOnly = classifyPrivilege(
        [managed('AdministratorAccess')],
        doc(allow(['s3:Get*', 's3:List*'])),
      );
      const s3 = classifyPrivilege([managed('AdministratorAccess')], doc(allow('s3:*')));
      // Assess
      expect(readOnly.level).toBe('read-only');
      expect(s3.level).toBe('write');
    });

    it('keeps admin when the boundary allows * on *', () => {
      expect(classifyPrivilege([managed('AdministratorAccess')], doc(allow('*'))).level).toBe('admin');
    });

    it('grants nothing the identity policies do not: a generous boundary adds no privilege', () => {
      expect(classifyPrivilege([managed('ReadOnlyAccess')], doc(allow('*'))).level).toBe('read-only');
    });

    it("honours the boundary's own Deny", () => {
      // Prepare
      const boundary = doc(allow('*'), deny('iam:*'));
      // Act
      const privilege = classifyPrivilege([managed('IAMFullAccess')], boundary);
      // Assess: what is left is IAMFullAccess's organizations:DescribeOrganization
      expect(privilege.level).toBe('read-only');
    });
  });

  it('names the first policy that grants the deciding action, directly attached or through a group', () => {
    // Act
    const privilege = classifyPrivilege([
      managed('ReadOnlyAccess'),
      inline('ops', doc(allow('iam:AttachUserPolicy')), 'Ops'),
    ]);
    // Assess
    expect(describePrivilege(privilege)).toBe(
      'privilege-escalation: inline policy ops via group Ops (iam:AttachUserPolicy)',
    );
  });
});

describe('Function: isReadAction', () => {
  it.each([
    ['s3:GetObject', true],
    ['ec2:DescribeInstances', true],
    ['dynamodb:BatchGetItem', true],
    ['cloudtrail:LookupEvents', true],
    ['s3:PutObject', false],
    ['iam:CreateUser', false],
    ['anything', false],
  ])('%s is a read: %s', (action, expected) => {
    expect(isReadAction(action)).toBe(expected);
  });
});

describe('Function: parsePolicyDocument', () => {
  it('decodes the URL-encoded JSON IAM returns', () => {
    // Prepare
    const encoded = encodeURIComponent(JSON.stringify(doc(allow('s3:GetObject'))));
    // Act
    const parsed = parsePolicyDocument(encoded);
    // Assess
    expect(parsed.Statement).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  });

  it('refuses a document without a Statement', () => {
    expect(() => parsePolicyDocument(encodeURIComponent('{"Version":"2012-10-17"}'))).toThrow(/no Statement/);
  });
});
