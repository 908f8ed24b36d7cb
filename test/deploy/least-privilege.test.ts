import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { gatherPermissions } from '../../scripts/permissions/registry.js';
import type { PermissionDeclaration } from '../../src/aws/permissions.js';
import { packagedResolver } from '../support/packaged-template.js';
import {
  asList,
  contextSatisfying,
  declarationsOf,
  type PolicyStatement,
  type Probe,
  type RoleUnderTest,
  resolveCondition,
  resolveDeclared,
  rolesUnderTest,
  simulate,
  templateFunctionNames,
} from '../support/role-simulation.js';

// Every IAM role of the packaged CloudFormation, evaluated by @cloud-copilot/iam-simulate against
// the permissions the code declares (gathered from each handler's imports by
// scripts/permissions/registry.ts). A new declaration, function or role is picked up without
// editing this file.

const registry = await gatherPermissions();
const resolver = packagedResolver();
const roles = rolesUnderTest(resolver);
const { partition, region, accountId } = resolver.deployment;
const OTHER_ACCOUNT = '210987654321';
const user = (name: string) => `arn:${partition}:iam::${accountId}:user/${name}`;
/** The request context AWS builds for an IAM user tagged key-hygiene:exempt=<value>: both keys. */
const taggedExempt = (value: string) => ({
  'aws:ResourceTag/key-hygiene:exempt': value,
  'iam:ResourceTag/key-hygiene:exempt': value,
});

function statementsOf(role: RoleUnderTest): PolicyStatement[] {
  return role.policies.flatMap((p) => p.policy.Statement);
}

/** The concrete resource a declaration is simulated on: its example, or its pattern with names for `*`. */
function probeFor(declaration: PermissionDeclaration): Probe {
  const resource = resolveDeclared(resolver, declaration.example ?? declaration.resource);
  return {
    action: declaration.action,
    resource: resource === '*' ? '*' : resource.replaceAll('*', 'example'),
    context: contextSatisfying(resolveCondition(resolver, declaration.condition)),
  };
}

/** What no role of key-hygiene may ever do, whatever the code declares. */
function denyProbes(role: RoleUnderTest): (Probe & { label: string })[] {
  const alice = user('alice');
  const probes: (Probe & { label: string })[] = [
    { label: 'delete a user', action: 'iam:DeleteUser', resource: alice },
    { label: 'create an access key', action: 'iam:CreateAccessKey', resource: alice },
    { label: 'attach a policy to a user', action: 'iam:AttachUserPolicy', resource: alice },
    { label: 'put an inline policy on a user', action: 'iam:PutUserPolicy', resource: alice },
    { label: 'pass its own role', action: 'iam:PassRole', resource: role.arn },
    {
      label: 'pass another role',
      action: 'iam:PassRole',
      resource: `arn:${partition}:iam::${accountId}:role/admin`,
    },
    {
      label: 'reactivate a key of a user in another account',
      action: 'iam:UpdateAccessKey',
      resource: `arn:${partition}:iam::${OTHER_ACCOUNT}:user/alice`,
    },
    {
      label: 'publish to another topic',
      action: 'sns:Publish',
      resource: `arn:${partition}:sns:${region}:${accountId}:other-topic`,
    },
    {
      label: 'use another KMS key',
      action: 'kms:Decrypt',
      resource: `arn:${partition}:kms:${region}:${accountId}:key/11111111-2222-4333-8444-555555555555`,
    },
  ];
  const statements = statementsOf(role).filter((s) => s.Effect === 'Allow');
  const allowed = statements.flatMap((s) => asList(s.Action));
  if (allowed.some((a) => a.startsWith('sqs:'))) {
    probes.push({
      label: 'send to another queue',
      action: 'sqs:SendMessage',
      resource: `arn:${partition}:sqs:${region}:${accountId}:other-queue`,
    });
  }
  // Once the role may import findings, only into this account's own product.
  if (allowed.includes('securityhub:BatchImportFindings')) {
    probes.push(
      {
        label: "import findings into another account's product",
        action: 'securityhub:BatchImportFindings',
        resource: `arn:${partition}:securityhub:${region}:${OTHER_ACCOUNT}:product/${OTHER_ACCOUNT}/default`,
      },
      {
        label: "import findings as another company's product",
        action: 'securityhub:BatchImportFindings',
        resource: `arn:${partition}:securityhub:${region}:${accountId}:product/prowler/prowler`,
      },
      {
        label: 'change the triage of findings',
        action: 'securityhub:BatchUpdateFindings',
        resource: `arn:${partition}:securityhub:${region}:${accountId}:hub/default`,
      },
    );
  }
  // Once any statement touches S3, writes outside the report prefix of its buckets must be refused.
  const s3Resources = statements
    .filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')))
    .flatMap((s) => asList(s.Resource));
  const buckets = new Set(s3Resources.map((r) => /^arn:[^:]+:s3:::([^/]+)/.exec(r)?.[1] ?? r));
  for (const bucket of buckets) {
    const object = (key: string) => `arn:${partition}:s3:::${bucket}/${key}`;
    probes.push(
      { label: 'write outside the report prefix', action: 's3:PutObject', resource: object('outside.json') },
      {
        label: 'write next to the report prefix',
        action: 's3:PutObject',
        resource: object('reports-other/run.json'),
      },
      {
        label: 'write to another bucket',
        action: 's3:PutObject',
        resource: `arn:${partition}:s3:::other-${bucket}/reports/run.json`,
      },
      { label: 'delete an archived report', action: 's3:DeleteObject', resource: object('reports/run.json') },
      {
        label: 'change the bucket policy',
        action: 's3:PutBucketPolicy',
        resource: `arn:${partition}:s3:::${bucket}`,
      },
    );
  }
  return probes;
}

