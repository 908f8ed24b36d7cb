import * as z from 'zod';
import type { KeyFinding, UserRecord } from '../model.js';
import { enabledFlag } from '../setting-values.js';
import { activeKeys, keyFinding, keyLabel } from './key-facts.js';
import { exposedTagKey, parseDeactivation, TAG_KEYS, tagValue } from './tags.js';
import type { Rule } from './types.js';

/** AWS attaches one of these (V1, V2, V3 so far, more to come) to a user whose key it found in public. */
const QUARANTINE_POLICY = /^AWSCompromisedKeyQuarantine/;

/** exposed-key's block of `settings.rules`; `action` is EXPOSED_KEY_ACTION. */
export const exposedKeySettingsSchema = z.strictObject({
  enabled: enabledFlag,
  action: z.enum(['deactivate', 'notify'], { error: 'expected "deactivate" or "notify"' }),
});

export type ExposedKeySettings = z.infer<typeof exposedKeySettingsSchema>;

/** The quarantine policies attached to the user, by name. */
export function quarantinePolicies(user: Pick<UserRecord, 'managedPolicies'>): string[] {
  return (user.managedPolicies ?? []).filter((name) => QUARANTINE_POLICY.test(name));
}

/**
 * When the exposed-key responder recorded the key as named by an AWS Health event; null when it did
 * not. A key known only by its credential-report slot has no id to find its tag by: when the user
 * carries any such record, the key counts as recorded, which makes it a candidate the audit reads
 * live (real key ids and tags) and decides again, by id, before anything is done.
 */
function exposedOn(user: UserRecord, accessKeyId: string | null): string | null {
  if (accessKeyId === null) {
    const prefix = TAG_KEYS.exposedPrefix.toLowerCase();
    return Object.keys(user.tags).some((key) => key.toLowerCase().startsWith(prefix))
      ? 'by the responder'
      : null;
  }
  const value = tagValue(user.tags, exposedTagKey(accessKeyId));
  if (value === undefined) return null;
  const parsed = parseDeactivation(value);
  return parsed ? parsed.date.toISOString().slice(0, 10) : 'an earlier day';
}

/**
 * exposed-key: the user carries an `AWSCompromisedKeyQuarantine*` policy, so AWS found one of its
 * keys in public (critical). One finding per active key. A key the responder recorded (its
 * `key-hygiene:exposed-<keyId>` tag, written when it handled the AWS Health event) is deactivated
 * in enforce mode when EXPOSED_KEY_ACTION is `deactivate`; the user's other keys are only named,
 * since the quarantine policy does not say which key leaked and the auditor never guesses.
 */
export const exposedKeyRule: Rule<'exposedKey', ExposedKeySettings> = {
  id: 'exposed-key',
  description:
    'AWS attached an AWSCompromisedKeyQuarantine policy (a key was found in public): critical; deactivates the key the AWS Health event named.',
  controls: [],
  action: 'deactivate',
  settingsKey: 'exposedKey',
  settingsSchema: exposedKeySettingsSchema,
  evaluate(user, settings, { now }): KeyFinding[] {
    if (!settings.enabled || user.isRoot) return [];
    const [policy] = quarantinePolicies(user);
    if (!policy) return [];
    const keys = activeKeys(user, now);
    const ids = keys.map((key) => key.accessKeyId ?? `access key ${key.slot ?? '?'}`).join(' and ');
    const rotate = `rotate: create a new key, move the workloads to it, delete the exposed one, then detach ${policy}`;
    return keys.map((key) => {
      const recorded = exposedOn(user, key.accessKeyId);
      const named = recorded !== null;
      const deactivate = named && settings.action === 'deactivate';
      const message = named
        ? `AWS Health reported key ${keyLabel(key)} of ${user.userName} as exposed in public (recorded ${recorded}) and AWS attached ${policy} to limit it; ${deactivate ? 'it is deactivated, and ' : 'deactivate it now, then '}${rotate}.`
        : `AWS attached ${policy} to ${user.userName}: one of its keys was found in public. Active keys: ${ids}. The AWS Health event AWS_RISK_CREDENTIALS_EXPOSED names the exposed one (key-hygiene does not guess): deactivate that key, then ${rotate}.`;
      return keyFinding(user, key, now, {
        ruleId: 'exposed-key',
        controls: [],
        severity: 'critical',
        action: deactivate ? 'deactivate' : 'notify',
        message,
      });
    });
  },
};
