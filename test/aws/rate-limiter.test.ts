import { describe, expect, it } from 'vitest';
import { type LimiterTime, RoundRateLimiter } from '../../src/aws/rate-limiter.js';

const THROTTLED = { errorType: 'THROTTLING' };

/** A clock that only moves when the limiter sleeps or the test says so. */
function fakeTime() {
  let now = 0;
  const time: LimiterTime = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return { time, now: () => now, advance: (ms: number) => (now += ms) };
}

/** Sends and answers `calls` calls evenly over `ms`, as a client unhindered by the limiter. */
async function sendEvenly(
  limiter: RoundRateLimiter,
  clock: ReturnType<typeof fakeTime>,
  calls: number,
  ms: number,
) {
  for (let i = 0; i < calls; i++) {
    await limiter.getSendToken();
    clock.advance(ms / calls);
    limiter.updateClientSendingRate({});
  }
}

/** Milliseconds the limiter makes `calls` sends wait. */
async function timeToSend(limiter: RoundRateLimiter, clock: ReturnType<typeof fakeTime>, calls: number) {
  const started = clock.now();
  for (let i = 0; i < calls; i++) await limiter.getSendToken();
  return clock.now() - started;
}

describe('Class: RoundRateLimiter', () => {
  it('does not hold any call back until one is throttled', async () => {
    // Prepare
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    // Act
    const waited = await timeToSend(limiter, clock, 500);
    // Assess
    expect(waited).toBe(0);
  });

  it("after a throttle, sends at 70 % of the last second's rate", async () => {
    // Prepare: 40 responses in a second, the last one throttled.
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    await sendEvenly(limiter, clock, 39, 1000);
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    // Act
    const waited = await timeToSend(limiter, clock, 28);
    // Assess: 0.7 x 40 = 28 calls a second.
    expect(waited).toBeCloseTo(1000, 3);
  });

  it('cuts the rate once when one burst throttles all eight calls in flight', async () => {
    // Prepare
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    await sendEvenly(limiter, clock, 39, 1000);
    for (let i = 0; i < 8; i++) await limiter.getSendToken();
    // Act
    for (let i = 0; i < 8; i++) limiter.updateClientSendingRate(THROTTLED);
    const waited = await timeToSend(limiter, clock, 28);
    // Assess: 0.7 x 40 (the responses of the second before the first throttle), not 0.7^8 of it.
    expect(waited).toBeCloseTo(1000, 3);
  });

  it('cuts again when a call sent after the cut is throttled', async () => {
    // Prepare: cut to 28 a second, and the round of that cut answered.
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    await sendEvenly(limiter, clock, 39, 1000);
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    // Act
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    const waited = await timeToSend(limiter, clock, 19);
    // Assess: 0.7 x 28 = 19.6 a second.
    expect(waited).toBeGreaterThan(900);
    expect(waited).toBeLessThan(1000);
  });

  it('cuts from the burst it saw, not from the idle time before it', async () => {
    // Prepare: nothing for five seconds, then 30 calls in 300 ms and a throttle.
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    clock.advance(5000);
    await sendEvenly(limiter, clock, 30, 300);
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    // Act
    const waited = await timeToSend(limiter, clock, 21);
    // Assess: 0.7 x 31 responses in the last second: 21 calls in a second.
    expect(waited).toBeLessThan(1000);
  });

  it('grows back to the rate of the cut within seconds, and past it', async () => {
    // Prepare: cut from 40 a second to 28.
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time);
    await sendEvenly(limiter, clock, 39, 1000);
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    const cutAt = clock.now();
    // Act: every call answered at once, as fast as the limiter lets them go.
    const sentAt: number[] = [];
    while (clock.now() < cutAt + 5000) {
      await limiter.getSendToken();
      limiter.updateClientSendingRate({});
      sentAt.push(clock.now() - cutAt);
    }
    // Assess: back to 40 a second after cbrt(40 x 0.3 / 0.4) = 3.1 s.
    const inSecond = (second: number) => sentAt.filter((t) => t >= second * 1000 && t < (second + 1) * 1000);
    expect(inSecond(0).length).toBeLessThan(34);
    expect(inSecond(4).length).toBeGreaterThan(40);
  });
});

describe('Class: RoundRateLimiter with a ceiling (a published quota)', () => {
  it('lets a burst of the ceiling through, then paces calls at it, before any throttle', async () => {
    // Prepare
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time, { maxRate: 2 });
    // Act
    const waited = await timeToSend(limiter, clock, 10);
    // Assess: 2 at once, then 8 at half a second each.
    expect(waited).toBeCloseTo(4000, 0);
  });

  it('slows below the ceiling on a throttle and never grows past it again', async () => {
    // Prepare
    const clock = fakeTime();
    const limiter = new RoundRateLimiter(clock.time, { maxRate: 2 });
    await sendEvenly(limiter, clock, 2, 1000);
    // Act
    await limiter.getSendToken();
    limiter.updateClientSendingRate(THROTTLED);
    const slowed = await timeToSend(limiter, clock, 4);
    clock.advance(60_000);
    await sendEvenly(limiter, clock, 20, 10_000);
    const later = await timeToSend(limiter, clock, 10);
    // Assess
    expect(slowed).toBeGreaterThan(1500);
    expect(later).toBeGreaterThanOrEqual(4000 - 1);
  });
});
