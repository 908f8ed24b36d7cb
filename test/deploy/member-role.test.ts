import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherPermissions, permissionsOf } from '../../scripts/permissions/registry.js';
import type { PermissionDeclaration } from '../../src/aws/permissions.js';
import { packagedResolver } from '../support/packaged-template.js';
import {
  asList,
  contextSatisfying,
  type PolicyDocument,
  type PolicyStatement,
  rolesUnderTest,
  simulateAs,
  simulate as simulateRole,
} from '../support/role-simulation.js';

// deploy/member-role.yml, held to the permissions the per-account audit declares (the
// organizationAuditAccount function's walk, its IAM calls and CloudTrail's LookupEvents: the only
// calls it makes with the member role's credentials), with the same IAM policy simulator as the
// auditor's own role.

const readConfiguration = createRequire(import.meta.url)('osls/lib/configuration/read.js') as (
  path: string,
) => Promise<Record<string, unknown>>;
const MEMBER_ROLE = fileURLToPath(new URL('../../deploy/member-role.yml', import.meta.url));

const resolver = packagedResolver();
// The simulator evaluates a call within one account: the member account stands in its place.
const MEMBER_ACCOUNT = resolver.deployment.accountId;
const PARTITION = 'aws';
const user = (name: string) => `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:user/${name}`;

interface Template {
  Parameters: Record<string, { Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
}

let template: Template;
let declared: PermissionDeclaration[];
/** The responder's IAM calls in a member account: all but the exposure tag, written in its own account only. */
let responderDeclared: PermissionDeclaration[];
/** The answer page's IAM calls in a member account (an owner's answer to a notice about its key). */
let pageDeclared: PermissionDeclaration[];
/** The StackSet's parameter values (the package test's params), else the template's defaults. */
let parameters: Record<string, string> = {};

const NO_VALUE = Symbol('AWS::NoValue');

function parameter(name: string): string {
  const value = parameters[name] ?? template.Parameters[name]?.Default;
  if (value === undefined) throw new Error(`member-role.yml: no value for parameter ${name}`);
  return value;
}

function holds(condition: unknown): boolean {
  const [[name, argument]] = Object.entries(condition as Record<string, unknown>) as [[string, unknown]];
  if (name === 'Condition') return holds(template.Conditions[argument as string]);
  if (name === 'Fn::Not') return !holds((argument as unknown[])[0]);
  if (name === 'Fn::Equals') {
    const [a, b] = (argument as unknown[]).map(resolve);
    return a === b;
  }
  throw new Error(`member-role.yml: teach this test the condition ${name}`);
}

/**
 * The member template's intrinsics for the member account (pseudo parameters, parameters, Sub,
 * If, Join, Split), as CloudFormation resolves them; `AWS::NoValue` removes the entry.
 */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    const [name, argument] = first as [string, unknown];
    switch (name) {
      case 'Ref':
        return argument === 'AWS::NoValue' ? NO_VALUE : parameter(argument as string);
      case 'Fn::Sub':
        return (argument as string)
          .replaceAll('${AWS::Partition}', PARTITION)
          .replaceAll('${AWS::AccountId}', MEMBER_ACCOUNT);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return resolve(holds({ Condition: condition }) ? whenTrue : whenFalse);
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown];
        return (resolve(items) as string[]).join(separator);
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(resolve(text)).split(separator);
      }
      default:
        throw new Error(`member-role.yml: teach this test the intrinsic ${name}`);
    }
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolve(v)] as const).filter(([, v]) => v !== NO_VALUE),
  );
}

/** The role's policies, with the cleanup policy when `cleanup` is on. */
function policies(cleanup: boolean): { name: string; policy: PolicyDocument }[] {
  const role = template.Resources.MemberRole?.Properties ?? {};
  const inline = (role.Policies as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
    name: p.PolicyName,
    policy: resolve(p.PolicyDocument) as PolicyDocument,
  }));
  const cleanupPolicy = template.Resources.KeyCleanupPolicy?.Properties;
  return cleanup && cleanupPolicy
    ? [
        ...inline,
        {
          name: String(cleanupPolicy.PolicyName),
          policy: resolve(cleanupPolicy.PolicyDocument) as PolicyDocument,
        },
      ]
    : inline;
}

const principal = `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/key-hygiene/KeyHygieneMemberRole`;
const simulate = (
  probe: { action: string; resource: string; context?: Record<string, string | string[]> },
  cleanup = true,
) => simulateAs(resolver, { principal, identityPolicies: policies(cleanup), probe });

const resourceOf = (d: PermissionDeclaration): string => {
  const resource = (d.example ?? d.resource)
    .replaceAll('${AWS::Partition}', PARTITION)
    .replaceAll('${AWS::AccountId}', MEMBER_ACCOUNT);
  return resource === '*' ? '*' : resource.replaceAll('*', 'example');
};

