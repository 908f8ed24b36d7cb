import {
  GetAccountAuthorizationDetailsCommand,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, errorOf, iamClient, rawPost } from './helpers.js';

describe('Sandbox GetAccountAuthorizationDetails', () => {
  let sandbox: RunningSandbox;
  let iam: IAMClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE, synthetic: { users: 250, seed: 3 } });
    iam = iamClient(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('lists every user with path, ARN and tags through the SDK paginator', async () => {
    // Act
    const users: UserDetail[] = [];
    let pages = 0;
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 7 },
      { Filter: ['User'] },
    )) {
      pages += 1;
      users.push(...(page.UserDetailList ?? []));
      expect(page.GroupDetailList).toEqual([]);
      expect(page.RoleDetailList).toEqual([]);
      expect(page.Policies).toEqual([]);
    }
    // Assess
    const account = sandbox.state.defaultAccount;
    expect(users.map((u) => u.UserName)).toEqual(account.userList.map((u) => u.name));
    expect(pages).toBe(Math.ceil(account.userList.length / 7));
    const breakGlass = users.find((u) => u.UserName === 'break-glass');
    const source = account.users.get('break-glass');
    expect(breakGlass).toMatchObject({
      Path: source?.path,
      Arn: source?.arn,
      UserId: source?.userId,
      CreateDate: source?.createDate,
      GroupList: ['Admins'],
      AttachedManagedPolicies: [],
      UserPolicyList: [],
    });
    expect(Object.fromEntries((breakGlass?.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(
      Object.fromEntries(source?.tags ?? []),
    );
  });

  it('answers a page of up to 1000 users and stops the paginator with no Marker on the last page', async () => {
    // Act
    const page = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], MaxItems: 1000 }),
    );
    // Assess
    expect(page.UserDetailList).toHaveLength(sandbox.state.defaultAccount.userList.length);
    expect(page.IsTruncated).toBe(false);
    expect(page.Marker).toBeUndefined();
  });

  it('answers empty lists for a filter without User', async () => {
    // Act
    const page = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    // Assess
    expect(page.UserDetailList).toEqual([]);
    expect(page.IsTruncated).toBe(false);
  });

  it('refuses an unknown filter and a marker from another listing with ValidationError', async () => {
    // Prepare
    const first = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], MaxItems: 2 }),
    );
    // Act
    const badFilter = await errorOf(
      iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Users' as 'User'] })),
    );
    const badMarker = await errorOf(
      iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], Marker: first.Marker })),
    );
    // Assess
    expect(badFilter).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(badMarker).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('writes the response envelope of the IAM model', async () => {
    // Act
    const { status, text } = await rawPost(
      sandbox,
      'iam',
      'Action=GetAccountAuthorizationDetails&Version=2010-05-08&Filter.member.1=User&MaxItems=1',
    );
    // Assess
    expect(status).toBe(200);
    expect(text).toContain(
      '<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><Marker>',
    );
    expect(text).toMatch(
      /<UserDetailList><member><Path>\/[^<]*<\/Path><UserName>[^<]+<\/UserName><UserId>AIDA/,
    );
    expect(text).toContain(
      '<GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult>',
    );
  });
});
