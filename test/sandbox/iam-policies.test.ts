import {
  GetAccountAuthorizationDetailsCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedUserPolicies,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFixture, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { errorOf, iamClient } from './helpers.js';
import { POLICIES_FIXTURE, POLICY_ACCOUNT } from './policies-fixture.js';

const decode = (document: string | undefined) => JSON.parse(decodeURIComponent(document ?? ''));

describe('Sandbox IAM policy reads', () => {
  let sandbox: RunningSandbox;
  let iam: IAMClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: POLICIES_FIXTURE });
    iam = iamClient(sandbox, { accessKeyId: 'AKIAPOLICY0000000001' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('lists the managed policies attached to a user: AWS-managed by name, customer-managed by path and name', async () => {
    // Act
    const leaked = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'leaked' }));
    const deployer = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'ci-deployer' }));
    // Assess
    expect(leaked.AttachedPolicies).toEqual([
      { PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      {
        PolicyName: 'AWSCompromisedKeyQuarantineV3',
        PolicyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
      },
    ]);
    expect(leaked.IsTruncated).toBe(false);
    expect(deployer.AttachedPolicies).toEqual([
      { PolicyName: 'deploy-lambda', PolicyArn: `arn:aws:iam::${POLICY_ACCOUNT}:policy/ci/deploy-lambda` },
    ]);
  });

  it('pages attached policies with Marker and MaxItems through the SDK paginator', async () => {
    // Act
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListAttachedUserPolicies(
      { client: iam, pageSize: 1 },
      { UserName: 'leaked' },
    )) {
      pages++;
      names.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyName ?? ''));
    }
    // Assess
    expect(pages).toBe(2);
    expect(names).toEqual(['PowerUserAccess', 'AWSCompromisedKeyQuarantineV3']);
  });

  it('lists and returns inline user policies, the document URL-encoded as IAM sends it', async () => {
    // Act
    const names = await iam.send(new ListUserPoliciesCommand({ UserName: 'operator' }));
    const policy = await iam.send(
      new GetUserPolicyCommand({ UserName: 'operator', PolicyName: 'read-logs' }),
    );
    // Assess
    expect(names.PolicyNames).toEqual(['read-logs']);
    expect(policy.PolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(decode(policy.PolicyDocument).Statement[0].Action).toEqual(['logs:Get*', 'logs:Describe*']);
  });

  it('answers NoSuchEntity for an inline policy, group or managed policy that does not exist', async () => {
    // Act
    const userPolicy = await errorOf(
      iam.send(new GetUserPolicyCommand({ UserName: 'operator', PolicyName: 'nope' })),
    );
    const group = await errorOf(iam.send(new ListGroupPoliciesCommand({ GroupName: 'Nope' })));
    const policy = await errorOf(
      iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/NotShipped' })),
    );
    // Assess
    expect(userPolicy).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(userPolicy.message).toBe('The user policy with name nope cannot be found.');
    expect(group.message).toBe('The group with name Nope cannot be found.');
    expect(policy.message).toBe(
      'Policy arn:aws:iam::aws:policy/NotShipped does not exist or is not attachable.',
    );
  });

  it("lists a user's groups and a group's attached and inline policies", async () => {
    // Act
    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'operator' }));
    const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Ops' }));
    const inline = await iam.send(new ListGroupPoliciesCommand({ GroupName: 'ops' }));
    const document = await iam.send(
      new GetGroupPolicyCommand({ GroupName: 'Ops', PolicyName: 'rotate-keys' }),
    );
    // Assess
    expect(groups.Groups).toEqual([
      expect.objectContaining({
        GroupName: 'Ops',
        Path: '/ops/',
        Arn: `arn:aws:iam::${POLICY_ACCOUNT}:group/ops/Ops`,
      }),
    ]);
    expect(groups.Groups?.[0]?.GroupId).toMatch(/^AGPA[A-Z0-9]{17}$/);
    expect(attached.AttachedPolicies).toEqual([
      { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
    expect(inline.PolicyNames).toEqual(['rotate-keys']);
    expect(decode(document.PolicyDocument).Statement[0].Action).toBe('iam:*AccessKey*');
  });

  it('returns a managed policy with its default version, and that version with its document', async () => {
    // Act
    const { Policy } = await iam.send(
      new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    );
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: Policy?.Arn, VersionId: Policy?.DefaultVersionId }),
    );
    // Assess
    expect(Policy).toMatchObject({
      PolicyName: 'AdministratorAccess',
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: 2,
      IsAttachable: true,
    });
    expect(PolicyVersion).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true });
    expect(decode(PolicyVersion?.Document)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
  });

  it("shows a user's permissions boundary in GetUser", async () => {
    // Act
    const { User } = await iam.send(new GetUserCommand({ UserName: 'bounded-admin' }));
    // Assess
    expect(User?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: `arn:aws:iam::${POLICY_ACCOUNT}:policy/s3-only`,
    });
  });

  it('GetAccountAuthorizationDetails gives users with their policies and groups, then groups, then managed policies', async () => {
    // Act
    const users = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    const groups = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Group'] }));
    const local = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy'] }),
    );
    const aws = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
    // Assess
    const operator = users.UserDetailList?.find((u) => u.UserName === 'operator');
    expect(operator?.GroupList).toEqual(['Ops']);
    expect(operator?.UserPolicyList?.map((p) => p.PolicyName)).toEqual(['read-logs']);
    expect(decode(operator?.UserPolicyList?.[0]?.PolicyDocument).Statement).toHaveLength(1);
    const leaked = users.UserDetailList?.find((u) => u.UserName === 'leaked');
    expect(leaked?.AttachedManagedPolicies?.map((p) => p.PolicyName)).toEqual([
      'PowerUserAccess',
      'AWSCompromisedKeyQuarantineV3',
    ]);
    expect(groups.UserDetailList).toEqual([]);
    expect(groups.GroupDetailList?.map((g) => g.GroupName)).toEqual(['Admins', 'Ops']);
    expect(groups.GroupDetailList?.[1]?.GroupPolicyList?.map((p) => p.PolicyName)).toEqual(['rotate-keys']);
    expect(local.Policies?.map((p) => p.PolicyName)).toEqual(['deploy-lambda', 's3-only']);
    expect(local.Policies?.[0]?.PolicyVersionList).toEqual([
      expect.objectContaining({ VersionId: 'v1', IsDefaultVersion: true }),
    ]);
    expect(aws.Policies?.map((p) => p.PolicyName).sort()).toEqual([
      'AWSCompromisedKeyQuarantineV3',
      'AdministratorAccess',
      'PowerUserAccess',
      'ReadOnlyAccess',
    ]);
  });

  it('GetAccountAuthorizationDetails pages across entity types with the SDK paginator', async () => {
    // Act
    const seen: string[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 3 }, {})) {
      seen.push(
        ...(page.UserDetailList ?? []).map((u) => `user:${u.UserName}`),
        ...(page.GroupDetailList ?? []).map((g) => `group:${g.GroupName}`),
        ...(page.Policies ?? []).map((p) => `policy:${p.PolicyName}`),
      );
    }
    // Assess: 7 users, 2 groups, 2 local and 4 AWS-managed policies, each once
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
  });

  it('refuses a fixture that attaches a policy nobody has, or a group the account lacks', () => {
    // Prepare
    const fixture = {
      accounts: [
        {
          id: '444444444444',
          users: [
            {
              name: 'x',
              createDate: '2024-01-01T00:00:00Z',
              attachedPolicies: ['MadeUpAccess'],
              groups: ['Ghosts'],
            },
          ],
        },
      ],
    };
    // Act & Assess
    expect(() => parseFixture(fixture)).toThrow(
      /users\[0\]\.attachedPolicies\[0\]: neither a policy of this account/,
    );
    expect(() => parseFixture(fixture)).toThrow(/users\[0\]\.groups\[0\]: not a group of this account/);
  });
});
