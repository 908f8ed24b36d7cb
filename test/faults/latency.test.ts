import { describe, expect, it } from 'vitest';
import { INVENTORY_SOURCES } from '../support/fault-audit.js';
import { expectFaultFreeOutcomeUnder, useFaultSandbox } from '../support/fault-suite.js';

// Actions run one at a time (three requests each), so at 500 ms a request the synthetic account is
// kept to a few deactivations; the inventory runs 32 users at a time.
describe('Fault suite: 500 ms added to every AWS answer', () => {
  const suite = useFaultSandbox(25);

  it.each(INVENTORY_SOURCES)(
    'reaches exactly the fault-free state (INVENTORY_SOURCE=%s)',
    { timeout: 60_000 },
    async (source) => {
      // Act
      const stats = await expectFaultFreeOutcomeUnder(suite, { latencyMs: 500 }, source);
      // Assess: the slow answers all arrived; none turned into a fault.
      expect(stats.total).toBeGreaterThan(40);
      expect(stats.failed + stats.throttled).toBe(0);
    },
  );
});
