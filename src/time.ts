/**
 * Day arithmetic in UTC. Rules compare whole days, so a key used 89 days and 23 hours ago is 89 days
 * unused, never 90: rounding down means the auditor acts a few hours late rather than early.
 */

/** Milliseconds in a day; UTC has no daylight-saving days. */
export const MS_PER_DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whole days from `from` to `to`: `floor((to - from) / 86400000)`. Negative when `from` is later. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / MS_PER_DAY);
}

/** The UTC calendar date of `date` as `YYYY-MM-DD`. */
export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Parses a strict `YYYY-MM-DD` calendar date (midnight UTC). Returns null for anything else,
 * including dates that do not exist (`2026-02-30`), because `Date` would silently roll them over.
 */
export function parseIsoDate(value: string): Date | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return toIsoDate(date) === value ? date : null;
}