describe('Deployment: the member role (deploy/member-role.yml)', () => {
  beforeAll(async () => {
    template = (await readConfiguration(MEMBER_ROLE)) as unknown as Template;
    const stackSetParameters = resolver.resolve(
      resolver.template.Resources.MemberRoleStackSet?.Properties?.Parameters,
    ) as { ParameterKey: string; ParameterValue: string }[];
    parameters = Object.fromEntries(stackSetParameters.map((p) => [p.ParameterKey, p.ParameterValue]));
    const registry = await gatherPermissions();
    // Its IAM calls, and CloudTrail's LookupEvents: a member's event history is read with its
    // own credentials (usage evidence).
    declared = permissionsOf(registry, 'organizationAuditAccount').filter(
      (d) => (d.action.startsWith('iam:') || d.action === 'cloudtrail:LookupEvents') && d.grant !== false,
    );
    responderDeclared = permissionsOf(registry, 'exposedKeyResponder').filter(
      (d) =>
        d.action.startsWith('iam:') &&
        d.grant !== false &&
        !JSON.stringify(d.condition ?? {}).includes('key-hygiene:exposed-'),
    );
    pageDeclared = permissionsOf(registry, 'answerPage').filter(
      (d) => d.action.startsWith('iam:') && d.grant !== false,
    );
  });

  it('is named by a parameter (default KeyHygieneMemberRole), under /key-hygiene/, trusting only the auditor role it is given', () => {
    // Prepare
    const role = template.Resources.MemberRole?.Properties ?? {};
    // Assess
    expect(template.Parameters.MemberRoleName?.Default).toBe('KeyHygieneMemberRole');
    expect(role.RoleName).toEqual({ Ref: 'MemberRoleName' });
    expect(role.Path).toBe('/key-hygiene/');
    expect((role.AssumeRolePolicyDocument as PolicyDocument).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'AuditorRoleArns' } },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'sts:RoleSessionName': 'key-hygiene-*' } },
      },
    ]);
  });

  it.each([
    ['the per-account audit', () => declared],
    ["the exposed-key responder (a member account's exposed key)", () => responderDeclared],
    ["the answer page (a member account's link)", () => pageDeclared],
  ])('allows every IAM call %s declares, on the declared resources', async (_who, calls) => {
    // Prepare
    expect(calls().length).toBeGreaterThan(3);
    // Act
    const results = await Promise.all(
      calls().map(async (d) => [
        `${d.action} ${resourceOf(d)}`,
        await simulate({
          action: d.action,
          resource: resourceOf(d),
          context: contextSatisfying(d.condition),
        }),
      ]),
    );
    // Assess
    for (const [label, result] of results) expect(result, label).toBe('Allowed');
  });

  it('grants nothing the audit, the responder or the answer page does not declare', () => {
    // Prepare
    const statements: PolicyStatement[] = policies(true).flatMap((p) => p.policy.Statement);
    const actions = [...declared, ...responderDeclared, ...pageDeclared].map((d) => d.action);
    // Assess
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of asList(statement.Action)) {
        expect(actions, action).toContain(action);
      }
    }
  });

  it("writes only key-hygiene's own tag keys: the deactivation record and the owner's snooze", async () => {
    // Act
    const results = await Promise.all(
      [
        ['key-hygiene:snoozed'],
        ['key-hygiene:deactivated-by'],
        ['key-hygiene:snoozed', 'owner'],
        ['key-hygiene:exempt'],
        ['key-hygiene:snoozed-extra'],
      ].map((keys) =>
        simulate({ action: 'iam:TagUser', resource: user('alice'), context: { 'aws:TagKeys': keys } }),
      ),
    );
    // Assess
    expect(results).toEqual([
      'Allowed',
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
  });

  it('refuses what no key-hygiene role may do, deletion without cleanup, and any key change of an exempt user', async () => {
    // Act, Assess
    for (const [action, resource] of [
      ['iam:CreateAccessKey', user('alice')],
      ['iam:DeleteUser', user('alice')],
      ['iam:AttachUserPolicy', user('alice')],
      ['iam:PassRole', `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/admin`],
      ['iam:UpdateAccessKey', `arn:${PARTITION}:iam::999999999999:user/alice`],
    ] as const) {
      expect(await simulate({ action, resource }), action).not.toBe('Allowed');
    }
    expect(await simulate({ action: 'iam:DeleteAccessKey', resource: user('alice') }, false)).not.toBe(
      'Allowed',
    );
    const exempt = {
      'aws:ResourceTag/key-hygiene:exempt': 'TRUE',
      'iam:ResourceTag/key-hygiene:exempt': 'TRUE',
    };
    expect(
      await simulate({ action: 'iam:UpdateAccessKey', resource: user('break-glass'), context: exempt }),
    ).toBe('ExplicitlyDenied');
    expect(
      await simulate({ action: 'iam:DeleteAccessKey', resource: user('break-glass'), context: exempt }),
    ).toBe('ExplicitlyDenied');
    // Only the deactivation tag can be written.
    expect(
      await simulate({
        action: 'iam:TagUser',
        resource: user('alice'),
        context: { 'aws:TagKeys': ['key-hygiene:exempt'] },
      }),
    ).not.toBe('Allowed');
  });

  it('is rolled out to the organizationUnitIds as a service-managed StackSet with automatic deployment', async () => {
    // Prepare
    const { readFile } = await import('node:fs/promises');
    const stackSet = resolver.template.Resources.MemberRoleStackSet;
    const properties = stackSet?.Properties ?? {};
    // Assess
    expect(stackSet?.Condition).toBe('DeploysMemberRoles');
    expect(resolver.exists('MemberRoleStackSet')).toBe(true);
    expect(properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    expect(resolver.resolve(properties.StackInstancesGroup)).toEqual([
      {
        DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh34', 'ou-ab12-ijklmn56'] },
        Regions: ['us-east-1'],
      },
    ]);
    // The member roles trust the organization account audit's role, the responder's and the
    // answer page's (member accounts' links), no other.
    expect(resolver.resolve(properties.Parameters)).toContainEqual({
      ParameterKey: 'AuditorRoleArns',
      ParameterValue: [
        resolver.getAtt('OrganizationAuditAccountRole', 'Arn'),
        resolver.getAtt('ExposedKeyResponderRole', 'Arn'),
        resolver.getAtt('AnswerPageRole', 'Arn'),
      ].join(','),
    });
    expect(resolver.resolve(properties.Parameters)).toContainEqual({
      ParameterKey: 'AuditorEventBusArn',
      ParameterValue: `arn:aws:events:us-east-1:${resolver.deployment.accountId}:event-bus/default`,
    });
    // The exemptUsers and exemptPaths params, read as the settings read them.
    expect(resolver.resolve(properties.Parameters)).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'ExemptUsers', ParameterValue: 'backup,ci-*,svc-??' },
        { ParameterKey: 'ExemptPaths', ParameterValue: '/system/,/break-glass/' },
      ]),
    );
    expect(properties.TemplateBody).toBe(await readFile(MEMBER_ROLE, 'utf8'));
  });

  it.each([
    ['an exempt name at the root path', 'backup'],
    ['an exempt name under a path', 'team/backup'],
    ['a name matching an exempt glob', 'ci-deploy'],
    ['a name matching a ? glob', 'svc-01'],
    ['a user under an exempt path', 'system/batch'],
    ['a user under an exempt path given with its trailing slash', 'break-glass/admin'],
  ])('explicitly denies changing a key of %s (exemptUsers, exemptPaths): %s', async (_label, name) => {
    // Act
    const results = await Promise.all(
      ['iam:UpdateAccessKey', 'iam:DeleteAccessKey'].map((action) =>
        simulate({ action, resource: user(name) }),
      ),
    );
    // Assess
    expect(results).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
  });

  it('still lets the auditor change the keys of users the exemptions do not name', async () => {
    // Act
    const results = await Promise.all(
      ['alice', 'team/alice', 'ci', 'svc-123', 'systems/batch'].map((name) =>
        simulate({ action: 'iam:UpdateAccessKey', resource: user(name) }),
      ),
    );
    // Assess
    expect(results).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed', 'Allowed']);
  });

  it('has no Deny by name or path when the auditor has no exemptUsers or exemptPaths', () => {
    // Prepare
    const configured = parameters;
    parameters = { ...configured, ExemptUsers: '', ExemptPaths: '' };
    try {
      // Act
      const sids = policies(false).flatMap((p) => p.policy.Statement.map((st) => st.Sid));
      // Assess
      expect(sids).not.toContain('DenyKeyChangesOnExemptUserNames');
      expect(sids).not.toContain('DenyKeyChangesOnExemptPaths');
    } finally {
      parameters = configured;
    }
  });
  it("forwards the account's AWS Health exposed-key events to the auditor's bus, with a role that may put events there only", async () => {
    // Prepare
    const rule = template.Resources.ExposedKeyForwardRule;
    const role = template.Resources.ExposedKeyForwardRole;
    if (!rule || !role)
      throw new Error('no ExposedKeyForwardRule or ExposedKeyForwardRole in member-role.yml');
    const forwarder = `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/key-hygiene/forwarder`;
    // The simulator evaluates within one account: the auditor's bus stands in the member's.
    const auditorBus = `arn:aws:events:us-east-1:${MEMBER_ACCOUNT}:event-bus/default`;
    const policy = JSON.parse(
      JSON.stringify(
        (role.Properties.Policies as { PolicyDocument: unknown }[])[0]?.PolicyDocument,
      ).replaceAll('{"Ref":"AuditorEventBusArn"}', JSON.stringify(auditorBus)),
    ) as PolicyDocument;
    const putEvents = (resource: string) =>
      simulateAs(resolver, {
        principal: forwarder,
        identityPolicies: [{ name: 'forward', policy }],
        probe: { action: 'events:PutEvents', resource },
      });
    // Act
    const results = await Promise.all([
      putEvents(auditorBus),
      putEvents(`arn:aws:events:us-east-1:${MEMBER_ACCOUNT}:event-bus/other`),
    ]);
    // Assess: only when the auditor's bus is given, matched as the responder's own rule matches
    expect(template.Parameters.AuditorEventBusArn?.Default).toBe('');
    expect([rule.Condition, role.Condition]).toEqual(['ForwardsHealthEvents', 'ForwardsHealthEvents']);
    expect(rule.Properties).toMatchObject({
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.health'],
        'detail-type': ['AWS Health Event'],
        detail: { eventTypeCode: ['AWS_RISK_CREDENTIALS_EXPOSED'] },
      },
      Targets: [
        {
          Arn: { Ref: 'AuditorEventBusArn' },
          RoleArn: { 'Fn::GetAtt': ['ExposedKeyForwardRole', 'Arn'] },
        },
      ],
    });
    expect((role.Properties.AssumeRolePolicyDocument as PolicyDocument).Statement).toMatchObject([
      { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(results).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});

describe('Deployment: who may assume the member role', () => {
  const roles = rolesUnderTest(resolver);
  const roleNamed = (logicalId: string) => {
    const role = roles.find((r) => r.logicalId === logicalId);
    if (!role) throw new Error(`no role ${logicalId} in the packaged template`);
    return role;
  };
  const memberRole = `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/key-hygiene/KeyHygieneMemberRole`;
  const inOrganization = { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:ResourceOrgID': 'o-a1b2c3d4e5' };
  const assume = (logicalId: string, context: Record<string, string>) =>
    simulateRole(resolver, roleNamed(logicalId), { action: 'sts:AssumeRole', resource: memberRole, context });

  it('gives the organization account audit a role of its own', () => {
    // Assess
    expect(roleNamed('OrganizationAuditAccountRole').functions).toEqual(['organizationAuditAccount']);
    expect(roleNamed('IamRoleLambdaExecution').functions).not.toContain('organizationAuditAccount');
  });

  it('lets the account audit role assume it in an account of its own organization only', async () => {
    // Act
    const results = await Promise.all([
      assume('OrganizationAuditAccountRole', inOrganization),
      assume('OrganizationAuditAccountRole', { ...inOrganization, 'aws:ResourceOrgID': 'o-zz9y8x7w6v' }),
      assume('OrganizationAuditAccountRole', { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }),
    ]);
    // Assess
    expect(results).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it('lets the exposed-key responder assume it in an account of its own organization only', async () => {
    // Act
    const results = await Promise.all([
      assume('ExposedKeyResponderRole', inOrganization),
      assume('ExposedKeyResponderRole', { ...inOrganization, 'aws:ResourceOrgID': 'o-zz9y8x7w6v' }),
    ]);
    // Assess
    expect(results).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  it("lets the answer page assume it in an account of its own organization only (a member account's link)", async () => {
    // Act
    const results = await Promise.all([
      assume('AnswerPageRole', inOrganization),
      assume('AnswerPageRole', { ...inOrganization, 'aws:ResourceOrgID': 'o-zz9y8x7w6v' }),
    ]);
    // Assess
    expect(results).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  it('refuses the role IamRoleLambdaExecution (nightly, ad-hoc, listing, summary) even inside the organization', async () => {
    // Act
    const result = await assume('IamRoleLambdaExecution', inOrganization);
    // Assess
    expect(result).not.toBe('Allowed');
  });

  it('lets the listing assume exactly the organizationRoleArn, not the member roles', async () => {
    // Act
    const results = await Promise.all([
      simulateRole(resolver, roleNamed('IamRoleLambdaExecution'), {
        action: 'sts:AssumeRole',
        resource: `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/key-hygiene/KeyHygieneOrganizationRole`,
      }),
      simulateRole(resolver, roleNamed('IamRoleLambdaExecution'), {
        action: 'sts:AssumeRole',
        resource: `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/key-hygiene/Other`,
        context: inOrganization,
      }),
    ]);
    // Assess
    expect(results).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});
