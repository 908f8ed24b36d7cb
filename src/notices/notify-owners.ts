/**
 * The notices step, after apply and owner resolution: which stage each flagged or deactivated key's
 * owner is due (dueNotices), sent once each (sendNotices), and what the report says of them.
 */

import { keyWayOff } from '../evidence/way-off.js';
import type {
  AuditError,
  AuditReport,
  Finding,
  KeyEvidenceEntry,
  KeyFinding,
  KeyNotice,
  KeyOwner,
  PlannedAction,
  UserRecord,
} from '../model.js';
import type { DirectoryRead } from '../owners/team-directory.js';
import { SNOOZED_UNTIL } from '../plan/snoozes.js';
import { type ActedKey, dueNotices, type FlaggedKey } from './due-notices.js';
import { NOTICED_RULES } from './notice-gate.js';
import type { LedgerLocation, LedgerRead } from './read-ledger.js';
import { type SendDeps, type SendSettings, sendNotices } from './send-notices.js';

export interface NotifyInput {
  accountId: string;
  runId: string;
  now: Date;
  noticeDays: number;
  unusedKeyDays: number;
  sender: string | null;
  topicArn: string | null;
  ledger: LedgerLocation;
  read: LedgerRead;
  findings: readonly Finding[];
  actions: readonly PlannedAction[];
  users: readonly UserRecord[];
  answerLinkFor: SendSettings['answerLinkFor'];
  /** The report's usage evidence: a key with a profile gets its way off in the notice. */
  evidence: readonly KeyEvidenceEntry[];
  /**
   * The team directory (read at most once a run), for the teams' Slack webhooks; null without one.
   * Asked for only when a stage is due for a user with a team.
   */
  teamDirectory?: (() => Promise<DirectoryRead>) | null;
  /** A directory error owner resolution already reported is not reported again. */
  directoryReported?: boolean;
}

export interface OwnersNotified {
  findings: Finding[];
  notices: NonNullable<AuditReport['notices']>;
  errors: AuditError[];
}

const SECURITY_TEAM: KeyOwner = { emails: [], source: 'security-team', unowned: true, createdBy: null };

const isKeyFinding = (f: Finding): f is KeyFinding & { accessKeyId: string } =>
  f.userName !== null && f.accessKeyId !== null;

function usageText(finding: KeyFinding | undefined): string {
  if (!finding) return 'deactivated by key-hygiene';
  if (finding.daysSinceLastUse === 'never' || finding.daysSinceLastUse === null)
    return `never used; created ${finding.keyAgeDays ?? '?'} days ago`;
  const where = [finding.lastUsedService, finding.lastUsedRegion]
    .filter((v) => v && v !== 'N/A')
    .join(' in ');
  return `not used for ${finding.daysSinceLastUse} days${where ? ` (last: ${where})` : ''}`;
}

