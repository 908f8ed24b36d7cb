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
  simulateAs,
} from '../support/role-simulation.js';

// deploy/member-role.yml, held to the permissions the per-account audit declares (the
// organizationAuditAccount function's walk, its IAM calls: the only calls it makes with the member
// role's credentials), with the same IAM policy simulator as the auditor's own role.

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
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
}

/** `!Sub` of the member account's pseudo parameters; the rest of the policy is plain. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
    if (entries.length === 1 && typeof sub === 'string') {
      return sub.replaceAll('${AWS::Partition}', PARTITION).replaceAll('${AWS::AccountId}', MEMBER_ACCOUNT);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

let template: Template;
let declared: PermissionDeclaration[];
/** The responder's IAM calls in a member account: all but the exposure tag, written in its own account only. */
let responderDeclared: PermissionDeclaration[];

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
    const registry = await gatherPermissions();
    declared = permissionsOf(registry, 'organizationAuditAccount').filter(
      (d) => d.action.startsWith('iam:') && d.grant !== false,
    );
    responderDeclared = permissionsOf(registry, 'exposedKeyResponder').filter(
      (d) =>
        d.action.startsWith('iam:') &&
        d.grant !== false &&
        !JSON.stringify(d.condition ?? {}).includes('key-hygiene:exposed-'),
    );
  });

  it('is named by a parameter (default KeyHygieneMemberRole), under /key-hygiene/, trusting only the auditor role(s)', () => {
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
  ])('allows every IAM call %s declares, on the declared resources', async (_who, calls) => {
    // Prepare
    expect(calls().length).toBeGreaterThan(5);
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

  it('grants nothing the audit does not declare', () => {
    // Prepare
    const statements: PolicyStatement[] = policies(true).flatMap((p) => p.policy.Statement);
    // Assess
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of asList(statement.Action)) {
        expect(
          declared.map((d) => d.action),
          action,
        ).toContain(action);
      }
    }
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
    expect(stackSet?.Condition).toBe('HasOrganizationUnits');
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
    // The audit's role, and the responder's, which acts on member accounts' exposed keys.
    expect(resolver.resolve(properties.Parameters)).toContainEqual({
      ParameterKey: 'AuditorRoleArns',
      ParameterValue: [
        resolver.getAtt('IamRoleLambdaExecution', 'Arn'),
        resolver.getAtt('ExposedKeyResponderRole', 'Arn'),
      ].join(','),
    });
    expect(resolver.resolve(properties.Parameters)).toContainEqual({
      ParameterKey: 'AuditorEventBusArn',
      ParameterValue: `arn:aws:events:us-east-1:${resolver.deployment.accountId}:event-bus/default`,
    });
    expect(properties.TemplateBody).toBe(await readFile(MEMBER_ROLE, 'utf8'));
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
