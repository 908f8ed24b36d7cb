import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from 'zod';
import { faultRuleSchema } from './fixture.js';
import { createRandom, type Random } from './random.js';

/** Injected load faults; all zero means none. Refusals and one-off failures are `FaultRule`s. */
export interface FaultSettings {
  /** Added to every AWS answer, in ms (±20 %, seeded). */
  latencyMs: number;
  /** Requests per second per account before `Throttling` (token bucket of about that size); 0 = off. */
  throttleRps: number;
  /** Share of requests answered `ServiceFailure` 500, from 0 to 1. */
  failRate: number;
}

export const NO_FAULTS: FaultSettings = { latencyMs: 0, throttleRps: 0, failRate: 0 };

/**
 * Requests of `operation` answered `code` instead of served: a refusal from a given call on (a
 * policy changed mid-run), a permission never granted, a one-shot failure of the second page, a
 * race (`NoSuchEntity`), optionally only inside a window of the sandbox clock. See `faultRuleSchema`:
 * `faults.add({ operation: 'iam:UntagUser', params: { UserName: 'bob' }, code: 'AccessDenied', times: 1 })`.
 */
export type FaultRule = z.input<typeof faultRuleSchema>;

/** What a rule makes of a request: the service words each its own way. */
export type RuleAnswer = 'denied' | 'failed' | 'missing';

const ANSWERS: Record<z.output<typeof faultRuleSchema>['code'], RuleAnswer> = {
  AccessDenied: 'denied',
  ServiceFailure: 'failed',
  NoSuchEntity: 'missing',
};

interface ActiveRule {
  rule: FaultRule;
  operation: string;
  params: Readonly<Record<string, string>>;
  answer: RuleAnswer;
  after: number;
  /** Infinity: every later matching request. */
  times: number;
  from: number;
  until: number;
  /** Matching requests this rule has counted. */
  seen: number;
}

function activate(input: FaultRule): ActiveRule {
  const parsed = faultRuleSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'rule'}: ${issue.message}`,
    );
    throw new RangeError(`Invalid fault rule ${JSON.stringify(input)}: ${problems.join('; ')}`);
  }
  const rule = parsed.data;
  return {
    rule: input,
    operation: rule.operation,
    params: rule.params ?? {},
    answer: ANSWERS[rule.code],
    after: rule.after,
    times: rule.times ?? Number.POSITIVE_INFINITY,
    from: rule.from === undefined ? Number.NEGATIVE_INFINITY : new Date(rule.from).getTime(),
    until: rule.until === undefined ? Number.POSITIVE_INFINITY : new Date(rule.until).getTime(),
    seen: 0,
  };
}

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
  private rules: ActiveRule[];
  /** The rules a reset goes back to (the fixture's). */
  private readonly initialRules: readonly FaultRule[];

  constructor(settings: Partial<FaultSettings>, seed: string, rules: readonly FaultRule[] = []) {
    this.settings = validate({ ...NO_FAULTS, ...settings });
    this.seed = seed;
    this.rng = createRandom(`${seed}/faults`);
    this.initialRules = rules;
    this.rules = rules.map(activate);
  }

  /** The current settings. */
  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Changes some settings at run time (a test turning the throttle on for one case). */
  configure(settings: Partial<FaultSettings>): void {
    this.settings = validate({ ...this.settings, ...settings });
    this.buckets.clear();
  }

  /** Back to the start: the seed's first draw, full buckets, the fixture's rules counted afresh. */
  reset(): void {
    this.rng = createRandom(`${this.seed}/faults`);
    this.buckets.clear();
    this.rules = this.initialRules.map(activate);
  }

  /**
   * Adds rules after those in force; the first rule whose turn a request is decides it. Counting
   * starts now. @throws RangeError naming the field of a rule that does not validate.
   */
  add(...rules: FaultRule[]): void {
    this.rules.push(...rules.map(activate));
  }

  /** Drops every rule, the fixture's included, until the next reset. */
  clearRules(): void {
    this.rules = [];
  }

  /** The rules in force, as given, with the matching requests each has counted. */
  get activeRules(): readonly { rule: FaultRule; seen: number }[] {
    return this.rules.map(({ rule, seen }) => ({ rule, seen }));
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

  /**
   * The answer of the first rule whose turn this request is, or null; each matching rule before
   * it counts the request too. `param` reads the request's parameters by name; `now` is the
   * sandbox clock's.
   */
  ruled(operation: string, now: Date, param: (name: string) => string | undefined): RuleAnswer | null {
    const at = now.getTime();
    for (const rule of this.rules) {
      if (rule.operation !== operation || at < rule.from || at >= rule.until) continue;
      if (!Object.entries(rule.params).every(([name, value]) => param(name) === value)) continue;
      rule.seen += 1;
      if (rule.seen > rule.after && rule.seen <= rule.after + rule.times) {
        // A spent one-shot rule leaves the list, so a test can add the next one after it.
        if (rule.seen === rule.after + rule.times) this.rules = this.rules.filter((r) => r !== rule);
        return rule.answer;
      }
    }
    return null;
  }

  /**
   * The injected faults of one request of `operation` (`service:Action`), in the order every
   * service applies them: wait the latency, take a throttle token, draw a failure, then the rules.
   * Each service words the answer its own way (`Throttling` or `SlowDown`, `ServiceFailure` or
   * `InternalError`, `AccessDenied` or `AuthorizationError`).
   */
  async apply(
    accountId: string,
    operation: string,
    now: Date,
    param: (name: string) => string | undefined = () => undefined,
  ): Promise<'throttled' | RuleAnswer | null> {
    const delay = this.latency();
    if (delay > 0) await sleep(delay);
    if (this.throttled(accountId)) return 'throttled';
    if (this.failed()) return 'failed';
    return this.ruled(operation, now, param);
  }
}

function validate(settings: FaultSettings): FaultSettings {
  const { latencyMs, throttleRps, failRate } = settings;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latencyMs must be a number >= 0, got ${latencyMs}`);
  }
  if (!Number.isFinite(throttleRps) || throttleRps < 0) {
    throw new RangeError(`throttleRps must be a number >= 0 (0 turns the throttle off), got ${throttleRps}`);
  }
  if (!Number.isFinite(failRate) || failRate < 0 || failRate > 1) {
    throw new RangeError(`failRate must be between 0 and 1, got ${failRate}`);
  }
  return settings;
}
