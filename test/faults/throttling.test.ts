import { describe, expect, it } from 'vitest';
import { INVENTORY_SOURCES } from '../support/fault-audit.js';
import { expectFaultFreeOutcomeUnder, useFaultSandbox } from '../support/fault-suite.js';

// Every request counts against 20 per second per account, so the synthetic account is kept small
// enough (about 450 requests on the live path) for the file to run in well under a minute.
describe('Fault suite: IAM throttled at 20 requests per second', () => {
  const suite = useFaultSandbox(100);

  it.each(INVENTORY_SOURCES)(
    'slows down instead of failing, and reaches exactly the fault-free state (INVENTORY_SOURCE=%s)',
    { timeout: 60_000 },
    async (source) => {
      // Act
      const stats = await expectFaultFreeOutcomeUnder(suite, { throttleRps: 20 }, source);
      // Assess: the throttle did bite.
      expect(stats.throttled).toBeGreaterThan(0);
    },
  );
});
