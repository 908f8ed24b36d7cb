import { AdaptiveRetryStrategy, type RateLimiter } from '@smithy/core/retry';

/** The SDK's CUBIC constants (smithy's DefaultRateLimiter): cut to 70 %, regrow by 0.4 t³. */
const BETA = 0.7;
const SCALE = 0.4;
const MIN_RATE = 0.5;
/** The sending rate is the responses of the last second. */
const WINDOW_MS = 1000;

/** The limiter's clock, in milliseconds; tests pass one they move by hand. */
export interface LimiterTime {
  now: () => number;
  sleep: (ms: number) => Promise<unknown>;
}

const REAL_TIME: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The SDK's adaptive rate limiting (off until a call is throttled; then a token bucket whose rate
 * is cut to 70 % of the sending rate on a throttle and regrows along a cubic curve) with two
 * changes that keep a throttled audit at the account's quota instead of far below it:
 *
 * - One cut per throttled round. The SDK cuts on every throttled response: with n calls in flight,
 *   one burst over the limit throttles up to n of them and the rate falls to 0.7^n (8 calls: 6 %).
 *   Here the throttles of calls already in flight at a cut do not cut again.
 * - The sending rate is the responses of the last second. The SDK's is a smoothed average of
 *   half-second buckets that starts at 0, so a throttle in the first second of sending (the first
 *   burst after listing the users) cuts to almost nothing and the rate takes seconds to regrow.
 */
export class RoundRateLimiter implements RateLimiter {
  private readonly time: LimiterTime;
  /** Calls per second; Infinity until the first throttle. */
  private rate = Number.POSITIVE_INFINITY;
  private tokens = 0;
  private refilledAt = 0;
  /** The sending rate at the last cut, and when it was. */
  private lastMaxRate = 0;
  private cutAt = 0;
  /** When each response of the last second came. */
  private readonly responses: number[] = [];
  private inFlight = 0;
  /** Responses still due from calls sent before the last cut. */
  private dueFromBeforeCut = 0;

  /** A ceiling the rate never exceeds, for a service with a published quota (CloudTrail: 2 a second). */
  private readonly maxRate: number;

  /**
   * @param options.maxRate - start at this rate, with a full second's burst, and never exceed it
   *   (default: no ceiling, and no limit until the first throttle).
   */
  constructor(time: LimiterTime = REAL_TIME, options: { maxRate?: number } = {}) {
    this.time = time;
    this.maxRate = options.maxRate ?? Number.POSITIVE_INFINITY;
    if (this.maxRate !== Number.POSITIVE_INFINITY) {
      this.rate = this.maxRate;
      this.tokens = Math.max(this.maxRate, 1);
      this.refilledAt = time.now();
    }
  }

  async getSendToken(): Promise<void> {
    if (this.rate !== Number.POSITIVE_INFINITY) {
      this.refill();
      // Within rounding of a whole token is a token: a sleep too short to move the clock must not loop.
      while (this.tokens < 1 - 1e-9) {
        await this.time.sleep(((1 - this.tokens) / this.rate) * 1000);
        this.refill();
      }
      this.tokens = Math.max(0, this.tokens - 1);
    }
    this.inFlight += 1;
  }

  /** Called with every response: `{}` for a success, the retry error info for a failure. */
  updateClientSendingRate(response: unknown): void {
    const now = this.time.now();
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.responses.push(now);
    while ((this.responses[0] ?? now) <= now - WINDOW_MS) this.responses.shift();
    const measured = this.responses.length;
    const throttled = (response as { errorType?: unknown } | undefined)?.errorType === 'THROTTLING';
    if (this.dueFromBeforeCut > 0) {
      this.dueFromBeforeCut -= 1;
      if (throttled) return;
    }
    if (throttled) {
      this.dueFromBeforeCut = this.inFlight;
      this.lastMaxRate = Math.min(measured, this.rate);
      this.cutAt = now;
      this.setRate(this.lastMaxRate * BETA, now);
    } else if (this.lastMaxRate > 0) {
      // Back to the rate of the last cut after `window` seconds, then beyond it.
      const window = Math.cbrt((this.lastMaxRate * (1 - BETA)) / SCALE);
      const grown = SCALE * ((now - this.cutAt) / 1000 - window) ** 3 + this.lastMaxRate;
      this.setRate(Math.min(grown, 2 * measured), now);
    }
  }

  private setRate(rate: number, now: number): void {
    this.refill(now);
    this.rate = Math.min(Math.max(rate, MIN_RATE), this.maxRate);
    // At most a second's worth of calls in a burst.
    this.tokens = Math.min(this.tokens, Math.max(this.rate, 1));
  }

  private refill(now = this.time.now()): void {
    if (this.rate !== Number.POSITIVE_INFINITY) {
      const capacity = Math.max(this.rate, 1);
      this.tokens = Math.min(capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    }
    this.refilledAt = now;
  }
}

/**
 * The SDK's `adaptive` retry mode (backoff plus client-side rate limiting) with the rate limiter
 * above. One per client: the limiter measures that client's own calls.
 *
 * @example
 * new IAMClient({ retryStrategy: adaptiveRetryStrategy(8) });
 */
export function adaptiveRetryStrategy(maxAttempts: number): AdaptiveRetryStrategy {
  return new AdaptiveRetryStrategy(maxAttempts, { rateLimiter: new RoundRateLimiter() });
}
