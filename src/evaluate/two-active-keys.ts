import * as z from 'zod';
import type { KeyFinding, KeyRecord } from '../model.js';
import { enabledFlag } from '../setting-values.js';
import { toIsoDate } from '../time.js';
import { activeKeys, keyFinding, keyLabel } from './key-facts.js';
import type { Rule } from './types.js';

const CONTROLS = ['CIS 1.13'] as const;

/** two-active-keys' block of `settings.rules`: only whether it runs. */
export const twoActiveKeysSettingsSchema = z.strictObject({ enabled: enabledFlag });

export type TwoActiveKeysSettings = z.infer<typeof twoActiveKeysSettingsSchema>;

/** Oldest first; a key without a creation date sorts last, then by id so the order is stable. */
function byAge(a: KeyRecord, b: KeyRecord): number {
  const aTime = a.createDate?.getTime() ?? Number.POSITIVE_INFINITY;
  const bTime = b.createDate?.getTime() ?? Number.POSITIVE_INFINITY;
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  return keyLabel(a) < keyLabel(b) ? -1 : keyLabel(a) > keyLabel(b) ? 1 : 0;
}

function described(key: KeyRecord): string {
  return key.createDate ? `${keyLabel(key)}, created ${toIsoDate(key.createDate)}` : keyLabel(key);
}

/**
 * two-active-keys: a user with two active keys (low, notify). One finding per user, about the OLDER
 * key: that is the one to deactivate once its workload has moved to the newer key, so the finding's
 * key fields (age, last use) describe the key the reader has to act on.
 */
export const twoActiveKeysRule: Rule<'twoActiveKeys', TwoActiveKeysSettings> = {
  id: 'two-active-keys',
  description: 'User with two active keys: notify, to keep one (the finding names the older key).',
  controls: [...CONTROLS],
  action: 'notify',
  settingsKey: 'twoActiveKeys',
  settingsSchema: twoActiveKeysSettingsSchema,
  evaluate(user, settings, { now }): KeyFinding[] {
    if (!settings.enabled || user.isRoot) return [];
    const keys = activeKeys(user, now).sort(byAge);
    const [older, newer] = keys;
    if (!older || !newer) return [];
    return [
      keyFinding(user, older, now, {
        ruleId: 'two-active-keys',
        controls: CONTROLS,
        severity: 'low',
        action: 'notify',
        message: `${user.userName} has two active keys (${described(older)}, and ${described(newer)}); keep one: move the workload to ${keyLabel(newer)}, then deactivate ${keyLabel(older)}.`,
      }),
    ];
  },
};
