import * as z from 'zod';
import type { KeyFinding, KeyRecord, UserRecord } from '../model.js';
import { enabledFlag, intBetween } from '../setting-values.js';
import { daysBetween, toIsoDate } from '../time.js';
import { deletionBlocker } from './deletion.js';
import { dayCount, existedAt, keyFinding, keyOfUser } from './key-facts.js';
import { deactivationOf, deactivationsOf } from './tags.js';
import type { Rule } from './types.js';

/** inactive-key-cleanup's block of `settings.rules`: off unless enabled; `days` is CLEANUP_DAYS. */
export const inactiveKeyCleanupSettingsSchema = z.strictObject({
  enabled: enabledFlag,
  days: intBetween(1, 3650),
});

export type InactiveKeyCleanupSettings = z.infer<typeof inactiveKeyCleanupSettingsSchema>;

/**
 * When the key was deactivated, from the `key-hygiene:deactivated-<keyId>` tag the auditor writes.
 * A key known only by its credential-report slot has no id to find its tag by: it gets the user's
 * oldest recorded deactivation, which makes it a candidate that the audit reads live (real key ids
 * and tags) and decides again before anything is deleted. Null without a readable tag.
 */
function deactivation(user: UserRecord, key: KeyRecord) {
  return key.accessKeyId
    ? deactivationOf(user.tags, key.accessKeyId)
    : (deactivationsOf(user.tags)[0] ?? null);
}

function message(user: UserRecord, key: KeyRecord, idle: number): string {
  const subject = keyOfUser(user, key);
  const deactivated = deactivation(user, key);
  const inactive = deactivated
    ? `has been inactive since ${toIsoDate(deactivated.date)}${deactivated.rule ? ` (${deactivated.rule})` : ''}`
    : 'is inactive';
  const used = key.lastUsed
    ? `was last used ${dayCount(idle)} ago`
    : `has never been used since it was created ${dayCount(idle)} ago`;
  return `${subject} ${inactive} and ${used}; delete it.`;
}

/**
 * inactive-key-cleanup (off by default): an inactive key whose last use (or creation) and whose
 * deactivation (when tagged) are both `days` (CLEANUP_DAYS, default 30) or more days old (low).
 * The action is `delete` only when key-hygiene itself deactivated the key (see `deletionBlocker`);
 * a key someone deactivated by hand is reported (`notify`), never deleted.
 */
export const inactiveKeyCleanupRule: Rule<'inactiveKeyCleanup', InactiveKeyCleanupSettings> = {
  id: 'inactive-key-cleanup',
  description:
    'Inactive key whose last use and deactivation are N days old: delete it when key-hygiene deactivated it in an earlier run, else notify (off by default).',
  controls: [],
  action: 'delete',
  settingsKey: 'inactiveKeyCleanup',
  settingsSchema: inactiveKeyCleanupSettingsSchema,
  evaluate(user, settings, { now }): KeyFinding[] {
    const { enabled, days } = settings;
    if (!enabled || user.isRoot) return [];
    return user.keys.flatMap((key) => {
      if (key.status !== 'Inactive' || !existedAt(key, now)) return [];
      const since = key.lastUsed?.date ?? key.createDate;
      if (!since) return [];
      const idle = Math.max(0, daysBetween(since, now));
      const deactivated = deactivation(user, key);
      if (idle < days || (deactivated && daysBetween(deactivated.date, now) < days)) return [];
      const deletable =
        deletionBlocker({
          deactivation: deactivated,
          status: key.status,
          lastUsed: key.lastUsed?.date ?? null,
          now,
          deleteAfterDays: days,
          currentRunId: null,
        }) === null;
      return [
        keyFinding(user, key, now, {
          ruleId: 'inactive-key-cleanup',
          controls: [],
          severity: 'low',
          action: deletable ? 'delete' : 'notify',
          message: message(user, key, idle),
        }),
      ];
    });
  },
};
