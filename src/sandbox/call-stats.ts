export interface ActionStats {
  /** Every request, throttled and failed ones included. */
  total: number;
  /** Answered `Throttling` by the injected throttle. */
  throttled: number;
  /** Answered `ServiceFailure` by the injected failure rate. */
  failed: number;
  /** Answered with any other AWS error (NoSuchEntity, ValidationError, InvalidAction, ...). */
  errors: number;
}

export interface ServiceStats extends ActionStats {
  actions: Record<string, ActionStats>;
}

/** Call counts (served by `GET /_sandbox/calls`): overall, then by service, then by action. */
export interface CallStats extends ActionStats {
  services: Record<string, ServiceStats>;
}

export type CallOutcome = 'ok' | 'throttled' | 'failed' | 'error';

const emptyStats = (): ActionStats => ({ total: 0, throttled: 0, failed: 0, errors: 0 });

/** Counts every AWS request by service and action, so tests and benchmarks can assert on calls made. */
export class CallCounter {
  private readonly byService = new Map<string, Map<string, ActionStats>>();

  record(service: string, action: string, outcome: CallOutcome): void {
    let byAction = this.byService.get(service);
    if (!byAction) {
      byAction = new Map();
      this.byService.set(service, byAction);
    }
    let stats = byAction.get(action);
    if (!stats) {
      stats = emptyStats();
      byAction.set(action, stats);
    }
    stats.total++;
    if (outcome === 'throttled') stats.throttled++;
    else if (outcome === 'failed') stats.failed++;
    else if (outcome === 'error') stats.errors++;
  }

  /** A copy, summed by service and overall. */
  snapshot(): CallStats {
    const result: CallStats = { ...emptyStats(), services: {} };
    for (const [service, byAction] of this.byService) {
      const serviceStats: ServiceStats = { ...emptyStats(), actions: {} };
      for (const [action, stats] of byAction) {
        serviceStats.actions[action] = { ...stats };
        for (const sum of [serviceStats, result]) {
          sum.total += stats.total;
          sum.throttled += stats.throttled;
          sum.failed += stats.failed;
          sum.errors += stats.errors;
        }
      }
      result.services[service] = serviceStats;
    }
    return result;
  }
}
