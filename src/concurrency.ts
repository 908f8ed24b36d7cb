/**
 * Runs `worker` over every item of a (possibly async) iterable with at most `limit` in flight,
 * pulling items lazily so a 50,000-user listing never sits in memory twice. Results are not
 * collected: workers record what they need, which keeps memory flat.
 *
 * `shouldStop` is consulted before each new item; once it says stop, no new work starts and the
 * items not started are handed to `onNotStarted` (so a report can list what was not reached).
 */
export async function forEachConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  worker: (item: T) => Promise<void>,
  options: { shouldStop?: () => boolean; onNotStarted?: (item: T) => void } = {},
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let stopped = false;
  // One shared iterator: each lane pulls the next item when it is free. Pulls are serialised
  // because async generators (the SDK paginators) must not be advanced concurrently.
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const result = pulling.then(() => iterator.next());
    pulling = result.catch(() => undefined);
    return result;
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      const { value, done } = await next();
      if (done) return;
      if (stopped || options.shouldStop?.()) {
        stopped = true;
        options.onNotStarted?.(value);
        continue;
      }
      await worker(value);
    }
  };
  const lanes = Array.from({ length: Math.max(1, limit) }, lane);
  const results = await Promise.allSettled(lanes);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
