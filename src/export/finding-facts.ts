/**
 * What every export of a finding (Security Hub's ASFF, OCSF) says the same way: its stable id, when
 * its condition first held, its title, the advice and what the run did about it. Pure: the report,
 * the inventory and the settings in, strings and dates out.
 */
import type { Settings } from '../config/settings.js';
import {
  deactivationOf,
  deactivationsOf,
  OWN_TAG_PREFIX,
  OWNER_TAG_KEYS,
  TEAM_TAG_KEYS,
} from '../evaluate/tags.js';
import type { ActionOutcome, AuditReport, Finding, KeyRecord, UserRecord } from '../model.js';
import { MS_PER_DAY } from '../time.js';

/** The prefix of every finding's id and generator: `key-hygiene/<rule>`. */
export const GENERATOR_PREFIX = 'key-hygiene/';

/** The thresholds a finding's first-observed date is computed from. */
export type FindingThresholds = Pick<
  Settings['rules'],
  'unusedKey' | 'neverUsedKey' | 'rotationOverdue' | 'inactiveKeyCleanup'
>;

const TITLES: Readonly<Record<Finding['ruleId'], string>> = {
  'unused-key': 'Unused IAM access key',
  'never-used-key': 'IAM access key never used',
  'rotation-overdue': 'IAM access key overdue for rotation',
  'two-active-keys': 'IAM user with two active access keys',
  'root-access-key': 'Root user has an active access key',
  'inactive-key-cleanup': 'Inactive IAM access key to delete',
  'exposed-key': 'IAM access key exposed in public (AWS quarantined the user)',
  'blast-radius-cap': 'key-hygiene blast-radius cap reached: no key was deactivated',
  'unfinished-deactivation': 'key-hygiene deactivation left unfinished',
};

const REMEDIATION: Readonly<Record<Finding['ruleId'], string>> = {
  'unused-key':
    'Deactivate the key (key-hygiene does so in enforce mode), then delete it once nothing breaks. If the key is still needed, tag the user key-hygiene:exempt with a date until which it holds.',
  'never-used-key': 'Delete the key if nothing needs it; an unused key is a credential nobody watches.',
  'rotation-overdue':
    'Create a second key, move the workload to it, deactivate the old key, then delete it. Better: replace long-term keys with IAM roles.',
  'two-active-keys':
    'Keep one key: move the workload to the newer key, then deactivate and delete the older one.',
  'root-access-key':
    'Sign in as the root user and delete its access key; use IAM roles instead. Root keys cannot be limited by any policy.',
  'inactive-key-cleanup':
    'Delete the inactive key: it is no longer used and only waits to be reactivated by mistake.',
  'exposed-key':
    "Deactivate the exposed key at once (key-hygiene's responder does so), rotate it, check what it did in CloudTrail, then detach the AWSCompromisedKeyQuarantine policy from the user.",
  'blast-radius-cap':
    'Review the run report: more keys were due than maxActionsPerRun allows. Raise the cap or fix the threshold, then run again.',
  'unfinished-deactivation':
    'Review the run report: a deactivation was started but not recorded as finished. Check the key and run again.',
};

/** The IAM guide on managing access keys: where every remediation leads. */
export const REMEDIATION_URL =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html';

/** The finding's title: what is wrong, and whose key (at most 256 characters once clipped). */
export function findingTitle(finding: Finding): string {
  const title = TITLES[finding.ruleId];
  // The root user is the account itself: its report name (`<root_account>`) adds nothing.
  return finding.userName === null || finding.ruleId === 'root-access-key'
    ? title
    : `${title}: ${finding.userName}`;
}

/** What to do about the finding, in a sentence or two (ASFF allows 512 characters). */
export function remediationText(finding: Finding): string {
  return REMEDIATION[finding.ruleId];
}

/**
 * The finding's id, the same every night for the same condition: account, rule, and the key (its
 * user and creation time, which the credential report and the live API both know, so the id does
 * not change with the inventory path) or the user (two-active-keys) or nothing (a safeguard, the
 * root user's key).
 *
 * @example
 * findingUid('111111111111', finding); // 'key-hygiene/111111111111/unused-key/alice/2026-01-02T03:04:05.000Z'
 */
export function findingUid(accountId: string, finding: Finding): string {
  const base = `${GENERATOR_PREFIX}${accountId}/${finding.ruleId}`;
  // The root user's key is seen without dates on the live path (GetAccountSummary): one finding
  // per account, whichever path saw it.
  if (finding.userName === null || finding.ruleId === 'root-access-key') return base;
  if (finding.ruleId === 'two-active-keys') return `${base}/${finding.userName}`;
  const key = finding.keyCreateDate ?? (finding.slot === null ? 'key' : `slot-${finding.slot}`);
  return `${base}/${finding.userName}/${key}`;
}

