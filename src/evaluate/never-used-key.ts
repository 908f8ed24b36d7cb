import * as z from 'zod';
import type { KeyFinding } from '../model.js';
import { enabledFlag, intBetween } from '../setting-values.js';
import { daysBetween } from '../time.js';
import { activeKeys, dayCount, keyFinding, keyOfUser } from './key-facts.js';
import type { Rule } from './types.js';
import { type UnusedKeySettings, unusedKeyVerdict } from './unused-key.js';

const CONTROLS = ['CIS 1.12', 'IAM.22'] as const;

/** never-used-key's block of `settings.rules`: report a never-used key `days` after its creation. */
export const neverUsedKeySettingsSchema = z.strictObject({ enabled: enabledFlag, days: intBetween(1, 3650) });

export type NeverUsedKeySettings = z.infer<typeof neverUsedKeySettingsSchema>;

/** What never-used-key reads of unused-key's block: whether unused-key deactivates the key, and when. */
interface UnusedKeyBlock {
  unusedKey: UnusedKeySettings;
}

/**
 * never-used-key: an active key never used `days` days (default 7) after its creation (medium,
 * notify). Keys created for a workload that never arrived are cheap to delete now. Quiet when
 * unused-key already deactivates the key, so one key does not get two findings for one problem.
 */
export const neverUsedKeyRule: Rule<'neverUsedKey', NeverUsedKeySettings, UnusedKeyBlock> = {
  id: 'never-used-key',
  description: 'Active key never used N days after its creation: notify (unused-key deactivates it later).',
  controls: [...CONTROLS],
  action: 'notify',
  settingsKey: 'neverUsedKey',
  settingsSchema: neverUsedKeySettingsSchema,
  evaluate(user, settings, { now, rules }): KeyFinding[] {
    const { enabled, days } = settings;
    const { unusedKey } = rules;
    if (!enabled || user.isRoot) return [];
    return activeKeys(user, now).flatMap((key) => {
      if (key.lastUsed !== null || key.createDate === null) return [];
      const age = Math.max(0, daysBetween(key.createDate, now));
      if (age < days) return [];
      if (unusedKey.enabled && unusedKeyVerdict(key, now, unusedKey, days) === 'deactivate') return [];
      const later = unusedKey.enabled ? ` (unused-key deactivates it at ${dayCount(unusedKey.days)})` : '';
      return [
        keyFinding(user, key, now, {
          ruleId: 'never-used-key',
          controls: CONTROLS,
          severity: 'medium',
          action: 'notify',
          message: `${keyOfUser(user, key)} was created ${dayCount(age)} ago and has never been used; delete it if nothing needs it${later}.`,
        }),
      ];
    });
  },
};
