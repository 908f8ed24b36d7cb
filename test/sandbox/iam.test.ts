import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListRolesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  paginateListUsers,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, AUDITOR_KEY, errorOf, iamClient, PROD, useAcmeSandbox } from './helpers.js';

describe('Sandbox IAM against the acme fixture', () => {
  const sandbox = useAcmeSandbox();
  let iam: IAMClient;

  beforeAll(() => {
    iam = iamClient(sandbox);
  });

  it('lists users with ARNs, paths and dates, 100 to a page by default', async () => {
    // Act
    const page = await iam.send(new ListUsersCommand({}));
    // Assess
    expect(page.IsTruncated).toBe(false);
    expect(page.Marker).toBeUndefined();
    expect(page.Users).toHaveLength(22);
    const deployer = page.Users?.find((u) => u.UserName === 'svc-deployer');
    expect(deployer).toMatchObject({
      Path: '/service/',
      Arn: `arn:aws:iam::${PROD}:user/service/svc-deployer`,
      CreateDate: new Date('2024-02-01T00:00:00Z'),
    });
    expect(deployer?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('pages with MaxItems and a Marker only while truncated', async () => {
    // Act
    const first = await iam.send(new ListUsersCommand({ MaxItems: 8 }));
    const second = await iam.send(new ListUsersCommand({ MaxItems: 8, Marker: first.Marker }));
    const third = await iam.send(new ListUsersCommand({ MaxItems: 8, Marker: second.Marker }));
    // Assess
    expect([first.IsTruncated, second.IsTruncated, third.IsTruncated]).toEqual([true, true, false]);
    expect(first.Marker).toBeTypeOf('string');
    expect(third.Marker).toBeUndefined();
    const names = [...(first.Users ?? []), ...(second.Users ?? []), ...(third.Users ?? [])].map(
      (u) => u.UserName,
    );
    expect(names).toHaveLength(22);
    expect(new Set(names).size).toBe(22);
  });

  it('filters ListUsers by PathPrefix', async () => {
    const { Users = [] } = await iam.send(new ListUsersCommand({ PathPrefix: '/service/' }));
    expect(Users.map((u) => u.UserName).sort()).toEqual([
      'ci-publisher',
      'key-hygiene-auditor',
      'legacy-etl',
      'old-vendor',
      'svc-deployer',
      'svc-reporting',
    ]);
    const system = await iam.send(new ListUsersCommand({ PathPrefix: '/system/', MaxItems: 1 }));
    expect(system.Users?.map((u) => u.UserName)).toEqual(['sys-backup']);
    const rest = await iam.send(new ListUsersCommand({ PathPrefix: '/system/', Marker: system.Marker }));
    expect(rest.Users?.map((u) => u.UserName)).toEqual(['break-glass']);
    expect(rest.Marker).toBeUndefined();
  });

  it('rejects MaxItems outside 1..1000 and a garbage Marker with ValidationError', async () => {
    for (const MaxItems of [0, 1001]) {
      const error = await errorOf(iam.send(new ListUsersCommand({ MaxItems })));
      expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(error.message).toContain('maxItems');
    }
    const garbage = await errorOf(iam.send(new ListUsersCommand({ Marker: 'not-a-marker' })));
    expect(garbage).toMatchObject({ name: 'ValidationError', status: 400 });
    // A marker from another listing is no good either.
    const page = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    const crossed = await errorOf(
      iam.send(new ListUsersCommand({ PathPrefix: '/service/', Marker: page.Marker })),
    );
    expect(crossed.name).toBe('ValidationError');
  });

  it('gets a user with tags, or the caller when UserName is omitted', async () => {
    const { User } = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(User?.Tags).toEqual([
      { Key: 'team', Value: 'payments' },
      { Key: 'owner', Value: 'alice@acme.example' },
    ]);
    // IAM user names are case-insensitive.
    const upper = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(upper.User?.UserName).toBe('alice');
    const self = await iam.send(new GetUserCommand({}));
    expect(self.User?.UserName).toBe('key-hygiene-auditor');
  });

  it('answers NoSuchEntity 404 for an unknown user or key', async () => {
    const user = await errorOf(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(user).toEqual(
      expect.objectContaining({
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The user with name nobody cannot be found.',
      }),
    );
    const key = await errorOf(
      iam.send(
        new UpdateAccessKeyCommand({
          UserName: 'alice',
          AccessKeyId: 'AKIABOB0000000000001',
          Status: 'Inactive',
        }),
      ),
    );
    expect(key).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The Access Key with id AKIABOB0000000000001 cannot be found.',
    });
    const lastUsed = await errorOf(
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIANOSUCHKEY0000001' })),
    );
    expect(lastUsed).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('creates users, refusing a duplicate name with EntityAlreadyExists 409', async () => {
    const { User } = await iam.send(
      new CreateUserCommand({
        UserName: 'zoe',
        Path: '/contractors/',
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    );
    expect(User).toMatchObject({
      UserName: 'zoe',
      Path: '/contractors/',
      Arn: `arn:aws:iam::${PROD}:user/contractors/zoe`,
      CreateDate: new Date('2026-11-20T00:00:00Z'),
      Tags: [{ Key: 'team', Value: 'web' }],
    });
    const { Users = [] } = await iam.send(new ListUsersCommand({}));
    expect(Users.at(-1)?.UserName).toBe('zoe');
    const duplicate = await errorOf(iam.send(new CreateUserCommand({ UserName: 'Zoe' })));
    expect(duplicate).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
  });

  it('lists access keys oldest first with their status and creation date', async () => {
    const { AccessKeyMetadata, IsTruncated } = await iam.send(
      new ListAccessKeysCommand({ UserName: 'oscar' }),
    );
    expect(IsTruncated).toBe(false);
    expect(AccessKeyMetadata).toEqual([
      {
        UserName: 'oscar',
        AccessKeyId: 'AKIAOSCAR00000000001',
        Status: 'Inactive',
        CreateDate: new Date('2023-05-01T10:00:00Z'),
      },
      {
        UserName: 'oscar',
        AccessKeyId: 'AKIAOSCAR00000000002',
        Status: 'Active',
        CreateDate: new Date('2026-10-01T10:00:00Z'),
      },
    ]);
    const none = await iam.send(new ListAccessKeysCommand({ UserName: 'peggy' }));
    expect(none.AccessKeyMetadata).toEqual([]);
    const mine = await iam.send(new ListAccessKeysCommand({}));
    expect(mine.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([AUDITOR_KEY]);
  });

  it('creates a key with a secret that then signs requests as that user', async () => {
    // Act
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'peggy' }));
    // Assess
    expect(AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(AccessKey?.SecretAccessKey).toHaveLength(40);
    expect(AccessKey).toMatchObject({
      UserName: 'peggy',
      Status: 'Active',
      CreateDate: new Date('2026-11-20T00:00:00Z'),
    });
    expect(sandbox.state.findKey(AccessKey?.AccessKeyId ?? '')?.secret).toBe(AccessKey?.SecretAccessKey);
    const asPeggy = iamClient(sandbox, { accessKeyId: AccessKey?.AccessKeyId ?? '' });
    const self = await asPeggy.send(new GetUserCommand({}));
    expect(self.User?.UserName).toBe('peggy');
  });

  it('refuses a third key with LimitExceeded 409, which the SDK retries three times', async () => {
    // Prepare: judy already has two keys; a default client retries.
    const retrying = iamClient(sandbox, { maxAttempts: 3 });
    // Act
    const error = await errorOf(retrying.send(new CreateAccessKeyCommand({ UserName: 'judy' })));
    // Assess
    expect(error).toMatchObject({
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      attempts: 3,
    });
    const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: 'judy' }));
    expect(AccessKeyMetadata).toHaveLength(2);
  });

  it('deactivates, reactivates and deletes a key', async () => {
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'bob',
        AccessKeyId: 'AKIABOB0000000000001',
        Status: 'Inactive',
      }),
    );
    let keys = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    expect(keys.AccessKeyMetadata?.[0]?.Status).toBe('Inactive');
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: 'AKIABOB0000000000001', Status: 'Active' }),
    );
    keys = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    expect(keys.AccessKeyMetadata?.[0]?.Status).toBe('Active');
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: 'AKIABOB0000000000001' }));
    keys = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    expect(keys.AccessKeyMetadata).toEqual([]);
    const gone = await errorOf(
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIABOB0000000000001' })),
    );
    expect(gone.name).toBe('NoSuchEntityException');
  });

  it('rejects a bad Status with ValidationError 400', async () => {
    const error = await errorOf(
      iam.send(
        new UpdateAccessKeyCommand({
          UserName: 'bob',
          AccessKeyId: 'AKIABOB0000000000001',
          Status: 'Disabled' as 'Inactive',
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(error.message).toContain("'Disabled' at 'status'");
  });

  it('reports last use, and for a never-used key no date with N/A service and region', async () => {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIABOB0000000000001' }));
    expect(used.UserName).toBe('bob');
    expect(used.AccessKeyLastUsed).toEqual({
      LastUsedDate: new Date('2026-07-22T14:30:00Z'),
      ServiceName: 'ec2',
      Region: 'us-west-2',
    });
    const never = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAERIN000000000001' }));
    expect(never.UserName).toBe('erin');
    expect(never.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
  });

  it('lists, adds and removes user tags', async () => {
    await iam.send(
      new TagUserCommand({
        UserName: 'bob',
        Tags: [
          { Key: 'key-hygiene:deactivated-AKIABOB0000000000001', Value: '2026-11-20 unused-key' },
          { Key: 'team', Value: 'security' },
        ],
      }),
    );
    let tags = await iam.send(new ListUserTagsCommand({ UserName: 'bob' }));
    expect(tags.Tags).toEqual([
      { Key: 'team', Value: 'security' },
      { Key: 'key-hygiene:deactivated-AKIABOB0000000000001', Value: '2026-11-20 unused-key' },
    ]);
    expect(tags.IsTruncated).toBe(false);
    await iam.send(new UntagUserCommand({ UserName: 'bob', TagKeys: ['team'] }));
    tags = await iam.send(new ListUserTagsCommand({ UserName: 'bob' }));
    expect(tags.Tags?.map((t) => t.Key)).toEqual(['key-hygiene:deactivated-AKIABOB0000000000001']);
    const paged = await iam.send(new ListUserTagsCommand({ UserName: 'break-glass', MaxItems: 2 }));
    expect(paged.Tags).toHaveLength(2);
    expect(paged.IsTruncated).toBe(true);
    const rest = await iam.send(new ListUserTagsCommand({ UserName: 'break-glass', Marker: paged.Marker }));
    expect(rest.Tags?.map((t) => t.Key)).toEqual(['key-hygiene:exempt-reason']);
  });

  it('refuses a 51st tag with LimitExceeded', async () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const error = await errorOf(iam.send(new TagUserCommand({ UserName: 'peggy', Tags: tags })));
    expect(error).toMatchObject({ name: 'LimitExceededException', status: 409 });
  });

  it('summarises the account, with AccountAccessKeysPresent for the root key', async () => {
    const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
    expect(SummaryMap).toMatchObject({ AccountAccessKeysPresent: 1, Users: 22, AccessKeysPerUserQuota: 2 });
  });

  it("lists the account's alias from the fixture, never truncated", async () => {
    const answer = await iam.send(new ListAccountAliasesCommand({}));
    expect(answer).toMatchObject({ AccountAliases: ['acme-prod'], IsTruncated: false });
  });

  it('answers an operation it does not implement with InvalidAction 400', async () => {
    const lines: string[] = [];
    const quiet = await startSandbox({ fixture: ACME_FIXTURE, log: (line) => lines.push(line) });
    try {
      const error = await errorOf(iamClient(quiet).send(new ListRolesCommand({})));
      expect(error).toMatchObject({ name: 'InvalidAction', status: 400 });
      expect(error.message).toContain('ListRoles');
      expect(lines).toEqual([expect.stringContaining('iam:ListRoles is not implemented')]);
    } finally {
      await quiet.close();
    }
  });

  it('escapes user-controlled strings in the XML it writes', async () => {
    const error = await errorOf(iam.send(new GetUserCommand({ UserName: `a<b>&"c'` })));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain(`Value 'a<b>&"c'' at 'userName'`);
  });
});

describe('Sandbox IAM pagination over a synthetic account', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ synthetic: { users: 2500, seed: 'paging' } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('walks all 2,500 users with the SDK paginator, each exactly once', async () => {
    // Prepare
    const iam = iamClient(sandbox);
    const names: string[] = [];
    let pages = 0;
    // Act
    for await (const page of paginateListUsers({ client: iam }, {})) {
      pages++;
      for (const user of page.Users ?? []) names.push(user.UserName ?? '');
    }
    // Assess
    expect(pages).toBe(25);
    expect(names).toHaveLength(2500);
    expect(new Set(names).size).toBe(2500);
  });

  it('walks with the largest page size and with a path prefix', async () => {
    const iam = iamClient(sandbox);
    let total = 0;
    for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {}))
      total += page.Users?.length ?? 0;
    expect(total).toBe(2500);
    const service: string[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 50 }, { PathPrefix: '/service/' })) {
      for (const user of page.Users ?? []) service.push(user.Path ?? '');
    }
    const expected = sandbox.state.defaultAccount.userList.filter((u) => u.path === '/service/').length;
    expect(service).toHaveLength(expected);
    expect(service.every((path) => path === '/service/')).toBe(true);
  });
});
