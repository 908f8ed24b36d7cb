import * as z from 'zod';
import type { KeyFinding } from '../model.js';
import { enabledFlag, intBetween } from '../setting-values.js';
import { daysBetween } from '../time.js';
import { activeKeys, dayCount, keyFinding, keyOfUser } from './key-facts.js';
import type { Rule } from './types.js';

const CONTROLS = ['CIS 1.14', 'IAM.3'] as const;

/** rotation-overdue's block of `settings.rules`: report an active key `days` old or older. */
export const rotationOverdueSettingsSchema = z.strictObject({
  enabled: enabledFlag,
  days: intBetween(1, 3650),
});

export type RotationOverdueSettings = z.infer<typeof rotationOverdueSettingsSchema>;

/**
 * rotation-overdue: an active key created `days` or more days ago (default 90; medium, notify).
 * Rotation needs the owner to move the workload, so the auditor never does it itself.
 */
export const rotationOverdueRule: Rule<'rotationOverdue', RotationOverdueSettings> = {
  id: 'rotation-overdue',
  description: 'Active key older than N days: notify, to rotate it.',
  controls: [...CONTROLS],
  action: 'notify',
  settingsKey: 'rotationOverdue',
  settingsSchema: rotationOverdueSettingsSchema,
  evaluate(user, settings, { now }): KeyFinding[] {
    const { enabled, days } = settings;
    if (!enabled || user.isRoot) return [];
    return activeKeys(user, now).flatMap((key) => {
      if (key.createDate === null) return [];
      const age = Math.max(0, daysBetween(key.createDate, now));
      if (age < days) return [];
      return [
        keyFinding(user, key, now, {
          ruleId: 'rotation-overdue',
          controls: CONTROLS,
          severity: 'medium',
          action: 'notify',
          message: `${keyOfUser(user, key)} is ${dayCount(age)} old, past the ${dayCount(days)} rotation period; rotate it: create a new key, move the workload, deactivate this one.`,
        }),
      ];
    });
  },
};
