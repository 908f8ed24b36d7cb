import { setTimeout as sleep } from 'node:timers/promises';
import { createRandom, type Random } from './random.js';

/** Injected faults; all zero means none. */
export interface FaultSettings {
  /** Added to every AWS answer, in ms (±20 %, seeded). */
  latencyMs: number;
  /** Requests per second per account before `Throttling` (token bucket of about that size); 0 = off. */
  throttleRps: number;
  /** Share of requests answered `ServiceFailure` 500, from 0 to 1. */
  failRate: number;
  /**
   * Refuse operations from a given call on, as the service refuses a caller without permission
   * (a policy or key changed mid-run): a failure the SDK does not retry, so no backoff is waited.
   */
  deny: readonly DenyWindow[];
}

/** Calls `after + 1` to `after + count` of `operation` (`sns:Publish`, `s3:PutObject`) are refused. */
export interface DenyWindow {
  operation: string;
  /** Calls let through first, counted from `configure` or `reset`. */
  after: number;
  /** Calls refused after those; absent = every later call. */
  count?: number;
}

export const NO_FAULTS: FaultSettings = { latencyMs: 0, throttleRps: 0, failRate: 0, deny: [] };

/**
 * A failure a test plans for particular requests, where a failure rate would hit any of them:
 * `faults.failNext({ action: 'UntagUser', params: { UserName: 'bob' }, code: 'AccessDenied' })`.
 */
export interface PlannedFailure {
  /** The operation, e.g. `UntagUser`. */
  action: string;
  /** Only requests whose parameters have these values (`{ UserName: 'bob' }`). */
  params?: Readonly<Record<string, string>>;
  /**
   * The answer: `ServiceFailure` 500 (the default), `AccessDenied` 403 (which the SDK does not
   * retry), or `NoSuchEntity` 404 (the user deleted between two calls, a race no fixture shows).
   */
  code?: 'ServiceFailure' | 'AccessDenied' | 'NoSuchEntity';
  /** Matching requests let through before the failures start (the second page: 1). Default 0. */
  after?: number;
  /** Matching requests that fail, then the plan is spent. Default 1. */
  times?: number;
}

type Plan = Required<PlannedFailure>;

interface Bucket {
  tokens: number;
  /** performance.now() of the last refill. */
  at: number;
}

/**
 * Seeded fault injection: latency, a per-account token-bucket throttle and a failure rate. The
 * same seed and request sequence give the same faults, so a flaky-looking test is reproducible.
 */
export class Faults {
  private settings: FaultSettings;
  private readonly seed: string;
  private rng: Random;
  private buckets = new Map<string, Bucket>();
  /** Calls of each deny window's operation seen so far. */
  private denyCalls: number[] = [];
  private plans: Plan[] = [];

  constructor(settings: Partial<FaultSettings>, seed: string) {
    this.settings = validate({ ...NO_FAULTS, ...settings });
    this.seed = seed;
    this.rng = createRandom(`${seed}/faults`);
  }

  /** The current settings. */
  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Changes some settings at run time (a test turning the throttle on for one case). */
  configure(settings: Partial<FaultSettings>): void {
    this.settings = validate({ ...this.settings, ...settings });
    this.buckets.clear();
    this.denyCalls = [];
  }

  /** Back to the start: the seed's first draw, full buckets and no planned failure. */
  reset(): void {
    this.rng = createRandom(`${this.seed}/faults`);
    this.buckets.clear();
    this.denyCalls = [];
    this.plans = [];
  }

  /** Plans a failure of the next request(s) that match; see `PlannedFailure`. */
  failNext(failure: PlannedFailure): void {
    const { action, params = {}, code = 'ServiceFailure', after = 0, times = 1 } = failure;
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(times) || times < 1) {
      throw new RangeError(`after must be an integer >= 0 and times >= 1, got ${after} and ${times}`);
    }
    this.plans.push({ action, params, code, after, times });
  }

  /**
   * The planned failure this request meets, or null; the first plan that matches decides, and
   * counts the request. `param` reads the request's parameters by name.
   */
  planned(action: string, param: (name: string) => string | undefined): Plan['code'] | null {
    const plan = this.plans.find(
      (candidate) =>
        candidate.action === action &&
        Object.entries(candidate.params).every(([name, value]) => param(name) === value),
    );
    if (!plan) return null;
    if (plan.after > 0) {
      plan.after -= 1;
      return null;
    }
    plan.times -= 1;
    if (plan.times === 0) this.plans = this.plans.filter((candidate) => candidate !== plan);
    return plan.code;
  }

  /** Milliseconds to delay this answer (0 when latency is off). */
  latency(): number {
    const { latencyMs } = this.settings;
    return latencyMs > 0 ? Math.round(latencyMs * (0.8 + 0.4 * this.rng.next())) : 0;
  }

  /** Takes a token from the account's bucket; true when there was none (answer `Throttling`). */
  throttled(accountId: string, now = performance.now()): boolean {
    const rps = this.settings.throttleRps;
    if (rps <= 0) return false;
    // A bucket of about one second's worth, so a burst of R requests passes and then R per second.
    const capacity = Math.max(1, rps);
    let bucket = this.buckets.get(accountId);
    if (!bucket) {
      bucket = { tokens: capacity, at: now };
      this.buckets.set(accountId, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rps);
    bucket.at = now;
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  /** True when this request should fail with `ServiceFailure` (seeded draw). */
  failed(): boolean {
    const { failRate } = this.settings;
    return failRate > 0 && this.rng.next() < failRate;
  }

  /** True when this call of `operation` (`service:Action`) falls in a deny window; counts it. */
  denied(operation: string): boolean {
    let denied = false;
    this.settings.deny.forEach((window, i) => {
      if (window.operation !== operation) return;
      const call = (this.denyCalls[i] ?? 0) + 1;
      this.denyCalls[i] = call;
      if (call > window.after && (window.count === undefined || call <= window.after + window.count)) {
        denied = true;
      }
    });
    return denied;
  }

  /**
   * The injected faults of one request of `operation` (`service:Action`), in the order every
   * service applies them: wait the latency, take a throttle token, draw a failure, then the deny
   * window. Each service words the answer its own way (`Throttling` or `SlowDown`, `ServiceFailure`
   * or `InternalError`, `AccessDenied` or `AuthorizationError`).
   */
  async apply(accountId: string, operation: string): Promise<'throttled' | 'failed' | 'denied' | null> {
    const delay = this.latency();
    if (delay > 0) await sleep(delay);
    if (this.throttled(accountId)) return 'throttled';
    if (this.failed()) return 'failed';
    return this.denied(operation) ? 'denied' : null;
  }
}

function validate(settings: FaultSettings): FaultSettings {
  const { latencyMs, throttleRps, failRate, deny } = settings;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latencyMs must be a number >= 0, got ${latencyMs}`);
  }
  if (!Number.isFinite(throttleRps) || throttleRps < 0) {
    throw new RangeError(`throttleRps must be a number >= 0 (0 turns the throttle off), got ${throttleRps}`);
  }
  if (!Number.isFinite(failRate) || failRate < 0 || failRate > 1) {
    throw new RangeError(`failRate must be between 0 and 1, got ${failRate}`);
  }
  for (const window of deny) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(window.operation)) {
      throw new RangeError(
        `deny.operation must be service:Action (e.g. sns:Publish), got ${window.operation}`,
      );
    }
    for (const [name, value] of [
      ['after', window.after],
      ['count', window.count ?? 1],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`deny.${name} must be an integer >= 0, got ${value}`);
      }
    }
  }
  return settings;
}
