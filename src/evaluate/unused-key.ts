import * as z from 'zod';
import type { Finding, KeyFinding, KeyRecord, Severity, UserRecord } from '../model.js';
import { enabledFlag, intBetween } from '../setting-values.js';
import { daysBetween } from '../time.js';
import { activeKeys, dayCount, keyFinding, keyOfUser, lastUseText } from './key-facts.js';
import type { Rule } from './types.js';

const CONTROLS = ['CIS 1.12', 'IAM.8', 'IAM.22'] as const;

/** unused-key's block of `settings.rules`: deactivate at `days` unused days, warn from `warnDays`. */
export const unusedKeySettingsSchema = z
  .strictObject({ enabled: enabledFlag, days: intBetween(2, 3650), warnDays: intBetween(1, 3649) })
  .superRefine(({ days, warnDays }, ctx) => {
    if (warnDays >= days) {
      ctx.addIssue({
        code: 'custom',
        path: ['warnDays'],
        input: warnDays,
        message: `expected fewer days than the unused-key threshold (${days}), got ${warnDays}`,
      });
    }
  });

export type UnusedKeySettings = z.infer<typeof unusedKeySettingsSchema>;

/** What unused-key reads of never-used-key's block: its threshold is a never-used key's grace period. */
interface NeverUsedKeyThreshold {
  neverUsedKey: { days: number };
}

/** Whether a key is due for deactivation (`deactivate`), in the warning window (`warn`), or neither. */
export type UnusedKeyVerdict = 'deactivate' | 'warn' | null;

/**
 * Whole days since the key was last used or, never used, since it was created. Null when neither
 * date is known (a root key seen only through GetAccountSummary).
 */
export function unusedDays(key: KeyRecord, now: Date): number | null {
  const since = key.lastUsed?.date ?? key.createDate;
  return since ? Math.max(0, daysBetween(since, now)) : null;
}

/**
 * The unused-key verdict for one active key, shared with never-used-key (which stays quiet when
 * this rule deactivates the key). A never-used key younger than `neverUsedKeyDays` (never-used-key's
 * threshold) is in its grace period and gets no verdict: a brand-new key is not a finding.
 */
export function unusedKeyVerdict(
  key: KeyRecord,
  now: Date,
  settings: UnusedKeySettings,
  neverUsedKeyDays: number,
): UnusedKeyVerdict {
  const { days, warnDays } = settings;
  const idle = unusedDays(key, now);
  if (idle === null) return null;
  if (key.lastUsed === null && idle < neverUsedKeyDays) return null;
  if (idle >= days) return 'deactivate';
  return idle >= warnDays ? 'warn' : null;
}

/** Low `unused-key` findings are the warning window: keys that will be acted on if still unused. */
export function isComingUp(
  finding: Pick<Finding, 'ruleId' | 'severity'> & { ruleSeverity?: Severity },
): boolean {
  // The rule's own severity: privilege weighting may have raised or lowered a warning.
  return finding.ruleId === 'unused-key' && (finding.ruleSeverity ?? finding.severity) === 'low';
}

function message(
  user: UserRecord,
  key: KeyRecord,
  idle: number,
  verdict: 'deactivate' | 'warn',
  days: number,
) {
  const subject = keyOfUser(user, key);
  const state = key.lastUsed
    ? `${subject} has not been used for ${dayCount(idle)} (${lastUseText(key)})`
    : `${subject} was created ${dayCount(idle)} ago and has never been used`;
  return verdict === 'deactivate'
    ? `${state}; deactivate it, or tag the user key-hygiene:exempt if it is still needed.`
    : `${state}; it will be deactivated in ${dayCount(days - idle)} unless it is used or the user is tagged key-hygiene:exempt.`;
}

/**
 * unused-key: an active key not used (never used: not since creation) for `days` days is deactivated
 * (high); from `warnDays` it is announced (low, notify), so the report shows what is coming up.
 */
export const unusedKeyRule: Rule<'unusedKey', UnusedKeySettings, NeverUsedKeyThreshold> = {
  id: 'unused-key',
  description:
    'Active key not used (or, never used, not since creation) for N days: deactivate; warn before.',
  controls: [...CONTROLS],
  action: 'deactivate',
  settingsKey: 'unusedKey',
  settingsSchema: unusedKeySettingsSchema,
  evaluate(user, settings, { now, rules }): KeyFinding[] {
    const { enabled, days } = settings;
    if (!enabled || user.isRoot) return [];
    return activeKeys(user, now).flatMap((key) => {
      const verdict = unusedKeyVerdict(key, now, settings, rules.neverUsedKey.days);
      const idle = unusedDays(key, now);
      if (verdict === null || idle === null) return [];
      return [
        keyFinding(user, key, now, {
          ruleId: 'unused-key',
          controls: CONTROLS,
          severity: verdict === 'deactivate' ? 'high' : 'low',
          action: verdict === 'deactivate' ? 'deactivate' : 'notify',
          message: message(user, key, idle, verdict, days),
        }),
      ];
    });
  },
};
