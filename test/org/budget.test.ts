import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type ActionBudget, inMemoryBudget } from '../../src/org/action-budget.js';
import { type BudgetTiming, s3Budget } from '../../src/org/s3-budget.js';
import {
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  organizationFixture,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

// The organization cap's two budgets: in memory (the local runner) and the ledger in S3 (one
// Lambda per account on Step Functions), through the real S3 client on the sandbox.

const env = useSandbox(() => organizationFixture());
const s3 = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    credentials: { accessKeyId: ORG_AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
  });

/** No real waiting between attempts: the next turn of the event loop. */
const noWait: Partial<BudgetTiming> = { pause: () => new Promise((resolve) => setImmediate(resolve)) };

/** The S3 budget of one account (`2000000000NN`) in run `run-1`, against `limit`. */
const accountBudget = (client: S3Client, n: number, limit: number, timing = noWait) =>
  s3Budget(
    client,
    {
      bucket: ORG_BUCKET,
      owner: MANAGEMENT,
      runId: 'run-1',
      accountId: `2000000000${String(n).padStart(2, '0')}`,
    },
    limit,
    timing,
  );

/** What an account's audit does with its budget: reserve, deactivate all it was granted, settle. */
async function audit(budget: ActionBudget, wanted: number): Promise<number> {
  const granted = await budget.reserve(wanted);
  await budget.settle(granted, granted);
  return granted;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('Function: s3Budget (the organization cap on Step Functions)', () => {
  afterEach(() => {
    env.sandbox.faults.configure({ latencyMs: 0 });
  });

  it('never grants more than the cap to twenty accounts reserving at the same moment (20 ms S3 latency)', {
    timeout: 60_000,
  }, async () => {
    // Prepare: every S3 answer takes about 20 ms, so the twenty reservations overlap.
    env.sandbox.faults.configure({ latencyMs: 20 });
    const client = s3();
    // Act: twenty account audits, each wanting 25, against a cap of 100.
    const granted = await Promise.all(
      Array.from({ length: 20 }, (_, n) => audit(accountBudget(client, n, 100), 25)),
    );
    // Assess
    expect(sum(granted)).toBe(100);
    expect(granted.filter((g) => g > 0)).toEqual([25, 25, 25, 25]);
  });

  it('gives back what a settled reservation did not use, and the next reservation gets it', async () => {
    // Prepare
    const client = s3();
    const [a, b, c] = [1, 2, 3].map((n) => accountBudget(client, n, 100)) as [
      ActionBudget,
      ActionBudget,
      ActionBudget,
    ];
    // Act: A and B reserve, A uses 10 of its 60, then C asks for 60.
    const grantedA = await a.reserve(60);
    const grantedB = await b.reserve(60);
    await a.settle(grantedA, 10);
    const grantedC = await c.reserve(60);
    await b.settle(grantedB, 40);
    await c.settle(grantedC, 0);
    const grantedD = await accountBudget(client, 4, 100).reserve(100);
    // Assess: B got the 40 A left; C the 50 A gave back; D what B and C did not use (100 - 10 - 40).
    expect([grantedA, grantedB, grantedC, grantedD]).toEqual([60, 40, 50, 50]);
  });

  it('keeps the ledger in the report bucket encrypted (SSE-S3 asked on every write), as every object the functions write', async () => {
    // Act
    await audit(accountBudget(s3(), 1, 100), 5);
    // Assess
    const objects = [...(env.sandbox.state.buckets.get(ORG_BUCKET)?.objects.values() ?? [])];
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(object.sseRequested).toBe('AES256');
  });

  it('makes an account wait for running audits to give budget back, then grants what they gave', async () => {
    // Prepare: A holds the whole budget.
    const client = s3();
    const a = accountBudget(client, 1, 30);
    const grantedA = await a.reserve(30);
    let waits = 0;
    const b = accountBudget(client, 2, 30, {
      pause: async () => {
        waits += 1;
        // A finishes while B waits, having used 12.
        if (waits === 2) await a.settle(grantedA, 12);
      },
    });
    // Act
    const grantedB = await b.reserve(25);
    // Assess
    expect(grantedA).toBe(30);
    expect(waits).toBe(2);
    expect(grantedB).toBe(18);
  });

  it('grants nothing, without waiting, once settled audits have used the whole budget', async () => {
    // Prepare
    const client = s3();
    await audit(accountBudget(client, 1, 5), 5);
    let waits = 0;
    // Act
    const granted = await accountBudget(client, 2, 5, {
      pause: async () => {
        waits += 1;
      },
    }).reserve(5);
    // Assess
    expect(granted).toBe(0);
    expect(waits).toBe(0);
  });

  it('stops waiting for a reservation older than a Lambda can run, and counts it as used', async () => {
    // Prepare: A reserved everything, then its Lambda died without settling.
    const client = s3();
    const start = new Date('2026-11-20T10:00:00Z');
    await accountBudget(client, 1, 10, { ...noWait, now: () => start }).reserve(10);
    let waits = 0;
    const later = new Date(start.getTime() + 16 * 60_000);
    // Act
    const granted = await accountBudget(client, 2, 10, {
      pause: async () => {
        waits += 1;
      },
      now: () => later,
    }).reserve(10);
    // Assess
    expect(granted).toBe(0);
    expect(waits).toBe(0);
  });

  it('audits in report mode (grants 0) when running audits hold the budget past the longest wait', async () => {
    // Prepare
    const client = s3();
    await accountBudget(client, 1, 10).reserve(10);
    let waited = 0;
    // Act
    const granted = await accountBudget(client, 2, 10, {
      pause: async (ms) => {
        waited += ms;
      },
      maxWaitMs: 60_000,
    }).reserve(10);
    // Assess
    expect(granted).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(waited).toBeLessThan(70_000);
  });
});

describe('Function: inMemoryBudget (the organization cap of the local runner)', () => {
  it('gives back what a settled reservation did not use, and the next reservation gets it', async () => {
    // Prepare
    const budget = inMemoryBudget(100);
    // Act
    const grantedA = await budget.reserve(60);
    const grantedB = await budget.reserve(60);
    await budget.settle(grantedA, 10);
    const grantedC = await budget.reserve(60);
    await budget.settle(grantedB, 40);
    await budget.settle(grantedC, 0);
    const grantedD = await budget.reserve(100);
    // Assess
    expect([grantedA, grantedB, grantedC, grantedD]).toEqual([60, 40, 50, 50]);
  });

  it('never grants more than the cap to twenty accounts reserving at the same moment', async () => {
    // Prepare
    const budget = inMemoryBudget(100);
    // Act
    const granted = await Promise.all(Array.from({ length: 20 }, () => audit(budget, 25)));
    // Assess
    expect(sum(granted)).toBe(100);
  });

  it('makes an account wait for a running audit to settle, then grants what it gave back', async () => {
    // Prepare
    const budget = inMemoryBudget(30);
    const grantedA = await budget.reserve(30);
    // Act
    const pendingB = budget.reserve(25);
    await budget.settle(grantedA, 12);
    // Assess
    expect(await pendingB).toBe(18);
  });
});
