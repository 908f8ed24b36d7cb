/** vitest helpers of the fault suite (kept apart from fault-audit.ts, which the child process imports). */
import { afterAll, beforeAll, expect } from 'vitest';
import type { CallStats, FaultSettings, RunningSandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import {
  ACCOUNTS,
  appliedRefs,
  callStats,
  enforce,
  faultFixture,
  faultFreeBaseline,
  type IamState,
  type INVENTORY_SOURCES,
  iamState,
  okCalls,
  resetSandbox,
  sourceKind,
  wrongChanges,
} from './fault-audit.js';

/** A sandbox of acme plus a synthetic account, and its fault-free enforce run. Filled in beforeAll. */
export interface FaultSandbox {
  sandbox: RunningSandbox;
  /** IAM as the fixture loads it. */
  initial: IamState;
  /** IAM after the fault-free enforce run of every account. */
  baseline: IamState;
  /** Keys the fault-free run deactivates, as `account/user/keyId`, sorted. */
  deactivated: string[];
}

/** Starts the suite's sandbox before the tests of the calling `describe` and closes it after them. */
export function useFaultSandbox(syntheticUsers: number): FaultSandbox {
  const suite = {} as FaultSandbox;
  beforeAll(async () => {
    suite.sandbox = await startSandbox(faultFixture(syntheticUsers));
    const { initial, baseline, deactivated } = await faultFreeBaseline(suite.sandbox);
    Object.assign(suite, { initial, baseline, deactivated });
  });
  afterAll(async () => {
    await suite.sandbox.close();
  });
  return suite;
}

/**
 * Runs every account in enforce mode from the fixture under `faults` (with the SDK's retries) and
 * asserts what such a run must achieve: the fault-free IAM state, no error or failed action, a
 * complete report, the same keys deactivated, and each one once. Returns the call counts.
 */
export async function expectFaultFreeOutcomeUnder(
  suite: FaultSandbox,
  faults: Partial<FaultSettings>,
  source: (typeof INVENTORY_SOURCES)[number],
): Promise<CallStats> {
  const { sandbox, initial, baseline, deactivated } = suite;
  await resetSandbox(sandbox.url);
  sandbox.faults.configure(faults);
  const reports = await Promise.all(
    ACCOUNTS.map((account) => enforce(sandbox.url, account, { env: { INVENTORY_SOURCE: source } })),
  ).finally(() => sandbox.faults.configure({ latencyMs: 0, throttleRps: 0, failRate: 0 }));
  const stats = await callStats(sandbox.url);
  expect(reports.map((report) => report.source.kind)).toEqual(ACCOUNTS.map(() => sourceKind(source)));
  expect(reports.flatMap((report) => report.errors)).toEqual([]);
  expect(reports.flatMap((report) => report.actions.filter((a) => a.status === 'failed'))).toEqual([]);
  expect(reports.every((report) => report.complete)).toBe(true);
  expect(wrongChanges(initial, baseline, iamState(sandbox))).toEqual([]);
  expect(iamState(sandbox)).toEqual(baseline);
  expect(reports.flatMap(appliedRefs).sort()).toEqual(deactivated);
  expect(okCalls(stats, 'UpdateAccessKey')).toBe(deactivated.length);
  return stats;
}
