import { ruleSettingsSchemas } from '../config/settings.js';
import type { KeyFinding, UserRecord } from '../model.js';
import { daysBetween } from '../time.js';
import { activeKeys, dayCount, keyFinding, keyOfUser } from './key-facts.js';
import type { Rule, RuleContext } from './types.js';
import { unusedKeyVerdict } from './unused-key.js';

const CONTROLS = ['CIS 1.12', 'IAM.22'] as const;

/**
 * never-used-key: an active key never used `days` days (default 7) after its creation (medium,
 * notify). Keys created for a workload that never arrived are cheap to delete now. Quiet when
 * unused-key already deactivates the key, so one key does not get two findings for one problem.
 *
 * @example
 * neverUsedKeyRule.evaluate(bob, { now, settings }); // [{ ruleId: 'never-used-key', severity: 'medium', ... }]
 */
export const neverUsedKeyRule: Rule = {
  id: 'never-used-key',
  description: 'Active key never used N days after its creation: notify (unused-key deactivates it later).',
  controls: [...CONTROLS],
  action: 'notify',
  settingsKey: 'neverUsedKey',
  settingsSchema: ruleSettingsSchemas.neverUsedKey,
  evaluate(user: UserRecord, { now, settings }: RuleContext): KeyFinding[] {
    const { enabled, days } = settings.rules.neverUsedKey;
    const unusedKey = settings.rules.unusedKey;
    if (!enabled || user.isRoot) return [];
    return activeKeys(user, now).flatMap((key) => {
      if (key.lastUsed !== null || key.createDate === null) return [];
      const age = Math.max(0, daysBetween(key.createDate, now));
      if (age < days) return [];
      if (unusedKey.enabled && unusedKeyVerdict(key, now, settings) === 'deactivate') return [];
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
