import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { inMemoryBudget } from '../../src/org/action-budget.js';
import { accountWorkers } from '../../src/runtime/account-workers.js';
import {
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => organizationFixture());

function workers() {
  return accountWorkers({
    threads: 2,
    clientOptions: { endpoint: env.sandbox.url, region: 'us-east-1' },
    credentials: async () => ({ accessKeyId: ORG_AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' }),
    region: 'us-east-1',
    selfAccessKeyId: ORG_AUDITOR_KEY,
    clock: () => env.sandbox.state.clock.now(),
    logger: { info: () => {}, warn: () => {} },
  });
}

const run = (limit: number) => ({
  runId: 'test-run',
  orchestratorAccountId: MANAGEMENT,
  notify: false,
  budget: inMemoryBudget(limit),
});

describe('Account audits on worker threads (the local organization runner)', () => {
  it('audits an account in a worker thread, through its member role, as in one thread', async () => {
    // Prepare
    const pool = workers();
    try {
      // Act
      const outcome = await pool.audit(
        loadSettings({}),
        { accountId: PAYMENTS, name: 'payments', status: 'ACTIVE' },
        run(100),
      );
      // Assess
      expect(outcome).toMatchObject({ accountId: PAYMENTS, status: 'audited', mode: 'report' });
      expect(outcome.summary?.keysAudited).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('reports an account still running when the run stops as failed, never without an outcome', async () => {
    // Prepare
    const pool = workers();
    const pending = pool.audit(
      loadSettings({}),
      { accountId: PAYMENTS, name: 'payments', status: 'ACTIVE' },
      run(100),
    );
    // Act
    await pool.close();
    // Assess
    await expect(pending).resolves.toMatchObject({
      accountId: PAYMENTS,
      status: 'failed',
      reason: 'the run stopped before its audit finished',
    });
  });
});
