import { describe, expect, it } from 'vitest';
import { forEachConcurrent } from '../src/concurrency.js';

describe('Function: forEachConcurrent', () => {
  it('never has more than the limit in flight and visits every item once', async () => {
    // Prepare
    const items = Array.from({ length: 40 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    // Act
    await forEachConcurrent(items, 4, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(item);
      inFlight -= 1;
    });
    // Assess
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(items);
  });

  it('starts nothing new once told to stop and hands back every item not started', async () => {
    // Prepare
    let started = 0;
    const notStarted: number[] = [];
    // Act
    await forEachConcurrent(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async () => {
        started += 1;
      },
      { shouldStop: () => started >= 3, onNotStarted: (item) => notStarted.push(item) },
    );
    // Assess
    expect(started).toBe(3);
    expect(notStarted).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('rethrows a failure of the source after the other lanes finish', async () => {
    // Prepare
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('listing failed');
    }
    const done: number[] = [];
    // Act
    const attempt = forEachConcurrent(failing(), 3, async (item) => {
      done.push(item);
    });
    // Assess
    await expect(attempt).rejects.toThrow('listing failed');
    expect(done).toEqual([1]);
  });
});
