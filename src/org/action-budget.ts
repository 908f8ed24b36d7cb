/**
 * The organization cap (`maxActionsPerOrganizationRun`) as a budget of deactivations shared by the
 * accounts of one run. An account's audit may deactivate at most what it was granted when it
 * started (its own cap lowered to that); once the accounts' deactivations use the budget up, the
 * accounts still to come are audited in report mode. An account that finds the budget held by
 * audits still running waits for them to settle rather than being demoted for keys they may never
 * deactivate. The run as a whole never deactivates more than the cap.
 */
export interface ActionBudget {
  /** Takes up to `wanted` deactivations off the budget; resolves to how many were granted (0: none left). */
  reserve(wanted: number): Promise<number>;
  /** Settles a reservation: `used` of the `granted` deactivations were made, the rest is given back. */
  settle(granted: number, used: number): Promise<void>;
}

/** A budget held in memory: the local runner's, where every account runs in one process. */
export function inMemoryBudget(limit: number): ActionBudget {
  let consumed = 0;
  let outstanding = 0;
  let waiters: (() => void)[] = [];
  const remaining = () => Math.max(0, limit - consumed - outstanding);
  return {
    async reserve(wanted) {
      while (remaining() === 0 && outstanding > 0) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      const granted = Math.min(Math.max(0, wanted), remaining());
      outstanding += granted;
      return granted;
    },
    async settle(granted, used) {
      outstanding -= granted;
      consumed += used;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}
