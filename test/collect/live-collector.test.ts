import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../src/collect/live-collector.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';

let sandbox: RunningSandbox;
let synthetic: RunningSandbox;

const client = (url: string, maxAttempts = 3) =>
  new IAMClient({ region: 'us-east-1', endpoint: url, maxAttempts, retryMode: 'adaptive' });

describe('Function: collectLive', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: relativeFixture() });
    synthetic = await startSandbox({ synthetic: { users: 600, seed: 7 } });
  });

  afterAll(async () => {
    await Promise.all([sandbox.close(), synthetic.close()]);
  });

  afterEach(() => {
    synthetic.faults.configure({ failRate: 0, throttleRps: 0 });
    synthetic.faults.clearRules();
  });

  it('reads every user with its keys, last use and tags, plus the root key', async () => {
    // Act
    const result = await collectLive(
      { iam: client(sandbox.url), concurrency: 4 },
      { accountId: '111111111111' },
    );
    // Assess
    expect(result.complete).toBe(true);
    expect(result.errors).toEqual([]);
    const sam = result.users.find((u) => u.userName === 'stale-sam');
    expect(sam?.tags).toEqual({ team: 'payments' });
    expect(sam?.keys).toEqual([
      expect.objectContaining({
        accessKeyId: KEYS.stale,
        status: 'Active',
        lastUsed: expect.objectContaining({ service: 's3' }),
      }),
    ]);
    const nina = result.users.find((u) => u.userName === 'never-nina');
    expect(nina?.keys[0]?.lastUsed).toBeNull();
    const root = result.users.find((u) => u.isRoot);
    expect(root?.arn).toBe('arn:aws:iam::111111111111:root');
    expect(root?.keys).toHaveLength(1);
  });

  it('audits the whole account in about two IAM calls per key: no call per user for tags', async () => {
    // Prepare
    await fetch(`${synthetic.url}/_sandbox/reset`, { method: 'POST' });
    const account = synthetic.state.defaultAccount;
    const keys = account.userList.reduce((sum, user) => sum + user.keys.length, 0);
    // Act
    const result = await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {});
    // Assess
    expect(result.complete).toBe(true);
    const stats = (await (await fetch(`${synthetic.url}/_sandbox/calls`)).json()) as {
      services: { iam: { total: number; actions: Record<string, { total: number }> } };
    };
    const { iam } = stats.services;
    expect(Object.fromEntries(Object.entries(iam.actions).map(([action, s]) => [action, s.total]))).toEqual({
      // 600 users with their paths and tags: a first page of 100 (work starts at once), then 500.
      GetAccountAuthorizationDetails: 2,
      ListAccessKeys: 600,
      GetAccessKeyLastUsed: keys,
      GetAccountSummary: 1,
    });
    expect(iam.total / keys).toBeLessThanOrEqual(2.05);
  });

  it("takes each user's path and tags from the listing", async () => {
    // Act
    const result = await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {});
    // Assess
    const byName = new Map(result.users.map((user) => [user.userName, user]));
    const account = synthetic.state.defaultAccount;
    expect(account.userList.some((user) => user.path !== '/')).toBe(true);
    expect(account.userList.some((user) => user.tags.size > 0)).toBe(true);
    for (const user of account.userList) {
      const record = byName.get(user.name);
      expect({ path: record?.path, tags: record?.tags }, user.name).toEqual({
        path: user.path,
        tags: Object.fromEntries(user.tags),
      });
    }
  });

  it('lists the users with ListUsers and reads tags per user when GetAccountAuthorizationDetails is denied', async () => {
    // Prepare
    const expected = await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {});
    await fetch(`${synthetic.url}/_sandbox/reset`, { method: 'POST' });
    synthetic.faults.add({ operation: 'iam:GetAccountAuthorizationDetails', code: 'AccessDenied' });
    const warnings: string[] = [];
    // Act
    const result = await collectLive(
      { iam: client(synthetic.url), concurrency: 8, warn: (message) => warnings.push(message) },
      {},
    );
    // Assess
    // The same users, less their policies: ListUsers does not give them (the privilege reads then
    // ask per user).
    const lessPolicies = (inventory: typeof result) => ({
      ...inventory,
      users: inventory.users.map(({ policies: _, ...user }) => user),
    });
    expect(lessPolicies(result)).toEqual(lessPolicies(expected));
    expect(result.users.filter((user) => !user.isRoot).every((user) => user.policies === null)).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^GetAccountAuthorizationDetails failed \(AccessDenied: .*\); listed the users with ListUsers/,
      ),
    ]);
    const stats = (await (await fetch(`${synthetic.url}/_sandbox/calls`)).json()) as {
      services: { iam: { actions: Record<string, { total: number }> } };
    };
    expect(stats.services.iam.actions.ListUserTags?.total).toBe(600);
  });

  it('pages through a 600-user account and returns each user exactly once', async () => {
    // Act
    const result = await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {});
    // Assess
    const names = result.users.filter((u) => !u.isRoot).map((u) => u.userName);
    expect(names).toHaveLength(600);
    expect(new Set(names).size).toBe(600);
  });

  it('never drops a user silently: under injected failures each user is audited or in the errors', async () => {
    // Prepare
    synthetic.faults.configure({ failRate: 0.2 });
    // Act
    const result = await collectLive({ iam: client(synthetic.url, 1), concurrency: 8 }, {});
    // Assess
    synthetic.faults.configure({ failRate: 0 });
    const all = await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {});
    const audited = new Set(result.users.map((u) => u.userName));
    const failedUsers = new Set(result.errors.map((e) => e.userName));
    expect(result.errors.length).toBeGreaterThan(0);
    if (result.complete) {
      for (const user of all.users) {
        expect(audited.has(user.userName) || failedUsers.has(user.userName), user.userName).toBe(true);
      }
    } else {
      // The listing itself failed: the run must say so.
      expect(result.errors.some((e) => e.operation === 'ListUsers')).toBe(true);
    }
  });

  it('keeps going through throttling, slowing down instead of failing', async () => {
    // Prepare
    // A bucket far below what the sandbox can answer even on a loaded machine, so the audit meets
    // throttling whatever the machine's speed; 150 named users keep the run to a few seconds.
    const named = (await collectLive({ iam: client(synthetic.url), concurrency: 8 }, {})).users
      .filter((u) => !u.isRoot)
      .slice(0, 150)
      .map((u) => u.userName);
    synthetic.faults.configure({ throttleRps: 100 });
    // Act
    const result = await collectLive({ iam: client(synthetic.url, 8), concurrency: 8 }, { userNames: named });
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.users.filter((u) => !u.isRoot).map((u) => u.userName)).toEqual(named);
    const calls = (await (await fetch(`${synthetic.url}/_sandbox/calls`)).json()) as { throttled: number };
    expect(calls.throttled).toBeGreaterThan(0);
  });

  it('stops starting users when the time budget is spent and lists those not reached', async () => {
    // Prepare
    let started = 0;
    // Act
    const result = await collectLive(
      {
        iam: client(synthetic.url),
        concurrency: 4,
        shouldStop: () => {
          started += 1;
          return started > 100;
        },
      },
      {},
    );
    // Assess
    expect(result.complete).toBe(false);
    expect(result.users.filter((u) => !u.isRoot)).toHaveLength(100);
    expect(result.notReached).toHaveLength(500);
  });

  it('reports an unknown named user as an error and audits the others', async () => {
    // Act
    const result = await collectLive(
      { iam: client(sandbox.url), concurrency: 2 },
      { userNames: ['ghost', 'fresh-fred'] },
    );
    // Assess
    expect(result.users.map((u) => u.userName)).toEqual(['fresh-fred']);
    expect(result.errors).toEqual([
      expect.objectContaining({ userName: 'ghost', operation: 'GetUser', code: 'NoSuchEntity' }),
    ]);
  });
});
