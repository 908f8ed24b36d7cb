/**
 * The short form of a report that chat messages show (Slack, Amazon Q Developer in chat
 * applications): what was done, the top findings (with their owners), what is coming up, unowned
 * keys, a few exemptions and the links
 * to the archived report, as lists of `mrkdwn` lines with the count each list stands for, so a
 * renderer can say "and N more". Works on a delivered (possibly truncated) report: the totals come
 * from the summary, which always describes the whole run.
 */

import { isComingUp } from '../evaluate/unused-key.js';
import type { ActionOutcome, AuditReport, ExemptEntry, Finding, KeyFinding, Severity } from '../model.js';
import { SNOOZED_UNTIL } from '../plan/snoozes.js';
import { privilegeText } from '../privilege/privilege-text.js';
import { mrkdwnCode, mrkdwnLink, mrkdwnText, truncateChars } from './mrkdwn.js';
import { noticeSent } from './notice-text.js';
import { ownerText, unownedKeys } from './owner-text.js';

/** One list of a chat message: its title, the lines shown, and how many entries it stands for. */
export interface DigestList {
  title: string;
  lines: string[];
  total: number;
  /** The noun for the "and N more" line, e.g. `findings`. */
  noun: string;
}

/** How many entries of each list a chat message shows at most. */
export interface DigestLimits {
  done: number;
  findings: number;
  comingUp: number;
  exempt: number;
  unowned: number;
  snoozed: number;
}

export const DEFAULT_DIGEST_LIMITS: DigestLimits = {
  done: 10,
  findings: 15,
  comingUp: 10,
  exempt: 5,
  unowned: 10,
  snoozed: 10,
};

/** Free text from the account (messages, reasons, errors) is cut to this before escaping. */
const MAX_FREE_TEXT = 300;

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':white_circle:',
  info: ':information_source:',
};

/** Links to the archived copies of the report, when the run archived it. */
export interface ArchiveLinks {
  html?: string;
  json?: string;
  csv?: string;
}

/**
 * The archived report's links from `report.archive` (each object's `consoleUrl`, or a plain URL).
 * Read defensively: the field is optional, and anything that is not a URL string is ignored.
 */
export function archiveLinks(report: AuditReport): ArchiveLinks {
  const archive = (report as { archive?: unknown }).archive;
  if (typeof archive !== 'object' || archive === null) return {};
  const links: ArchiveLinks = {};
  for (const kind of ['html', 'json', 'csv'] as const) {
    const entry = (archive as Record<string, unknown>)[kind];
    const value =
      typeof entry === 'object' && entry !== null ? (entry as { consoleUrl?: unknown }).consoleUrl : entry;
    if (typeof value === 'string' && value !== '') links[kind] = value;
  }
  return links;
}

/** `<https://…|full report (HTML)>, <…|JSON>, <…|CSV>`, or null when there is no usable link. */
export function archiveLine(report: AuditReport): string | null {
  const links = archiveLinks(report);
  const labels = { html: 'full report (HTML)', json: 'JSON', csv: 'CSV' } as const;
  const parts = (['html', 'json', 'csv'] as const)
    .map((kind) => (links[kind] ? mrkdwnLink(links[kind], labels[kind]) : null))
    .filter((part): part is string => part !== null);
  return parts.length === 0 ? null : `:file_folder: Archived report: ${parts.join(' · ')}`;
}

/** The user and key of an entry, as code spans: `` `bob` `AKIA…` ``. */
export function whoKey(userName: string | null, key: string | null, slot: 1 | 2 | null = null): string {
  const user = userName === null ? 'account' : mrkdwnCode(userName);
  const label = key ?? (slot === null ? null : `access key ${slot}`);
  return label === null ? user : `${user} ${mrkdwnCode(label)}`;
}

function freeText(value: string): string {
  return mrkdwnText(truncateChars(value, MAX_FREE_TEXT));
}

function actionLine(action: ActionOutcome): string {
  const who = whoKey(action.userName, action.accessKeyId);
  const rule = mrkdwnText(action.ruleId);
  switch (action.status) {
    case 'applied':
      return `• ${action.action === 'delete' ? 'Deleted' : 'Deactivated'} ${who} (${rule})`;
    case 'failed': {
      const error = action.error ? `: ${freeText(`${action.error.code}: ${action.error.message}`)}` : '';
      return `• :x: Failed to ${action.action} ${who} (${rule})${error}`;
    }
    case 'planned':
      return `• Would ${action.action} ${who} (${rule})`;
    case 'skipped':
      return `• Skipped ${who} (${rule})${action.reason ? `: ${freeText(action.reason)}` : ''}`;
  }
}

function findingLine(finding: Finding): string {
  const who = findingWho(finding);
  const privilege = privilegeText(finding);
  const can = privilege ? ` · _${freeText(privilege)}_` : '';
  const owner =
    finding.userName !== null && finding.owner ? ` · owner ${freeText(ownerText(finding.owner))}` : '';
  return `• ${SEVERITY_EMOJI[finding.severity]} *${finding.severity}* ${who} · ${mrkdwnText(finding.ruleId)}${can}${owner}${noticeParts(finding)}: ${freeText(finding.message)}`;
}

