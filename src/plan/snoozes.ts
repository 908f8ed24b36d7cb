/**
 * Snoozes: an owner kept a key for N more days from the answer page. The page wrote two things, the
 * `key-hygiene:snoozed` tag on the user (which key, until when, which answer) and the answer record
 * in the report bucket (who, when, why). The planner honours a snooze only when both agree: a tag
 * alone is data anyone allowed to tag users can write, the record only the page's role can.
 */
import { type SnoozeEntry, snoozeOf } from '../evaluate/snooze-tag.js';
import type { UserRecord } from '../model.js';
import { toIsoDate } from '../time.js';

/** What an answer record says about a snooze (read by src/answer/snooze-answers.ts). */
export interface SnoozeAnswer {
  userName: string;
  accessKeyId: string;
  until: string;
  who: string | null;
  reason: string | null;
  answeredAt: string;
}

/** The snooze answers of a run, by the answer's nonce. */
export type SnoozeAnswers = ReadonlyMap<string, SnoozeAnswer>;

export type SnoozeVerdict =
  | { kind: 'active'; entry: SnoozeEntry; answer: SnoozeAnswer }
  | { kind: 'expired'; entry: SnoozeEntry }
  | { kind: 'unconfirmed'; entry: SnoozeEntry };

/**
 * Whether the user's tag snoozes this key at `now`: `active` through its last day (inclusive, UTC)
 * when the answer record confirms the same user, key and date; `expired` after it; `unconfirmed`
 * when no record (or another one) backs the tag. Null when the tag names no such key.
 */
export function snoozeVerdict(
  user: UserRecord,
  accessKeyId: string,
  answers: SnoozeAnswers,
  now: Date,
): SnoozeVerdict | null {
  const entry = snoozeOf(user.tags, accessKeyId);
  if (!entry) return null;
  if (entry.until < toIsoDate(now)) return { kind: 'expired', entry };
  const answer = answers.get(entry.nonce);
  if (
    !answer ||
    answer.userName !== user.userName ||
    answer.accessKeyId !== accessKeyId ||
    answer.until !== entry.until
  ) {
    return { kind: 'unconfirmed', entry };
  }
  return { kind: 'active', entry, answer };
}

/** Starts the skip reason of a snoozed key, so every report format shows "snoozed until". */
export const SNOOZED_UNTIL = 'snoozed until';

/** The skip reason of a key under an active snooze: until when, by whom, when and why. */
export function snoozeSkipReason(verdict: Extract<SnoozeVerdict, { kind: 'active' }>): string {
  const { answer } = verdict;
  const who = answer.who ?? 'its owner';
  const why = answer.reason ? `: ${answer.reason}` : '';
  return `${SNOOZED_UNTIL} ${answer.until} by ${who} (answered ${answer.answeredAt.slice(0, 10)} on the answer page)${why}`;
}

/** The note a finding carries when its key's snooze is not honoured, or null. */
export function snoozeNote(verdict: SnoozeVerdict | null): string | null {
  if (verdict?.kind === 'expired') return `its snooze expired on ${verdict.entry.until}`;
  if (verdict?.kind === 'unconfirmed') {
    return `the key-hygiene:snoozed tag keeps it until ${verdict.entry.until}, but no answer record in the report bucket confirms that, so it is ignored`;
  }
  return null;
}