describe('Least privilege: the packaged roles, evaluated by an IAM policy simulator', () => {
  it('finds the roles and gives every function of the template a permission list, and every list a function', () => {
    // Assess
    expect(roles.length).toBeGreaterThan(0);
    expect(templateFunctionNames(resolver).sort()).toEqual(registry.functions.map((f) => f.name).sort());
  });

  it('walks each function from the handler the packaged template runs', () => {
    // Prepare
    const prefix = `${resolver.stackName}-`;
    const handlers = Object.entries(resolver.template.Resources)
      .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && resolver.exists(id))
      .map(([id, r]) => ({
        name: resolver.ref(id).slice(prefix.length),
        entry: String(r.Properties?.Handler).replace(/\.\w+$/, '.ts'),
      }));
    // Assess
    expect(handlers.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...registry.functions].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  describe.each(roles.map((role) => [role.logicalId, role] as const))('role %s', (_id, role) => {
    const declared = declarationsOf(registry, role);
    const changesKeys = declared.some((d) => d.action === 'iam:UpdateAccessKey');

    it.each(declared.map((d) => [d.action, d.resource, d] as const))(
      'allows %s on %s',
      async (_action, _resource, declaration) => {
        // Prepare
        const probe = probeFor(declaration);
        // Act
        const result = await simulate(resolver, role, probe);
        // Assess
        expect(result, `${declaration.action}: ${declaration.why}`).toBe('Allowed');
        if (declaration.condition) {
          // The role must enforce the declared condition, not merely allow the action.
          expect(await simulate(resolver, role, { ...probe, context: {} })).not.toBe('Allowed');
        }
      },
    );

    it('allows each action on exactly the declared resources: a sibling resource is denied', async () => {
      // Prepare: a resource that differs from an exact (wildcard-free) declared one, or its example,
      // only by its name.
      // A `name/*` declaration with an example (the Slack webhook parameter) counts by its example.
      const exact = declared.filter(
        (d) =>
          !resolveDeclared(resolver, d.resource).includes('*') ||
          (d.example !== undefined && d.resource.endsWith('/*') && !d.example.includes('*')),
      );
      // Act
      const results = await Promise.all(
        exact.map(async (d) => {
          const probe = probeFor(d);
          return [
            `${d.action} ${probe.resource}-other`,
            await simulate(resolver, role, { ...probe, resource: `${probe.resource}-other` }).catch(
              (error: Error) => {
                // A resource whose name is fixed (Security Hub's `hub/default`) has no sibling:
                // the simulator knows no resource of that name, so nothing could grant it.
                if (error.message.includes('no.resource.types')) return 'NoSuchResource';
                throw error;
              },
            ),
          ];
        }),
      );
      // Assess
      expect(exact.length).toBeGreaterThan(0);
      for (const [label, result] of results) expect(result, label).not.toBe('Allowed');
    });

    it('grants nothing no code declares: every allowed action, resource and condition has a declaration', () => {
      // Prepare
      const undeclared: string[] = [];
      for (const statement of statementsOf(role).filter((s) => s.Effect === 'Allow')) {
        expect(statement.NotAction, 'NotAction grants everything else').toBeUndefined();
        expect(statement.NotResource, 'NotResource grants everything else').toBeUndefined();
        for (const action of asList(statement.Action)) {
          for (const resource of asList(statement.Resource)) {
            const match = declared.some(
              (d) =>
                d.action === action &&
                // A grant of the one parameter a deployment names matches the declared example.
                (resolveDeclared(resolver, d.resource) === resource ||
                  (d.example !== undefined &&
                    d.resource.endsWith('/*') &&
                    resolveDeclared(resolver, d.example) === resource)) &&
                isDeepStrictEqual(resolveCondition(resolver, d.condition), statement.Condition),
            );
            if (!match)
              undeclared.push(`${action} on ${resource} ${JSON.stringify(statement.Condition ?? {})}`);
          }
        }
      }
      // Assess
      expect(undeclared).toEqual([]);
    });

    it('names every action: no `*` in any action of any statement', () => {
      // Assess
      const actions = statementsOf(role).flatMap((s) => asList(s.Action));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    it.each(denyProbes(role).map((p) => [p.label, p.action, p] as const))(
      'cannot %s (%s)',
      async (_label, _action, probe) => {
        // Act
        const result = await simulate(resolver, role, probe);
        // Assess
        expect(result).not.toBe('Allowed');
      },
    );

    it.each(['true', 'TRUE', 'True'])(
      'explicitly denies deactivating or deleting a key of a user tagged key-hygiene:exempt=%s',
      async (value) => {
        // Act
        const results = await Promise.all(
          ['iam:UpdateAccessKey', 'iam:DeleteAccessKey'].map((action) =>
            simulate(resolver, role, { action, resource: user('exempt-user'), context: taggedExempt(value) }),
          ),
        );
        // Assess: explicit, so no later Allow (a grant for deletion, a broader role) can override it.
        // A role that changes no keys (the Slack notifier's) is denied them anyway, implicitly.
        expect(results).toEqual(
          changesKeys ? ['ExplicitlyDenied', 'ExplicitlyDenied'] : ['ImplicitlyDenied', 'ImplicitlyDenied'],
        );
      },
    );

    it('leaves dated and false exemptions to the planner: the Deny holds for `true` only', async () => {
      // Act
      const results = await Promise.all(
        ['2099-12-31', 'false'].map((value) =>
          simulate(resolver, role, {
            action: 'iam:UpdateAccessKey',
            resource: user('someone'),
            context: taggedExempt(value),
          }),
        ),
      );
      // Assess
      expect(results).toEqual(
        changesKeys ? ['Allowed', 'Allowed'] : ['ImplicitlyDenied', 'ImplicitlyDenied'],
      );
    });
  });
});
