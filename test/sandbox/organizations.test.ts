import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureError, parseFixture, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  ANALYTICS,
  accountStatesFixture,
  LEGACY,
  MANAGEMENT,
  MEMBER_ROLE,
  ORG_AUDITOR_KEY,
  organizationFixture,
  PAYMENTS,
  PAYMENTS_OU,
  STATES_AUDITOR_KEY,
} from '../support/organization-fixture.js';
import { errorOf, stsClient } from './helpers.js';

function organizationsClient(
  sandbox: RunningSandbox,
  credentials: { accessKeyId: string; sessionToken?: string } = { accessKeyId: ORG_AUDITOR_KEY },
) {
  return new OrganizationsClient({
    region: 'us-east-1',
    endpoint: sandbox.url,
    maxAttempts: 1,
    credentials: { ...credentials, secretAccessKey: 'not-checked-by-the-sandbox' },
  });
}

async function sessionIn(sandbox: RunningSandbox, accountId: string, role = MEMBER_ROLE) {
  const { Credentials } = await stsClient(sandbox, { accessKeyId: ORG_AUDITOR_KEY }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${role}`, RoleSessionName: 'test' }),
  );
  return { accessKeyId: Credentials?.AccessKeyId ?? '', sessionToken: Credentials?.SessionToken ?? '' };
}

describe('Sandbox Organizations and member roles', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: organizationFixture() });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('lists every account to the management account, with its alias as Name and its State (no retired Status)', async () => {
    // Act
    const { Accounts, NextToken } = await organizationsClient(sandbox).send(new ListAccountsCommand({}));
    // Assess
    expect(NextToken).toBeUndefined();
    expect(Accounts?.map((a) => a.Status)).toEqual([undefined, undefined, undefined, undefined]);
    expect(Accounts?.map((a) => [a.Id, a.Name, a.State])).toEqual([
      [MANAGEMENT, 'org-management', 'ACTIVE'],
      [PAYMENTS, 'org-payments', 'ACTIVE'],
      [ANALYTICS, 'org-analytics', 'ACTIVE'],
      [LEGACY, 'org-legacy', 'SUSPENDED'],
    ]);
    expect(Accounts?.[1]).toMatchObject({
      Arn: expect.stringMatching(
        new RegExp(`^arn:aws:organizations::${MANAGEMENT}:account/o-[a-z0-9]{10}/${PAYMENTS}$`),
      ),
      Email: expect.stringContaining('@'),
      JoinedMethod: 'CREATED',
      JoinedTimestamp: expect.any(Date),
    });
  });

  it('pages with MaxResults and NextToken, including the empty last page AWS may send', async () => {
    // Prepare
    const client = organizationsClient(sandbox);
    const pages: number[] = [];
    const ids: string[] = [];
    // Act
    for await (const page of paginateListAccounts({ client, pageSize: 2 }, {})) {
      pages.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    }
    // Assess
    expect(pages).toEqual([2, 2, 0]);
    expect(ids).toEqual([MANAGEMENT, PAYMENTS, ANALYTICS, LEGACY]);
  });

  it('refuses MaxResults outside 1..20 and a NextToken it did not issue', async () => {
    const client = organizationsClient(sandbox);
    expect(await errorOf(client.send(new ListAccountsCommand({ MaxResults: 21 })))).toMatchObject({
      name: 'InvalidInputException',
      status: 400,
    });
    expect(await errorOf(client.send(new ListAccountsCommand({ MaxResults: 0 })))).toMatchObject({
      name: 'InvalidInputException',
    });
    expect(await errorOf(client.send(new ListAccountsCommand({ NextToken: 'forged' })))).toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining('nextToken'),
    });
  });

  it('lists the accounts directly in an OU or in the root with ListAccountsForParent', async () => {
    // Prepare
    const client = organizationsClient(sandbox);
    const rootId = sandbox.state.organization?.rootId ?? '';
    // Act
    const inOu = await client.send(new ListAccountsForParentCommand({ ParentId: PAYMENTS_OU }));
    const inRoot = await client.send(new ListAccountsForParentCommand({ ParentId: rootId }));
    const unknown = await errorOf(
      client.send(new ListAccountsForParentCommand({ ParentId: 'ou-ab12-unknown00' })),
    );
    // Assess
    expect(rootId).toMatch(/^r-[0-9a-z]{4}$/);
    expect(inOu.Accounts?.map((a) => a.Id)).toEqual([PAYMENTS]);
    expect(inRoot.Accounts?.map((a) => a.Id)).toEqual([MANAGEMENT, ANALYTICS, LEGACY]);
    expect(unknown).toMatchObject({ name: 'ParentNotFoundException', status: 400 });
  });

  it('answers a member account AccessDeniedException with the real body', async () => {
    // Prepare
    const session = await sessionIn(sandbox, PAYMENTS);
    // Act
    const response = await errorOf(organizationsClient(sandbox, session).send(new ListAccountsCommand({})));
    // Assess
    expect(response).toEqual({
      name: 'AccessDeniedException',
      message: "You don't have permissions to access this resource.",
      status: 400,
      attempts: 1,
    });
  });

  it('assumes a role an account declares, and refuses any other with AccessDenied naming the role', async () => {
    // Prepare
    const sts = stsClient(sandbox, { accessKeyId: ORG_AUDITOR_KEY });
    const other = `arn:aws:iam::${PAYMENTS}:role/Admin`;
    const missing = `arn:aws:iam::${ANALYTICS}:role/${MEMBER_ROLE}`;
    // Act
    const declared = await sessionIn(sandbox, PAYMENTS);
    const refused = await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 'x1' })));
    const absent = await errorOf(
      sts.send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: 'x1' })),
    );
    // Assess
    expect(declared.accessKeyId).toMatch(/^ASIA/);
    expect(refused).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: expect.stringContaining(other),
    });
    expect(absent).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: expect.stringContaining(missing),
    });
  });
});

describe('Sandbox Organizations without an organization', () => {
  it('answers AWSOrganizationsNotInUseException when the fixture has no organization', async () => {
    // Prepare
    const { organization: _, ...fixture } = organizationFixture();
    const sandbox = await startSandbox({ fixture });
    try {
      // Act
      const error = await errorOf(organizationsClient(sandbox).send(new ListAccountsCommand({})));
      // Assess
      expect(error).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a fixture whose management account it does not hold, or an unknown status', () => {
    const fixture = organizationFixture();
    expect(() => parseFixture({ ...fixture, organization: { managementAccountId: '999999999999' } })).toThrow(
      /organization\.managementAccountId: names no account of the fixture/,
    );
    const deleted = { ...fixture, accounts: [{ ...fixture.accounts[0], status: 'DELETED' }] };
    expect(() => parseFixture(deleted)).toThrow(FixtureError);
    expect(() => parseFixture(deleted)).toThrow(
      /accounts\[0\]\.status: must be one of "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "PENDING_ACTIVATION", "CLOSED"/,
    );
    const retired = {
      ...fixture,
      accounts: [{ ...fixture.accounts[0], status: 'CLOSED', listedAs: 'Status' }],
    };
    expect(() => parseFixture(retired)).toThrow(
      /accounts\[0\]\.status: listedAs Status answers the retired Status field/,
    );
    const known = { ...fixture, accounts: [{ ...fixture.accounts[0], unknownState: 'CLOSED' }] };
    expect(() => parseFixture(known)).toThrow(/accounts\[0\]\.unknownState: a known state: use status/);
  });
});

describe('Sandbox Organizations: account states', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: accountStatesFixture() });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('answers every AccountState as State, a future one as is, and Status or neither when the fixture says so', async () => {
    // Act
    const { Accounts } = await organizationsClient(sandbox, { accessKeyId: STATES_AUDITOR_KEY }).send(
      new ListAccountsCommand({}),
    );
    // Assess
    expect(Accounts?.map((a) => [a.Name, a.State, a.Status])).toEqual([
      ['active', 'ACTIVE', undefined],
      ['suspended', 'SUSPENDED', undefined],
      ['pending-closure', 'PENDING_CLOSURE', undefined],
      ['pending-activation', 'PENDING_ACTIVATION', undefined],
      ['closed', 'CLOSED', undefined],
      ['future', 'ARCHIVED', undefined],
      ['older-active', undefined, 'ACTIVE'],
      ['older-suspended', undefined, 'SUSPENDED'],
      ['stateless', undefined, undefined],
    ]);
  });
});
