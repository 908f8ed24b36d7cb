import * as z from 'zod';
import type { KeyFinding } from '../model.js';
import { enabledFlag } from '../setting-values.js';
import { toIsoDate } from '../time.js';
import { activeKeys, keyFinding, keyLabel } from './key-facts.js';
import type { Rule } from './types.js';

const CONTROLS = ['CIS 1.4', 'IAM.4'] as const;

/** root-access-key's block of `settings.rules`: only whether it runs. */
export const rootAccessKeySettingsSchema = z.strictObject({ enabled: enabledFlag });

export type RootAccessKeySettings = z.infer<typeof rootAccessKeySettingsSchema>;

/**
 * root-access-key: the root user has an active access key (critical, notify). Seen through the
 * credential report, or GetAccountSummary on the live path (then without id or dates). The auditor
 * cannot and must not touch root keys; only the account owner can delete them.
 */
export const rootAccessKeyRule: Rule<'rootAccessKey', RootAccessKeySettings> = {
  id: 'root-access-key',
  description: 'The root user has an active access key: notify, critical.',
  controls: [...CONTROLS],
  action: 'notify',
  settingsKey: 'rootAccessKey',
  settingsSchema: rootAccessKeySettingsSchema,
  evaluate(user, settings, { now }): KeyFinding[] {
    if (!settings.enabled || !user.isRoot) return [];
    return activeKeys(user, now).map((key) => {
      const created = key.createDate ? `, created ${toIsoDate(key.createDate)}` : '';
      const which = key.accessKeyId || key.slot !== null ? ` (${keyLabel(key)}${created})` : '';
      return keyFinding(user, key, now, {
        ruleId: 'root-access-key',
        controls: CONTROLS,
        severity: 'critical',
        action: 'notify',
        message: `The root user has an active access key${which}; sign in as root and delete it, and use IAM roles instead: root keys cannot be limited by any policy.`,
      });
    });
  },
};
