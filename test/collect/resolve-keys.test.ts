import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectFromCredentialReport } from '../../src/collect/credential-report-collector.js';
import { resolveUsers, slotHint } from '../../src/collect/resolve-keys.js';
import type { KeyRecord, UserRecord } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const reportKey = (slot: 1 | 2, createDate: string): KeyRecord => ({
  accessKeyId: null,
  slot,
  status: 'Active',
  createDate: new Date(createDate),
  lastUsed: null,
});

describe('Function: slotHint', () => {
  const keys = [reportKey(1, '2026-01-01T08:00:00Z'), reportKey(2, '2026-01-01T17:30:00Z')];

  it('names the one slot created in the same second as the key', () => {
    expect(slotHint(keys, new Date('2026-01-01T17:30:00.400Z'))).toBe(2);
    expect(slotHint(keys, new Date('2026-01-01T08:00:00Z'))).toBe(1);
  });

  it('gives no hint when no slot or both slots match', () => {
    expect(slotHint(keys, new Date('2026-01-01T12:00:00Z'))).toBeNull();
    expect(
      slotHint(
        [reportKey(1, '2026-01-01T08:00:00Z'), reportKey(2, '2026-01-01T08:00:00Z')],
        new Date('2026-01-01T08:00:00Z'),
      ),
    ).toBeNull();
    expect(slotHint(keys, null)).toBeNull();
  });
});

describe('Function: resolveUsers', () => {
  let sandbox: RunningSandbox;
  let reportUsers: UserRecord[];
  const client = (maxAttempts: number) =>
    new IAMClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts, retryMode: 'adaptive' });

  beforeAll(async () => {
    sandbox = await startSandbox({ synthetic: { users: 120, seed: 11 } });
    const inventory = await collectFromCredentialReport(
      {
        iam: client(3),
        clock: () => sandbox.state.clock.now(),
        maxAgeMs: 3_600_000,
        maxWaitMs: 5000,
        concurrency: 4,
      },
      {},
    );
    reportUsers = inventory.users.filter((u) => !u.isRoot && u.keys.length > 0);
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.faults.configure({ failRate: 0, throttleRps: 0 });
  });

  it('replaces slot-only keys with live keys and keeps tags and paths', async () => {
    // Act
    const result = await resolveUsers({ iam: client(3), concurrency: 4 }, reportUsers);
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.users.map((u) => u.userName)).toEqual(reportUsers.map((u) => u.userName));
    for (const [i, user] of result.users.entries()) {
      const source = sandbox.state.findUser(sandbox.state.defaultAccountId, user.userName);
      expect(user.keys.map((k) => k.accessKeyId)).toEqual(source?.keys.map((k) => k.id));
      expect(user.tags).toBe(reportUsers[i]?.tags);
      expect(user.path).toBe(reportUsers[i]?.path);
    }
  });

  it('never drops a user or key silently: what still fails after retries is an error entry', async () => {
    // Prepare
    sandbox.faults.configure({ failRate: 0.3 });
    // Act
    const result = await resolveUsers({ iam: client(1), concurrency: 4 }, reportUsers);
    // Assess
    expect(result.errors.length).toBeGreaterThan(0);
    for (const user of result.users) {
      const source = sandbox.state.findUser(sandbox.state.defaultAccountId, user.userName);
      const userFailed = result.errors.some((e) => e.userName === user.userName && e.accessKeyId === null);
      if (userFailed) {
        // Keys still unknown: the record stays the report's, with no key id to act on.
        expect(user.keys.every((k) => k.accessKeyId === null)).toBe(true);
        continue;
      }
      for (const key of source?.keys ?? []) {
        const read = user.keys.some((k) => k.accessKeyId === key.id);
        const failed = result.errors.some(
          (e) => e.accessKeyId === key.id && e.operation === 'GetAccessKeyLastUsed',
        );
        expect(read || failed, `${user.userName} ${key.id}`).toBe(true);
      }
    }
  });

  it('slows down under throttling instead of failing', async () => {
    // Prepare
    sandbox.faults.configure({ throttleRps: 20 });
    // Act
    const result = await resolveUsers({ iam: client(8), concurrency: 8 }, reportUsers.slice(0, 15));
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.users.every((u) => u.keys.every((k) => k.accessKeyId !== null))).toBe(true);
    expect(sandbox.state.calls().throttled).toBeGreaterThan(0);
  });

  it('stops starting users when told to, and lists them', async () => {
    // Prepare
    let asked = 0;
    // Act
    const result = await resolveUsers(
      { iam: client(3), concurrency: 1, shouldStop: () => ++asked > 3 },
      reportUsers.slice(0, 10),
    );
    // Assess
    expect(result.notReached).toEqual(reportUsers.slice(3, 10).map((u) => u.userName));
    expect(result.users.slice(3).every((u) => u.keys.every((k) => k.accessKeyId === null))).toBe(true);
  });
});
