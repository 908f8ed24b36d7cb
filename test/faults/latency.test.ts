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

// Actions run one at a time (three requests each), so at 500 ms a request the synthetic account is
// kept to a few deactivations; the inventory runs 32 users at a time.
describe('Fault suite: 500 ms added to every AWS answer', () => {
  beforeAll(async () => {
    sandbox = await startSandbox(faultFixture(25));
    ({ initial, baseline, deactivated: baselineDeactivated } = await faultFreeBaseline(sandbox));
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it.each(INVENTORY_SOURCES)(
    'reaches exactly the fault-free state (INVENTORY_SOURCE=%s)',
    { timeout: 60_000 },
    async (source) => {
      // Prepare
      await resetSandbox(sandbox.url);
      sandbox.faults.configure({ latencyMs: 500 });
      // Act
      const reports = await Promise.all(
        ACCOUNTS.map((account) => enforce(sandbox.url, account, { env: { INVENTORY_SOURCE: source } })),
      );
      expect(reports.map((report) => report.source.kind)).toEqual([sourceKind(source), sourceKind(source)]);
      // Assess
      sandbox.faults.configure({ latencyMs: 0 });
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      expect(reports.every((report) => report.complete)).toBe(true);
      expect(wrongChanges(initial, baseline, iamState(sandbox))).toEqual([]);
      expect(iamState(sandbox)).toEqual(baseline);
      expect(reports.flatMap(appliedRefs).sort()).toEqual(baselineDeactivated);
      expect(okCalls(await callStats(sandbox.url), 'UpdateAccessKey')).toBe(baselineDeactivated.length);
    },
  );
});
