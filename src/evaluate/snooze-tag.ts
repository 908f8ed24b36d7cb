/**
 * The `key-hygiene:snoozed` user tag: which keys of the user their owner kept, until when, how many
 * times, and the answer that did it. IAM tag values allow letters, digits, spaces and `_ . : / = + - @`
 * only, and at most 256 characters: two entries (a user has at most two keys) take about 115.
 */
import { parseIsoDate } from '../time.js';
import { TAG_KEYS, tagValue } from './tags.js';

/** One snoozed key, as the tag records it. */
export interface SnoozeEntry {
  accessKeyId: string;
  /** The last day (YYYY-MM-DD, inclusive, UTC) the key is kept. */
  until: string;
  /** How many times the key has been snoozed (the security team's limit counts these). */
  count: number;
  /** The answer's nonce: its record is `answers/<accountId>/<nonce>.json` in the report bucket. */
  nonce: string;
}

const ENTRY = /^([A-Z0-9]{16,128}):(\d{4}-\d{2}-\d{2}):(\d{1,3}):([A-Za-z0-9_-]{16,64})$/;

/** The entries of a tag value; an entry that does not read is returned in `unreadable`. */
export function parseSnoozeTag(value: string): { entries: SnoozeEntry[]; unreadable: string[] } {
  const entries: SnoozeEntry[] = [];
  const unreadable: string[] = [];
  for (const word of value
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')) {
    const match = ENTRY.exec(word);
    if (!match || !parseIsoDate(match[2] as string)) {
      unreadable.push(word);
      continue;
    }
    entries.push({
      accessKeyId: match[1] as string,
      until: match[2] as string,
      count: Number(match[3]),
      nonce: match[4] as string,
    });
  }
  return { entries, unreadable };
}

/** The tag value for these entries. */
export function formatSnoozeTag(entries: readonly SnoozeEntry[]): string {
  return entries.map((e) => `${e.accessKeyId}:${e.until}:${e.count}:${e.nonce}`).join(' ');
}

/** The user's snooze entry for a key, from its tags; undefined when none. */
export function snoozeOf(
  tags: Readonly<Record<string, string>>,
  accessKeyId: string,
): SnoozeEntry | undefined {
  const value = tagValue(tags, TAG_KEYS.snoozed);
  if (value === undefined) return undefined;
  return parseSnoozeTag(value).entries.find((entry) => entry.accessKeyId === accessKeyId);
}

/** At most this many entries are kept: 4 take at most 4 x 57 characters, within IAM's 256. */
const MAX_ENTRIES = 4;

/**
 * The tag value after snoozing `entry`: it replaces the key's earlier entry; entries of other keys
 * (the user's other key, or keys since deleted) are kept, the latest-ending ones first, up to
 * {@link MAX_ENTRIES}, so the value stays within IAM's 256 characters.
 */
export function withSnooze(current: string | undefined, entry: SnoozeEntry): string {
  const others = (current === undefined ? [] : parseSnoozeTag(current).entries)
    .filter((e) => e.accessKeyId !== entry.accessKeyId)
    .sort((a, b) => (a.until < b.until ? 1 : a.until > b.until ? -1 : 0))
    .slice(0, MAX_ENTRIES - 1);
  return formatSnoozeTag([...others, entry]);
}
