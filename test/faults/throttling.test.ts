import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  ACCOUNTS,
  appliedRefs,
  callStats,
  enforce,
  faultFixture,
  faultFreeBaseline,
  type IamState,
  INVENTORY_SOURCES,
  iamState,
  okCalls,
  resetSandbox,
  sourceKind,
  wrongChanges,
} from '../support/fault-audit.js';

let sandbox: RunningSandbox;
let initial: IamState;
let baseline: IamState;
let baselineDeactivated: string[];

// Every request counts against 20 per second per account, so the synthetic account is kept small
// enough (about 450 requests) for the file to run in well under a minute.
describe('Fault suite: IAM throttled at 20 requests per second', () => {
  beforeAll(async () => {
    sandbox = await startSandbox(faultFixture(100));
    ({ initial, baseline, deactivated: baselineDeactivated } = await faultFreeBaseline(sandbox));
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it.each(INVENTORY_SOURCES)(
    'slows down instead of failing, and reaches exactly the fault-free state (INVENTORY_SOURCE=%s)',
    { timeout: 60_000 },
    async (source) => {
      // Prepare
      await resetSandbox(sandbox.url);
      sandbox.faults.configure({ throttleRps: 20 });
      // Act
      const reports = await Promise.all(
        ACCOUNTS.map((account) => enforce(sandbox.url, account, { env: { INVENTORY_SOURCE: source } })),
      );
      expect(reports.map((report) => report.source.kind)).toEqual([sourceKind(source), sourceKind(source)]);
      // Assess
      sandbox.faults.configure({ throttleRps: 0 });
      const stats = await callStats(sandbox.url);
      expect(stats.throttled).toBeGreaterThan(0);
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      expect(reports.flatMap((report) => report.actions.filter((a) => a.status === 'failed'))).toEqual([]);
      expect(reports.every((report) => report.complete)).toBe(true);
      expect(wrongChanges(initial, baseline, iamState(sandbox))).toEqual([]);
      expect(iamState(sandbox)).toEqual(baseline);
      expect(reports.flatMap(appliedRefs).sort()).toEqual(baselineDeactivated);
      expect(okCalls(stats, 'UpdateAccessKey')).toBe(baselineDeactivated.length);
    },
  );
});
