/**
 * The user tags the auditor reads. IAM compares tag keys without regard to case (a user cannot have
 * both `Owner` and `owner`), so lookups here ignore case too.
 */
import { parseIsoDate } from '../time.js';

export const TAG_KEYS = {
  /** `true`, or a `YYYY-MM-DD` date until which (inclusive) the user's keys are exempt. */
  exempt: 'key-hygiene:exempt',
  /** Free text shown next to the exemption in the report. */
  exemptReason: 'key-hygiene:exempt-reason',
  /** Followed by a key id; the value is `<YYYY-MM-DD> <rule>`, written when the key is deactivated. */
  deactivatedPrefix: 'key-hygiene:deactivated-',
} as const;

/**
 * The value of a tag, matching its key without regard to case; undefined when absent.
 *
 * @example
 * tagValue({ 'Key-Hygiene:Exempt': 'true' }, 'key-hygiene:exempt'); // 'true'
 */
export function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  const wanted = key.toLowerCase();
  const found = Object.keys(tags).find((candidate) => candidate.toLowerCase() === wanted);
  return found === undefined ? undefined : tags[found];
}

/**
 * When and by which rule a key was deactivated, from the user's `key-hygiene:deactivated-<keyId>` tag.
 * Null when the tag is absent or does not start with a valid date.
 *
 * @example
 * deactivationOf({ 'key-hygiene:deactivated-AKIA1': '2026-03-01 unused-key' }, 'AKIA1');
 * // { date: 2026-03-01T00:00:00Z, rule: 'unused-key' }
 */
export function deactivationOf(
  tags: Readonly<Record<string, string>>,
  accessKeyId: string,
): { date: Date; rule: string | null } | null {
  const value = tagValue(tags, `${TAG_KEYS.deactivatedPrefix}${accessKeyId}`);
  if (value === undefined) return null;
  const [day = '', ...rest] = value.trim().split(/\s+/);
  const date = parseIsoDate(day);
  if (!date) return null;
  const rule = rest.join(' ');
  return { date, rule: rule === '' ? null : rule };
}
