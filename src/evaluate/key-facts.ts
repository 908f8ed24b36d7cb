/**
 * What every finding says about its key, computed one way for all rules so the report never shows
 * two ages for the same key.
 */
import type {
  AccountFinding,
  FindingAction,
  KeyFinding,
  KeyRecord,
  RuleId,
  SafeguardId,
  Severity,
  UserRecord,
} from '../model.js';
import { daysBetween, toIsoDate } from '../time.js';

/** The fields of a finding that describe the user and the key. */
export type KeyFacts = Pick<
  KeyFinding,
  | 'userName'
  | 'userArn'
  | 'accessKeyId'
  | 'slot'
  | 'keyStatus'
  | 'keyCreateDate'
  | 'keyAgeDays'
  | 'daysSinceLastUse'
  | 'lastUsedService'
  | 'lastUsedRegion'
>;

/**
 * The key facts at `now`. Days are whole days, rounded down; a last use after `now` (possible when
 * previewing an earlier date) counts as 0 days ago.
 */
export function keyFacts(user: UserRecord, key: KeyRecord, now: Date): KeyFacts {
  return {
    userName: user.userName,
    userArn: user.arn,
    accessKeyId: key.accessKeyId,
    slot: key.slot,
    keyStatus: key.status,
    keyCreateDate: key.createDate ? key.createDate.toISOString() : null,
    keyAgeDays: key.createDate ? Math.max(0, daysBetween(key.createDate, now)) : null,
    daysSinceLastUse: key.lastUsed ? Math.max(0, daysBetween(key.lastUsed.date, now)) : 'never',
    lastUsedService: key.lastUsed?.service ?? null,
    lastUsedRegion: key.lastUsed?.region ?? null,
  };
}

/** What a rule or a safeguard says in a finding, beside the facts of the key. */
interface FindingFields {
  ruleId: RuleId | SafeguardId;
  controls: readonly string[];
  severity: Severity;
  action: FindingAction;
  message: string;
}

/** A finding about one key, with every fact of the key filled the one way. */
export function keyFinding(user: UserRecord, key: KeyRecord, now: Date, fields: FindingFields): KeyFinding {
  return {
    ruleId: fields.ruleId,
    severity: fields.severity,
    ...keyFacts(user, key, now),
    controls: [...fields.controls],
    message: fields.message,
    action: fields.action,
  };
}

/** A finding about the run or the account as a whole, tied to no user (a safeguard's). */
export function accountFinding(fields: FindingFields): AccountFinding {
  return {
    ruleId: fields.ruleId,
    severity: fields.severity,
    userName: null,
    controls: [...fields.controls],
    message: fields.message,
    action: fields.action,
  };
}

/** Whether the key existed at `now`. A preview of an earlier date must not judge keys created later. */
export function existedAt(key: KeyRecord, now: Date): boolean {
  return key.createDate === null || key.createDate.getTime() <= now.getTime();
}

/** The active keys that existed at `now`: the only ones most rules look at. */
export function activeKeys(user: UserRecord, now: Date): KeyRecord[] {
  return user.keys.filter((key) => key.status === 'Active' && existedAt(key, now));
}

/** How a sentence names a key: its id, or `access key <slot>` when only the credential report knows it. */
export function keyLabel(key: Pick<KeyRecord, 'accessKeyId' | 'slot'>): string {
  if (key.accessKeyId) return key.accessKeyId;
  return key.slot === null ? 'an access key' : `access key ${key.slot}`;
}

/** `Key AKIA... of alice` / `Access key 1 of alice`, to start a sentence. */
export function keyOfUser(user: UserRecord, key: KeyRecord): string {
  const label = keyLabel(key);
  const start = key.accessKeyId ? `Key ${label}` : `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
  return `${start} of ${user.userName}`;
}

/**
 * The last use in words, e.g. `last used 2026-01-02 for s3 in us-east-1`. IAM reports region `N/A`
 * for global services, which is left out.
 */
export function lastUseText(key: KeyRecord): string {
  const { lastUsed } = key;
  if (!lastUsed) return 'never used';
  const region = lastUsed.region && lastUsed.region !== 'N/A' ? ` in ${lastUsed.region}` : '';
  const service = lastUsed.service && lastUsed.service !== 'N/A' ? ` for ${lastUsed.service}${region}` : '';
  return `last used ${toIsoDate(lastUsed.date)}${service}`;
}

/** `1 day`, `90 days`. */
export function dayCount(days: number): string {
  return `${days} day${days === 1 ? '' : 's'}`;
}