/** " · notice sent 2026-11-20 by email, deadline 2026-11-27 · snoozed until 2026-12-31", or "". */
function noticeParts(finding: Finding): string {
  if (finding.userName === null) return '';
  const { notice, snooze } = finding;
  const sent = notice
    ? ` · notice ${noticeSent(notice)}${notice.deadline ? `, deadline ${notice.deadline}` : ''}`
    : '';
  return `${sent}${snooze ? ` · snoozed until ${mrkdwnText(snooze.until)}` : ''}`;
}

function unownedLine(finding: KeyFinding): string {
  const createdBy = finding.owner?.createdBy ? ` · created by ${freeText(finding.owner.createdBy)}` : '';
  return `• ${whoKey(finding.userName, finding.accessKeyId, finding.slot)}${createdBy}`;
}

function comingUpLine(finding: Finding): string {
  return `• ${findingWho(finding)}: ${freeText(finding.message)}`;
}

function findingWho(finding: Finding): string {
  return finding.userName === null
    ? whoKey(null, null)
    : whoKey(finding.userName, finding.accessKeyId, finding.slot);
}

function exemptLine(entry: ExemptEntry): string {
  const how =
    entry.source === 'tag' ? `tag key-hygiene:exempt=${entry.matched}` : `${entry.source} ${entry.matched}`;
  const until = entry.until ? ` until ${entry.until}` : '';
  const reason = entry.reason ? `: ${entry.reason}` : '';
  return `• ${whoKey(entry.userName, entry.accessKeyId)} ${freeText(`${how}${until}${reason}`)}`;
}

/**
 * The lists a chat message shows, empty ones left out: what was done (or would be, in report
 * mode), the top findings by severity (the warning window aside), what is coming up, unowned keys,
 * exemptions.
 */
export function digestLists(report: AuditReport, limits: DigestLimits = DEFAULT_DIGEST_LIMITS): DigestList[] {
  const enforce = report.mode === 'enforce';
  const done = report.actions.filter((a) =>
    enforce ? a.status === 'applied' || a.status === 'failed' : a.status === 'planned',
  );
  const doneTotal = enforce
    ? report.summary.actionsApplied + report.summary.actionsFailed
    : report.summary.actionsPlanned;
  const comingUp = report.findings.filter(isComingUp);
  const findings = report.findings.filter((f) => !isComingUp(f));
  const unowned = unownedKeys(report.findings);
  const snoozed = report.actions.filter((a) => a.status === 'skipped' && a.reason?.startsWith(SNOOZED_UNTIL));
  const lists: DigestList[] = [
    {
      title: enforce ? 'What was done' : 'What enforce mode would do',
      lines: done.slice(0, limits.done).map(actionLine),
      total: Math.max(doneTotal, done.length),
      noun: 'actions',
    },
    {
      title: 'Top findings',
      lines: findings.slice(0, limits.findings).map(findingLine),
      total: Math.max(report.summary.findings - comingUp.length, findings.length),
      noun: 'findings',
    },
    {
      title: 'Coming up (inside the warning window)',
      lines: comingUp.slice(0, limits.comingUp).map(comingUpLine),
      total: comingUp.length,
      noun: 'keys',
    },
    {
      title: 'Unowned keys (the security team answers for them)',
      lines: unowned.slice(0, limits.unowned).map(unownedLine),
      total: unowned.length,
      noun: 'keys',
    },
    {
      title: 'Snoozed by their owners (the answer page)',
      lines: snoozed.slice(0, limits.snoozed).map(actionLine),
      total: snoozed.length,
      noun: 'keys',
    },
    {
      title: 'Exempt',
      lines: report.exempt.slice(0, limits.exempt).map(exemptLine),
      total: Math.max(report.summary.exempt, report.exempt.length),
      noun: 'exemptions',
    },
  ];
  return lists.filter((list) => list.total > 0);
}

/** `…and 12 more findings` for a list that shows fewer lines than it stands for, else null. */
export function moreLine(list: Pick<DigestList, 'total' | 'noun'>, shown: number): string | null {
  const more = list.total - shown;
  return more > 0
    ? `…and ${more} more ${more === 1 ? list.noun.replace(/s$/, '') : list.noun} in the full report`
    : null;
}

/**
 * A list as one `mrkdwn` text of at most `maxChars` characters: `*Title (total)*`, as many whole
 * lines as fit, then the "and N more" line when some were left out.
 *
 * @example
 * packList(list, 3000).text; // '*Top findings (18)*\n• …\n…and 3 more findings in the full report'
 */
export function packList(list: DigestList, maxChars: number): { text: string; shown: number } {
  const title = `*${mrkdwnText(list.title)} (${list.total})*`;
  let text = title;
  let shown = 0;
  for (const line of list.lines) {
    const next = `${text}\n${line}`;
    const more = moreLine(list, shown + 1);
    if (length(next) + (more === null ? 0 : length(more) + 1) > maxChars) break;
    text = next;
    shown += 1;
  }
  const more = moreLine(list, shown);
  if (more !== null) text = `${text}\n${more}`;
  return { text: truncateChars(text, maxChars), shown };
}

function length(value: string): number {
  return Array.from(value).length;
}
