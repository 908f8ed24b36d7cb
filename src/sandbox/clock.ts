/**
 * The sandbox's idea of "now": fixed (from the fixture's `now`, so ages in the demo never drift)
 * or real time. Tests move it with `set()` and `advance()`.
 */
export class SandboxClock {
  private fixed: number | null;

  constructor(fixed: Date | string | null = null) {
    this.fixed = fixed === null ? null : toMillis(fixed);
  }

  /** The current sandbox time. */
  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  /** True when the clock is pinned to a date rather than following real time. */
  get isFixed(): boolean {
    return this.fixed !== null;
  }

  /** Pins the clock to `date`, or follows real time again with `null`. */
  set(date: Date | string | null): void {
    this.fixed = date === null ? null : toMillis(date);
  }

  /** Moves the clock forward by `ms` (pinning it first if it followed real time). */
  advance(ms: number): void {
    this.fixed = (this.fixed ?? Date.now()) + ms;
  }
}

function toMillis(date: Date | string): number {
  const ms = typeof date === 'string' ? Date.parse(date) : date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not a date: ${String(date)}; use an ISO 8601 date-time`);
  return ms;
}
