/**
 * Who is exempt, and why. An exempt user's keys are never acted on and never raise findings; they
 * are listed in the report as exempt instead, so an exemption is visible, never silent.
 */
import type { Settings } from '../config/settings.js';
import { TAG_KEYS, tagValue } from '../evaluate/tags.js';
import type { ExemptionSource, UserRecord } from '../model.js';
import { parseIsoDate, toIsoDate } from '../time.js';
import { matchesGlob } from './glob.js';

/** Why a user is exempt: what matched, until when, and the reason tag if any. */
export interface Exemption {
  source: ExemptionSource;
  /** The tag value, configured name, glob or path that matched. */
  matched: string;
  /** The last day (YYYY-MM-DD) a dated tag exemption holds; null when it does not end. */
  until: string | null;
  /** The user's `key-hygiene:exempt-reason` tag, whatever the source. */
  reason: string | null;
}

/** A `key-hygiene:exempt` tag that exempts nothing although someone meant it to. */
export interface ExemptTagProblem {
  /** `invalid`: neither `true`, `false` nor a date. `expired`: a date already past. */
  kind: 'invalid' | 'expired';
  value: string;
  /** One sentence for the report. */
  message: string;
}

type TagVerdict =
  | { kind: 'exempt'; until: string | null }
  | { kind: 'none' }
  | { kind: 'invalid' | 'expired'; value: string };

function readExemptTag(user: UserRecord, now: Date): TagVerdict {
  const value = tagValue(user.tags, TAG_KEYS.exempt);
  if (value === undefined) return { kind: 'none' };
  // Exactly the values the role's explicit Deny covers (StringEqualsIgnoreCase 'true'): IAM cannot
  // trim, so ' true' is reported as unreadable rather than exempting what the Deny would not guard.
  if (value.toLowerCase() === 'true') return { kind: 'exempt', until: null };
  if (value.toLowerCase() === 'false') return { kind: 'none' };
  if (!parseIsoDate(value)) return { kind: 'invalid', value };
  // Inclusive: a tag saying 2026-06-30 still holds all of 30 June (UTC).
  return toIsoDate(now) <= value ? { kind: 'exempt', until: value } : { kind: 'expired', value };
}

function reasonTag(user: UserRecord): string | null {
  const reason = tagValue(user.tags, TAG_KEYS.exemptReason)?.trim();
  return reason ? reason : null;
}

/**
 * Whether and why a user is exempt at `now`: by the tag `key-hygiene:exempt` (`true`, any case and
 * nothing around it, or a `YYYY-MM-DD` date until which it holds, inclusive), else by a configured name, glob or IAM path
 * (the user's path starts with it). The root account is never exempt: its findings are the ones a
 * security team must always see. An expired or unreadable tag exempts nothing (see `exemptTagProblem`).
 *
 * @example
 * exemptionFor(user, settings, now);
 * // { source: 'tag', matched: '2026-12-31', until: '2026-12-31', reason: 'migration, SEC-42' }
 */
export function exemptionFor(user: UserRecord, settings: Settings, now: Date): Exemption | null {
  if (user.isRoot) return null;
  const reason = reasonTag(user);
  const tag = readExemptTag(user, now);
  if (tag.kind === 'exempt') {
    return { source: 'tag', matched: tag.until ?? 'true', until: tag.until, reason };
  }
  const { userNames, userGlobs, paths } = settings.exemptions;
  const lowerName = user.userName.toLowerCase();
  const name = userNames.find((candidate) => candidate.toLowerCase() === lowerName);
  if (name !== undefined) return { source: 'name', matched: name, until: null, reason };
  const glob = userGlobs.find((candidate) => matchesGlob(user.userName, candidate));
  if (glob !== undefined) return { source: 'glob', matched: glob, until: null, reason };
  const path = paths.find((candidate) => user.path.startsWith(candidate));
  if (path !== undefined) return { source: 'path', matched: path, until: null, reason };
  return null;
}

/**
 * The user's `key-hygiene:exempt` tag when it was meant to exempt but does not: an unreadable value
 * (`yes`, `2026-13-01`) or a date already past. Null when the tag is absent, `false`, or in force.
 *
 * @example
 * exemptTagProblem(userTaggedYes, now)?.message;
 * // 'the tag key-hygiene:exempt is "yes", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing'
 */
export function exemptTagProblem(user: UserRecord, now: Date): ExemptTagProblem | null {
  if (user.isRoot) return null;
  const tag = readExemptTag(user, now);
  if (tag.kind === 'invalid') {
    return {
      kind: 'invalid',
      value: tag.value,
      message: `the tag key-hygiene:exempt is ${JSON.stringify(tag.value)}, which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing`,
    };
  }
  if (tag.kind === 'expired') {
    return {
      kind: 'expired',
      value: tag.value,
      message: `the tag key-hygiene:exempt expired on ${tag.value}`,
    };
  }
  return null;
}
