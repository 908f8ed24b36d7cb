import { describe, expect, it } from 'vitest';
import { PRIVILEGE_READ_PERMISSIONS, readPrivileges } from '../../src/privilege/read-privilege.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { POLICIES_FIXTURE } from '../sandbox/policies-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

/** The policies fixture, with a user whose only grant is its own inline policy. */
function fixture(): FixtureInput {
  const base = structuredClone(POLICIES_FIXTURE);
  const account = base.accounts[0];
  if (!account?.users) throw new Error('fixture without an account and its users');
  account.users.push(
    {
      name: 'log-reader',
      createDate: '2024-01-01T00:00:00Z',
      inlinePolicies: {
        'read-logs': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }],
        },
      },
      accessKeys: [
        { id: 'AKIAPOLICY0000000009', status: 'Active', createDate: '2025-01-10T00:00:00Z', lastUsed: null },
      ],
    },
    {
      name: 'second-operator',
      createDate: '2024-01-01T00:00:00Z',
      groups: ['Ops'],
      accessKeys: [
        { id: 'AKIAPOLICY0000000010', status: 'Active', createDate: '2025-01-10T00:00:00Z', lastUsed: null },
      ],
    },
  );
  return base;
}

const env = useSandbox(fixture);
/** Users as the live listing gives them: no policies, so each is read from IAM. */
const live = (...names: string[]) => names.map((userName) => ({ userName }));
const calls = (action: string) => env.sandbox.state.calls().services.iam?.actions[action]?.total ?? 0;

describe('Function: readPrivileges', () => {
  it("reads a user's own inline policy from IAM and names it as the source", async () => {
    // Act
    const { privileges, errors } = await readPrivileges({ iam: env.iam, concurrency: 4 }, live('log-reader'));
    // Assess
    expect(errors).toEqual([]);
    expect(privileges.get('log-reader')).toEqual({
      level: 'read-only',
      source: 'inline policy read-logs',
      actions: [],
    });
  });

  it('reads a group and a managed policy shared by several users once per run', async () => {
    // Act: operator and second-operator share the group Ops; root-like (through Admins) and
    // bounded-admin share AdministratorAccess
    const { privileges } = await readPrivileges(
      { iam: env.iam, concurrency: 4 },
      live('operator', 'second-operator', 'root-like', 'bounded-admin'),
    );
    // Assess
    expect(privileges.get('second-operator')).toEqual({
      level: 'privilege-escalation',
      source: 'inline policy rotate-keys via group Ops',
      actions: ['iam:CreateAccessKey'],
    });
    expect(privileges.get('root-like')?.source).toBe('AdministratorAccess via group Admins');
    expect({
      ListAttachedGroupPolicies: calls('ListAttachedGroupPolicies'),
      ListGroupPolicies: calls('ListGroupPolicies'),
      GetGroupPolicy: calls('GetGroupPolicy'),
      // AdministratorAccess, ReadOnlyAccess, s3-only (bounded-admin's boundary): one read each
      GetPolicy: calls('GetPolicy'),
      GetPolicyVersion: calls('GetPolicyVersion'),
    }).toEqual({
      ListAttachedGroupPolicies: 2,
      ListGroupPolicies: 2,
      GetGroupPolicy: 1,
      GetPolicy: 3,
      GetPolicyVersion: 3,
    });
  });

  it('reads nobody once the time budget is spent', async () => {
    // Act
    const result = await readPrivileges(
      { iam: env.iam, concurrency: 4, shouldStop: () => true },
      live('operator', 'log-reader'),
    );
    // Assess
    expect(result).toEqual({ privileges: new Map(), errors: [] });
    expect(env.sandbox.state.calls().services.iam).toBeUndefined();
  });

  it("reports a user whose policies cannot be read, with IAM's answer, and still reads the others", async () => {
    // Prepare
    env.sandbox.faults.add({
      operation: 'iam:ListUserPolicies',
      params: { UserName: 'log-reader' },
      code: 'AccessDenied',
    });
    // Act
    const { privileges, errors } = await readPrivileges(
      { iam: env.iam, concurrency: 4 },
      live('log-reader', 'reader'),
    );
    // Assess
    expect(errors).toEqual([
      {
        userName: 'log-reader',
        accessKeyId: null,
        operation: 'privilege',
        code: 'AccessDenied',
        message:
          'User: arn:aws:iam::333333333333:user/sandbox-caller is not authorized to perform: iam:ListUserPolicies',
      },
    ]);
    expect([...privileges.keys()]).toEqual(['reader']);
  });
});

describe('Constant: PRIVILEGE_READ_PERMISSIONS', () => {
  it('asks IAM for users, groups, AWS-managed and own policies on exactly these resources', () => {
    const user = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*';
    const group = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:group/*';
    const awsPolicy = 'arn:${AWS::Partition}:iam::aws:policy/*';
    const ownPolicy = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*';
    expect(PRIVILEGE_READ_PERMISSIONS.map(({ action, resource }) => `${action} ${resource}`)).toEqual([
      `iam:ListAttachedUserPolicies ${user}`,
      `iam:ListUserPolicies ${user}`,
      `iam:GetUserPolicy ${user}`,
      `iam:ListGroupsForUser ${user}`,
      `iam:GetUser ${user}`,
      `iam:ListAttachedGroupPolicies ${group}`,
      `iam:ListGroupPolicies ${group}`,
      `iam:GetGroupPolicy ${group}`,
      `iam:GetPolicy ${awsPolicy}`,
      `iam:GetPolicyVersion ${awsPolicy}`,
      `iam:GetPolicy ${ownPolicy}`,
      `iam:GetPolicyVersion ${ownPolicy}`,
    ]);
  });
});