export async function notifyOwners(deps: SendDeps, input: NotifyInput): Promise<OwnersNotified> {
  const keysById = new Map(
    input.users.flatMap((user) =>
      user.keys.flatMap((key) => (key.accessKeyId ? [[key.accessKeyId, key] as const] : [])),
    ),
  );
  const keyFindings = input.findings.filter(isKeyFinding);
  const findingOf = new Map<string, KeyFinding>();
  for (const f of keyFindings)
    if (!findingOf.has(f.accessKeyId) || NOTICED_RULES.includes(f.ruleId)) findingOf.set(f.accessKeyId, f);

  // A key its owner kept from the answer page is not due a reminder: its owner already answered.
  const snoozed = new Set(
    input.actions.flatMap((a) =>
      a.status === 'skipped' && a.reason?.startsWith(SNOOZED_UNTIL) && a.key.kind === 'id'
        ? [a.key.accessKeyId]
        : [],
    ),
  );
  const flagged: FlaggedKey[] = keyFindings
    .filter(
      (f) => NOTICED_RULES.includes(f.ruleId) && f.keyStatus === 'Active' && !snoozed.has(f.accessKeyId),
    )
    .map((f) => {
      const key = keysById.get(f.accessKeyId);
      return {
        userName: f.userName,
        accessKeyId: f.accessKeyId,
        owner: f.owner ?? SECURITY_TEAM,
        idleSince: key?.lastUsed?.date ?? key?.createDate ?? null,
        lastUse: key?.lastUsed?.date ?? null,
      };
    });
  const acted: ActedKey[] = input.actions
    .filter((a) => a.status === 'applied' && a.action === 'deactivate' && a.key.kind === 'id')
    .map((a) => {
      const accessKeyId = (a.key as { accessKeyId: string }).accessKeyId;
      return {
        userName: a.userName,
        accessKeyId,
        ruleId: a.ruleId,
        owner: findingOf.get(accessKeyId)?.owner ?? SECURITY_TEAM,
        lastUse: keysById.get(accessKeyId)?.lastUsed?.date ?? null,
      };
    });
  const due = dueNotices({
    accountId: input.accountId,
    runId: input.runId,
    now: input.now,
    noticeDays: input.noticeDays,
    unusedKeyDays: input.unusedKeyDays,
    channelFor: (owner) => (input.sender !== null && owner.emails.length > 0 ? 'email' : 'report-topic'),
    flagged,
    acted,
    entries: input.read.entries,
    unreadable: new Set(input.read.unreadable.keys()),
  });
  const teamOf = new Map(
    input.users.flatMap((u) => (u.team === null ? [] : [[u.userName, u.team] as const])),
  );
  const directory =
    input.teamDirectory && due.some((d) => teamOf.has(d.userName)) ? await input.teamDirectory() : null;
  const teamWebhookOf = (userName: string) => {
    const team = teamOf.get(userName);
    const parameter = team === undefined ? undefined : directory?.directory.get(team)?.slackWebhookParameter;
    return team !== undefined && parameter !== undefined ? { team, parameter } : null;
  };
  const result = await sendNotices(
    deps,
    {
      ledger: input.ledger,
      sender: input.sender,
      topicArn: input.topicArn,
      runId: input.runId,
      usageOf: (id) => usageText(findingOf.get(id)),
      answerLinkFor: input.answerLinkFor,
      teamWebhookOf,
      wayOffOf: (key) => {
        const way = keyWayOff({ accountId: input.accountId, evidence: input.evidence }, key);
        return way ? { profile: way.profile, line: way.line, url: way.url } : null;
      },
    },
    due,
  );

  const sentByKey = new Map(result.sent.map((s) => [s.accessKeyId, s]));
  const actedRule = new Map(acted.map((k) => [k.accessKeyId, k.ruleId]));
  const dueByKey = new Map(due.map((d) => [d.accessKeyId, d]));
  const noticeOf = (accessKeyId: string): KeyNotice | null => {
    const cycle =
      dueByKey.get(accessKeyId)?.record.current ?? input.read.entries.get(accessKeyId)?.record.current;
    const tonight = sentByKey.get(accessKeyId) ?? null;
    if (!cycle) return null;
    const notice = cycle.stages.notice;
    return {
      sentAt: tonight?.stage === 'notice' ? tonight.sentAt : notice?.state === 'sent' ? notice.sentAt : null,
      deadline: cycle.deadline,
      tonight: tonight?.stage ?? null,
      channel: tonight?.channel ?? (notice?.state === 'sent' ? notice.channel : null),
    };
  };
  const findings = input.findings.map((f) => {
    // The notice is about the finding that acts: unused-key's, or the rule of tonight's action.
    if (!isKeyFinding(f)) return f;
    const acting = NOTICED_RULES.includes(f.ruleId) || actedRule.get(f.accessKeyId) === f.ruleId;
    if (!acting) return f;
    const notice = noticeOf(f.accessKeyId);
    return notice ? { ...f, notice } : f;
  });
  const directoryError = input.directoryReported ? null : (directory?.error ?? null);
  return {
    findings,
    errors: [...(directoryError ? [directoryError] : []), ...result.errors],
    notices: {
      ownersEmailed: input.sender !== null,
      messagesSent: result.messages,
      stagesSent: result.sent.length,
      note:
        input.sender === null
          ? 'Owners were not emailed: no noticeSender is set, so the notices went to the report topic.'
          : `Owners were emailed from ${input.sender}; keys without an owner address went to the report topic.`,
    },
  };
}
