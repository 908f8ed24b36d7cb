/**
 * Run ids (`20261120T030000Z-1a2b3c`, made by `newRunId`): the run's UTC start to the second, then a
 * random suffix. They name a run in the report, in the deactivation tags and in an undo request.
 */

import { randomBytes } from 'node:crypto';

/** The exact shape `newRunId` produces; anything else is not a run id. */
export const RUN_ID_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{6}$/;

/** The start time a run id encodes, or null when the text is not a run id (or names no real time). */
export function runStartOf(runId: string): Date | null {
  const match = RUN_ID_PATTERN.exec(runId);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date rolls 2026-02-30 over to March; a run id with an impossible time was not made by newRunId.
  const roundTrip =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrip ? date : null;
}

/**
 * A run id that sorts by time: the UTC start in compact ISO 8601 basic format, then a short random
 * suffix so two runs in the same second (a retry, an ad-hoc run) still differ.
 */
export function newRunId(now: Date, random: () => string = () => randomBytes(3).toString('hex')): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date');
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${random()}`;
}
