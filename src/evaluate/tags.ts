/**
 * The user tags the auditor reads. IAM compares tag keys without regard to case (a user cannot have
 * both `Owner` and `owner`), so lookups here ignore case too.
 */
import { RUN_ID_PATTERN } from '../run-id.js';
import { parseIsoDate, toIsoDate } from '../time.js';

export const TAG_KEYS = {
  /** `true`, or a `YYYY-MM-DD` date until which (inclusive) the user's keys are exempt. */
  exempt: 'key-hygiene:exempt',
  /** Free text shown next to the exemption in the report. */
  exemptReason: 'key-hygiene:exempt-reason',
  /**
   * Followed by a key id; written on the user when the auditor deactivates the key. The value is
   * `<YYYY-MM-DD> <rule> <runId>` (e.g. `2026-11-20 unused-key 20261120T030000Z-1a2b3c`): readable in
   * the console, and the run id lets `{ "undo": "<runId>" }` find exactly that run's keys. Values
   * written before run ids were recorded are `<YYYY-MM-DD> <rule>` and still parse (with no run id).
   */
  deactivatedPrefix: 'key-hygiene:deactivated-',
  /**
   * Followed by a key id; written on the user by the exposed-key responder once it has handled the
   * AWS Health event that named the key. The value is `<YYYY-MM-DD> <runId>`. The nightly audit acts
   * on exactly the keys these tags name, never on a guess among the user's keys.
   */
  exposedPrefix: 'key-hygiene:exposed-',
  /**
   * Written by the answer page when an owner keeps a key for N more days: one entry per snoozed key,
   * `<keyId>:<until YYYY-MM-DD>:<snoozes so far>:<answer nonce>`, separated by spaces (snooze-tag.ts).
   */
  snoozed: 'key-hygiene:snoozed',
} as const;

/** The tag the exposed-key responder writes for a key AWS Health reported as exposed. */
export function exposedTagKey(accessKeyId: string): string {
  return `${TAG_KEYS.exposedPrefix}${accessKeyId}`;
}

/** The user tags that name a team, the first present wins. */
export const TEAM_TAG_KEYS = ['team', 'owner'] as const;

/** The user tags that say who to ask about a key. */
export const OWNER_TAG_KEYS = ['owner', 'email', 'contact'] as const;

/** The prefix of every tag key-hygiene reads or writes. */
export const OWN_TAG_PREFIX = 'key-hygiene:';

/** Longer values are cut: the team becomes an SNS attribute value and part of a subject. */
export const MAX_TEAM_CHARS = 128;

/** The tag that records why and by which run key-hygiene deactivated a key. */
export function deactivationTagKey(accessKeyId: string): string {
  return `${TAG_KEYS.deactivatedPrefix}${accessKeyId}`;
}

/** The value of a tag, matching its key without regard to case; undefined when absent. */
export function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  const wanted = key.toLowerCase();
  const found = Object.keys(tags).find((candidate) => candidate.toLowerCase() === wanted);
  return found === undefined ? undefined : tags[found];
}

/** What a deactivation tag records. */
export interface Deactivation {
  /** The day the key was deactivated (midnight UTC). */
  date: Date;
  rule: string | null;
  /** The run that deactivated it; null in values written before run ids were recorded. */
  runId: string | null;
}

/** The value of the deactivation tag: `<YYYY-MM-DD> <rule> <runId>`. */
export function deactivationTagValue(date: Date, rule: string, runId: string): string {
  return `${toIsoDate(date)} ${rule} ${runId}`;
}

/**
 * Parses a deactivation tag's value. Null when it does not start with a valid date. The last word is
 * the run id only when it has a run id's shape, so an old two-part value keeps its rule.
 */
export function parseDeactivation(value: string): Deactivation | null {
  const [day = '', ...rest] = value.trim().split(/\s+/);
  const date = parseIsoDate(day);
  if (!date) return null;
  const last = rest.at(-1);
  const runId = last !== undefined && RUN_ID_PATTERN.test(last) ? last : null;
  const rule = (runId === null ? rest : rest.slice(0, -1)).join(' ');
  return { date, rule: rule === '' ? null : rule, runId };
}

/**
 * When, by which rule and in which run a key was deactivated, from the user's
 * `key-hygiene:deactivated-<keyId>` tag. Null when the tag is absent or does not start with a valid date.
 */
export function deactivationOf(
  tags: Readonly<Record<string, string>>,
  accessKeyId: string,
): Deactivation | null {
  const value = tagValue(tags, deactivationTagKey(accessKeyId));
  return value === undefined ? null : parseDeactivation(value);
}

/**
 * Every deactivation the user's tags record, oldest first. For a key known only by its
 * credential-report slot (no key id to look its tag up by), these say whether the user may have a
 * key that key-hygiene deactivated; only the live key ids, read before anything is done, decide.
 */
export function deactivationsOf(tags: Readonly<Record<string, string>>): Deactivation[] {
  const prefix = TAG_KEYS.deactivatedPrefix.toLowerCase();
  return Object.entries(tags)
    .filter(([key]) => key.toLowerCase().startsWith(prefix))
    .map(([, value]) => parseDeactivation(value))
    .filter((deactivation): deactivation is Deactivation => deactivation !== null)
    .sort((a, b) => a.date.getTime() - b.date.getTime());
}

/**
 * The team of a user from its tags: `team`, else `owner` (keys compared without case, as IAM
 * does), trimmed; null when neither is set to something non-blank.
 */
export function teamOf(tags: Readonly<Record<string, string>>): string | null {
  for (const key of TEAM_TAG_KEYS) {
    // IAM allows no control characters in tag values; a fixture or a future source might, and the
    // team becomes an SNS attribute value, so they are dropped.
    const value = tagValue(tags, key)
      ?.replace(/\p{Cc}/gu, '')
      .trim();
    if (value) return Array.from(value).slice(0, MAX_TEAM_CHARS).join('');
  }
  return null;
}
