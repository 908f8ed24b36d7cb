/**
 * One row per access key of the audited account, joined with what the run found and did about it.
 * The CSV export and the HTML report's chart and tables start from these rows; the canonical report
 * holds only findings, actions and exemptions, because a row per key of a 50,000-user account
 * would not fit a Lambda response or an SNS message.
 */

import { keyFacts } from '../evaluate/key-facts.js';
import { keyWayOff } from '../evidence/way-off.js';
import { keyIdentity, keyRefOf } from '../key-ref.js';
import type {
  ActionOutcome,
  AuditReport,
  ExemptEntry,
  KeyEvidenceEntry,
  KeyNotice,
  KeyOwner,
  KeySnooze,
  KeyStatus,
  RuleId,
  SafeguardId,
  Severity,
  UserRecord,
} from '../model.js';
import { SEVERITY_ORDER } from '../model.js';
import { privilegeText } from '../privilege/privilege-text.js';

export interface KeyRow {
  userName: string;
  userArn: string;
  path: string;
  isRoot: boolean;
  /** The `team` tag, else the `owner` tag, else null. */
  team: string | null;
  /** Null when the key is known only by its credential-report slot. */
  accessKeyId: string | null;
  slot: 1 | 2 | null;
  status: KeyStatus;
  createDate: string | null;
  ageDays: number | null;
  lastUsedDate: string | null;
  daysSinceLastUse: number | 'never';
  lastUsedService: string | null;
  lastUsedRegion: string | null;
  /** Rules that raised a finding on this key, most severe first. */
  findings: (RuleId | SafeguardId)[];
  /** The most severe finding's severity, or null when there is none. */
  severity: Severity | null;
  /** What the run did or would do to the key, or null. */
  action: Pick<ActionOutcome, 'action' | 'ruleId' | 'status' | 'reason'> | null;
  /** The exemption that covers the key, or null. */
  exemption: Pick<ExemptEntry, 'source' | 'matched' | 'until' | 'reason'> | null;
  /** What the key's user can do (`admin: AdministratorAccess via group Admins`), from its findings; null when not read. */
  privilege: string | null;
  /** Who answers for the key (from its findings); null for a key without a finding. */
  owner: KeyOwner | null;
  /** The key's usage profile from CloudTrail, and the way off it in a line; null when not read. */
  usage: { profile: KeyEvidenceEntry['profile']; wayOff: string } | null;
  /** The owner's notice (enforce mode, notices on): when it went and the deadline; null otherwise. */
  notice: KeyNotice | null;
  /** The owner's snooze that holds tonight (from its findings); null otherwise. */
  snooze: KeySnooze | null;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * Joins the inventory with the report, in inventory order. Findings are matched to keys by key id
 * (or user and slot); findings with no user (account-level safeguards) do not appear in any row.
 */
export function buildKeyRows(users: readonly UserRecord[], report: AuditReport): KeyRow[] {
  const asOf = new Date(report.asOf);
  const findingsByKey = groupBy(
    // A root key seen through GetAccountSummary has neither id nor slot; its finding has neither
    // too, and matches it by user name alone.
    report.findings.filter((f) => f.userName !== null),
    (f) => (f.userName === null ? '' : keyIdentity(f.userName, keyRefOf(f))),
  );
  const actionByKey = new Map(report.actions.map((a) => [a.accessKeyId, a]));
  const exemptByKey = new Map(
    report.exempt.map((e) => [e.accessKeyId ?? `${e.userName}\u0000user`, e] as const),
  );
  const rows: KeyRow[] = [];
  for (const user of users) {
    for (const key of user.keys) {
      const facts = keyFacts(user, key, asOf);
      const findings = [...(findingsByKey.get(keyIdentity(user.userName, keyRefOf(key))) ?? [])].sort(
        (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
      );
      const way = keyWayOff(report, {
        userName: user.userName,
        accessKeyId: key.accessKeyId,
        keyCreateDate: key.createDate,
      });
      const action = key.accessKeyId ? actionByKey.get(key.accessKeyId) : undefined;
      const exemption =
        (key.accessKeyId ? exemptByKey.get(key.accessKeyId) : undefined) ??
        exemptByKey.get(`${user.userName}\u0000user`);
      rows.push({
        userName: user.userName,
        userArn: user.arn,
        path: user.path,
        isRoot: user.isRoot,
        // The raw tag, not the routing team (trimmed, cut, without control characters): the CSV keeps what IAM holds.
        team: user.tags.team ?? user.tags.owner ?? null,
        accessKeyId: key.accessKeyId,
        slot: key.slot,
        status: key.status,
        createDate: facts.keyCreateDate,
        ageDays: facts.keyAgeDays,
        lastUsedDate: key.lastUsed ? key.lastUsed.date.toISOString() : null,
        daysSinceLastUse: facts.daysSinceLastUse ?? 'never',
        lastUsedService: facts.lastUsedService,
        lastUsedRegion: facts.lastUsedRegion,
        findings: findings.map((f) => f.ruleId),
        severity: findings[0]?.severity ?? null,
        privilege: findings.map(privilegeText).find((text) => text !== null) ?? null,
        owner: findings.flatMap((f) => (f.userName !== null && f.owner ? [f.owner] : []))[0] ?? null,
        usage: way ? { profile: way.profile, wayOff: way.line } : null,
        notice: findings.flatMap((f) => (f.userName !== null && f.notice ? [f.notice] : []))[0] ?? null,
        snooze: findings.flatMap((f) => (f.userName !== null && f.snooze ? [f.snooze] : []))[0] ?? null,
        action: action
          ? { action: action.action, ruleId: action.ruleId, status: action.status, reason: action.reason }
          : null,
        exemption: exemption
          ? {
              source: exemption.source,
              matched: exemption.matched,
              until: exemption.until,
              reason: exemption.reason,
            }
          : null,
      });
    }
  }
  return rows;
}