/** The inventory's user and key a finding is about (null for a safeguard or a user not collected). */
export function recordsOf(
  users: readonly UserRecord[],
  finding: Finding,
): { user: UserRecord; key: KeyRecord | null } | null {
  if (finding.userName === null) return null;
  const user = users.find((u) => u.userName === finding.userName);
  if (!user) return null;
  const key =
    user.keys.find((k) =>
      finding.accessKeyId !== null
        ? k.accessKeyId === finding.accessKeyId
        : finding.keyCreateDate !== null
          ? k.createDate?.toISOString() === finding.keyCreateDate
          : k.slot === finding.slot,
    ) ?? null;
  return { user, key };
}

const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * MS_PER_DAY);

/**
 * When the finding's condition first held, from the key's dates and the thresholds, so it stays the
 * same from night to night: an unused key's last use (or creation) plus the days after which the rule
 * speaks up, a key's creation plus the rotation period, the second key's creation. Null when the
 * dates do not say (a safeguard, a root key seen without dates).
 */
export function firstObservedAt(
  finding: Finding,
  users: readonly UserRecord[],
  thresholds: FindingThresholds,
  asOf: Date,
): Date | null {
  const records = recordsOf(users, finding);
  if (!records) return null;
  const { user, key } = records;
  switch (finding.ruleId) {
    case 'unused-key': {
      const since = key?.lastUsed?.date ?? key?.createDate;
      if (!since) return null;
      // A never-used key is left alone during never-used-key's grace period.
      const days = key?.lastUsed
        ? thresholds.unusedKey.warnDays
        : Math.max(thresholds.unusedKey.warnDays, thresholds.neverUsedKey.days);
      return plusDays(since, days);
    }
    case 'never-used-key':
      return key?.createDate ? plusDays(key.createDate, thresholds.neverUsedKey.days) : null;
    case 'rotation-overdue':
      return key?.createDate ? plusDays(key.createDate, thresholds.rotationOverdue.days) : null;
    case 'two-active-keys': {
      // The keys the rule counted: active, and created by the time the run evaluated.
      const created = user.keys
        .filter((k) => k.status === 'Active' && k.createDate !== null && k.createDate <= asOf)
        .map((k) => k.createDate?.getTime() ?? 0)
        .sort((a, b) => a - b);
      const second = created[1];
      return second === undefined ? null : new Date(second);
    }
    case 'root-access-key':
      return key?.createDate ?? null;
    case 'inactive-key-cleanup': {
      const since = key?.lastUsed?.date ?? key?.createDate;
      if (!since || !key) return null;
      // As the rule reads it: a key known only by its slot gets the user's oldest deactivation.
      const deactivated = key.accessKeyId
        ? deactivationOf(user.tags, key.accessKeyId)
        : (deactivationsOf(user.tags)[0] ?? null);
      const from = deactivated && deactivated.date > since ? deactivated.date : since;
      return plusDays(from, thresholds.inactiveKeyCleanup.days);
    }
    default:
      return null;
  }
}

/** The run's action on the finding's key, if it planned one. */
export function actionOf(report: Pick<AuditReport, 'actions'>, finding: Finding): ActionOutcome | null {
  if (finding.userName === null) return null;
  const label = finding.accessKeyId ?? `(slot ${finding.slot ?? '?'})`;
  return (
    report.actions.find(
      (a) => a.ruleId === finding.ruleId && a.userName === finding.userName && a.accessKeyId === label,
    ) ?? null
  );
}

/** What the run did about the finding, in one word: `deactivated`, `deleted`, `planned`, ... or `none`. */
export function actionTaken(action: ActionOutcome | null): string {
  if (!action) return 'none';
  if (action.status === 'applied') return action.action === 'deactivate' ? 'deactivated' : 'deleted';
  return action.status;
}

/**
 * Cuts `text` to at most `max` UTF-16 units, marking the cut, for fields with a length limit; never
 * inside a character, so a cut name stays valid text.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

const SHOWN_TAG_KEYS: ReadonlySet<string> = new Set([...TEAM_TAG_KEYS, ...OWNER_TAG_KEYS]);

/**
 * The user tags an exported finding carries: key-hygiene's own and the team and owner tags (keys
 * compared without case, as IAM does). A user's other tags (a cost centre, anything secret-looking)
 * stay in the account: Security Hub and OCSF consumers see findings across accounts and teams.
 */
export function exportedTags(tags: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(tags).filter(([key]) => {
    const lower = key.toLowerCase();
    return lower.startsWith(OWN_TAG_PREFIX) || SHOWN_TAG_KEYS.has(lower);
  });
}
