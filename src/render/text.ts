import { isComingUp } from '../evaluate/unused-key.js';
import { keyWayOff } from '../evidence/way-off.js';
import type {
  ActionOutcome,
  AuditError,
  AuditReport,
  ExemptEntry,
  Finding,
  KeyFinding,
  Severity,
} from '../model.js';
import { SEVERITY_ORDER } from '../model.js';
import { privilegeText } from '../privilege/privilege-text.js';
import { noticeText, snoozeText } from './notice-text.js';
import { headline, type RunOutcome, summarizeOutcome } from './outcome.js';
import { ownerText, unownedKeys } from './owner-text.js';
import { weightingText } from './privilege.js';
import { clean, plural, wrap } from './text-format.js';

export interface RenderTextOptions {
  /** Show at most this many findings (the most severe first) and say how many were left out. */
  maxFindings?: number;
  /**
   * Show at most this many entries of each other list (actions, exempt entries, errors), again
   * saying how many were left out. Used when a report must fit a size limit.
   */
  maxEntries?: number;
}

/** How many users not reached are named in the warning; the rest are counted. */
const NOT_REACHED_NAMED = 5;

/**
 * Renders the report as plain text for an email read on a phone: no Markdown or HTML, lines of at
 * most 78 characters (long words aside), stable output for the same report. Every string from the
 * account goes through {@link clean}, so it cannot break the layout. The headline counts describe
 * the whole report even when `maxFindings` hides findings.
 */
export function renderText(report: AuditReport, options: RenderTextOptions = {}): string {
  const outcome = summarizeOutcome(report);
  const maxFindings = limitOf(options.maxFindings, 'maxFindings');
  const maxEntries = limitOf(options.maxEntries, 'maxEntries');
  const actions = report.actions.slice(0, maxEntries);
  const actionsOmitted = report.actions.length - actions.length;
  const shownSkipped = actions.filter((a) => a.status === 'skipped');

  const sections: string[][] = [
    headerSection(report, outcome),
    incompleteSection(report),
    doneSection(report, actions, shownSkipped.length === 0 ? actionsOmitted : 0),
    ...findingSections(report, maxFindings),
    unownedSection(report, maxEntries),
    exemptSection(report.exempt, maxEntries),
    skippedSection(report, shownSkipped, shownSkipped.length > 0 ? actionsOmitted : 0),
    errorSection(report.errors, maxEntries),
    footerSection(report),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}

function headerSection(report: AuditReport, outcome: RunOutcome): string[] {
  const { summary } = report;
  const scope = [
    `Audited ${plural(summary.usersAudited, 'user')} and ${plural(summary.keysAudited, 'key')}`,
    `(${summary.activeKeys} active):`,
    `${plural(summary.findings, 'finding')},`,
    `${plural(summary.exempt, 'exemption')},`,
    `${plural(summary.errors, 'error')}.`,
  ].join(' ');
  // Whether owners were emailed is said up front: a reader must know who was told before acting.
  const notices = report.notices
    ? wrap(
        `Owners' notices: ${plural(report.notices.messagesSent, 'message')} sent tonight (${plural(report.notices.stagesSent, 'key stage')}). ${clean(report.notices.note)}`,
      )
    : [];
  return ['KEY-HYGIENE AUDIT', ...wrap(`${clean(headline(report, outcome))}.`), ...wrap(scope), ...notices];
}

function incompleteSection(report: AuditReport): string[] {
  if (report.complete) return [];
  const missing = report.notReached.length;
  const named = report.notReached.slice(0, NOT_REACHED_NAMED).map(clean).join(', ');
  const more = missing > NOT_REACHED_NAMED ? ` and ${missing - NOT_REACHED_NAMED} more` : '';
  const who =
    missing > 0
      ? `${plural(missing, 'user was', 'users were')} not reached and not audited: ${named}${more}.`
      : 'the user listing did not finish, so some users may not have been audited.';
  const errors = report.errors.length > 0 ? ' See ERRORS below.' : '';
  return wrap(
    `INCOMPLETE RUN: ${who} This report covers the users that were audited; the next run tries again.${errors}`,
  );
}

function doneSection(report: AuditReport, actions: readonly ActionOutcome[], omitted: number): string[] {
  const enforce = report.mode === 'enforce';
  const groups: Array<[string, ActionOutcome[]]> = [
    ['Deactivated', actions.filter((a) => a.status === 'applied' && a.action === 'deactivate')],
    ['Deleted', actions.filter((a) => a.status === 'applied' && a.action === 'delete')],
    ['Failed', actions.filter((a) => a.status === 'failed')],
    ['Deactivate', actions.filter((a) => a.status === 'planned' && a.action === 'deactivate')],
    ['Delete', actions.filter((a) => a.status === 'planned' && a.action === 'delete')],
  ];
  const listed: string[] = [];
  for (const [title, group] of groups) {
    if (group.length === 0) continue;
    listed.push(`${title} (${group.length}):`);
    for (const action of group) {
      if (action.status === 'failed') {
        listed.push(
          ...bullet(`${who(action.userName, action.accessKeyId)}: ${action.action} (${action.ruleId})`),
        );
        if (action.error) listed.push(...detail(`${action.error.code}: ${action.error.message}`));
      } else {
        listed.push(...bullet(`${who(action.userName, action.accessKeyId)} (${action.ruleId})`));
        if (action.status === 'planned' && action.reason) listed.push(...detail(action.reason));
      }
    }
  }
  const skipped = report.summary.actionsSkipped;
  const skippedNote = skipped > 0 ? ` (${plural(skipped, 'action')} skipped, see SKIPPED ACTIONS)` : '';
  let intro: string;
  if (enforce) intro = listed.length > 0 ? '' : `Nothing was changed${skippedNote}.`;
  else if (listed.length > 0) intro = 'Report mode: nothing was changed. In enforce mode this run would:';
  else
    intro = `Report mode: nothing was changed, and enforce mode would change nothing either${skippedNote}.`;
  const lines = [enforce ? 'WHAT WAS DONE' : 'WHAT ENFORCE MODE WOULD DO'];
  if (intro) lines.push(...wrap(intro));
  lines.push(...listed);
  if (omitted > 0) lines.push(`${plural(omitted, 'more action')} not shown.`);
  return lines;
}

function findingSections(report: AuditReport, maxFindings: number): string[][] {
  if (report.findings.length === 0) return [['FINDINGS', 'No findings: every audited key is within policy.']];
  const shown = report.findings.slice(0, maxFindings);
  const groups: Array<{ title: string; intro?: string; match: (f: Finding) => boolean }> = [
    ...SEVERITY_ORDER.map((severity: Severity) => ({
      title: severity.toUpperCase(),
      match: (f: Finding) => f.severity === severity && !isComingUp(f),
    })),
    {
      title: 'COMING UP',
      intro:
        'Unused keys inside the warning window: they will be deactivated when they reach the unused-key threshold, unless they are used before then.',
      match: isComingUp,
    },
  ];
  const sections: string[][] = [];
  for (const group of groups) {
    const visible = shown.filter(group.match);
    // A section whose findings were all cut is summed up in the "not shown" line instead.
    if (visible.length === 0) continue;
    const total = report.findings.filter(group.match).length;
    const lines = [
      `${group.title} (${visible.length === total ? total : `${visible.length} of ${total} shown`})`,
    ];
    if (group.intro) lines.push(...wrap(group.intro));
    for (const finding of visible) lines.push(...renderFinding(report, finding));
    sections.push(lines);
  }
  const omitted = report.findings.slice(shown.length);
  if (omitted.length > 0) {
    const bySeverity = SEVERITY_ORDER.map(
      (severity) => [severity, omitted.filter((f) => f.severity === severity).length] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([severity, n]) => `${n} ${severity}`)
      .join(', ');
    const full = fullReportLink(report);
    sections.push([
      ...wrap(
        `${plural(omitted.length, 'more finding')} not shown (${bySeverity}), to keep this message within its size limit. The counts above include them.${full ? ' The full report:' : ''}`,
      ),
      ...(full ? [full] : []),
    ]);
  }
  return sections;
}

function renderFinding(report: AuditReport, finding: Finding): string[] {
  const lines = bullet(
    `${finding.userName === null ? 'Account' : keySubject(finding)} [${clean(finding.ruleId)}]`,
  );
  const facts = finding.userName === null ? null : keyFacts(finding);
  if (facts) lines.push(...detail(facts));
  const privilege = privilegeText(finding);
  if (privilege) lines.push(...detail(`Privilege: ${clean(privilege)}.`));
  if (finding.userName !== null && finding.owner)
    lines.push(...detail(`Owner: ${clean(ownerText(finding.owner))}.`));
  if (finding.userName !== null && finding.notice) lines.push(...detail(noticeText(finding.notice)));
  if (finding.userName !== null && finding.snooze) lines.push(...detail(clean(snoozeText(finding.snooze))));
  lines.push(...usageLines(report, finding));
  if (finding.controls.length > 0)
    lines.push(...detail(`Controls: ${finding.controls.map(clean).join(', ')}.`));
  lines.push(...detail(clean(finding.message)));
  return lines;
}

/** The key's usage profile, the evidence in a phrase, the way off in a line, and its docs link. */
function usageLines(report: AuditReport, finding: Finding): string[] {
  const way = finding.userName === null ? null : keyWayOff(report, finding);
  if (!way) return [];
  // The link stands on its own line, unwrapped, like the archive's links.
  return [
    ...detail(`Usage: ${way.profile} (${clean(way.evidence)}).`),
    ...detail(`Way off: ${way.line}`),
    `  ${way.url}`,
  ];
}

/** A key known only from the credential report is named by its slot and creation date. */
function keySubject(finding: KeyFinding): string {
  const created = finding.keyCreateDate ? ` (created ${shortIso(finding.keyCreateDate).slice(0, 10)})` : '';
  const key = finding.accessKeyId ?? (finding.slot === null ? null : `access key ${finding.slot}${created}`);
  return who(finding.userName, key);
}

/** "Inactive key, age 120 days, last used 95 days ago via s3 in us-east-1." */
function keyFacts(finding: KeyFinding): string | null {
  const facts: string[] = [];
  if (finding.keyStatus !== 'Active') facts.push(`${finding.keyStatus} key`);
  if (finding.keyAgeDays !== null) facts.push(`age ${plural(finding.keyAgeDays, 'day')}`);
  const days = finding.daysSinceLastUse;
  if (days === 'never') facts.push('never used');
  else if (days !== null) {
    const when = days === 0 ? 'today' : `${plural(days, 'day')} ago`;
    facts.push(
      `last used ${when}${known(finding.lastUsedService, ' via ')}${known(finding.lastUsedRegion, ' in ')}`,
    );
  }
  if (facts.length === 0) return null;
  const sentence = facts.join(', ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** IAM reports `N/A` for the service and region of a key that was never used. */
function known(value: string | null, prefix: string): string {
  return value === null || value === '' || value === 'N/A' ? '' : `${prefix}${clean(value)}`;
}

/** Keys nobody but the security team answers for: someone has to find their owner. */
function unownedSection(report: AuditReport, maxEntries: number): string[] {
  const keys = unownedKeys(report.findings);
  if (keys.length === 0) return [];
  const lines = [`UNOWNED KEYS (${keys.length})`];
  for (const key of keys.slice(0, maxEntries)) {
    lines.push(...bullet(keySubject(key)));
    if (key.owner?.createdBy) lines.push(...detail(`Created by ${clean(key.owner.createdBy)}.`));
  }
  if (keys.length > maxEntries)
    lines.push(`${plural(keys.length - maxEntries, 'more unowned key')} not shown.`);
  return lines;
}

function exemptSection(entries: readonly ExemptEntry[], maxEntries: number): string[] {
  if (entries.length === 0) return [];
  const lines = [`EXEMPT (${entries.length})`];
  for (const entry of entries.slice(0, maxEntries)) {
    const until = entry.until === null ? '' : `, until ${clean(entry.until)}`;
    const key = entry.accessKeyId ?? 'all keys';
    lines.push(...bullet(`${who(entry.userName, key)}: ${exemptionSource(entry)}${until}`));
    lines.push(...detail(entry.reason ? `Reason: ${clean(entry.reason)}` : 'No reason given.'));
    if (entry.suppressedRules.length > 0) {
      lines.push(...detail(`Would have raised: ${entry.suppressedRules.join(', ')}.`));
    }
  }
  if (entries.length > maxEntries)
    lines.push(`${plural(entries.length - maxEntries, 'more exemption')} not shown.`);
  return lines;
}

function exemptionSource(entry: ExemptEntry): string {
  const matched = clean(entry.matched);
  switch (entry.source) {
    case 'tag':
      return `tag key-hygiene:exempt=${matched}`;
    case 'name':
      return `configured name ${matched}`;
    case 'glob':
      return `configured name pattern ${matched}`;
    case 'path':
      return `configured path ${matched}`;
  }
}

function skippedSection(report: AuditReport, skipped: readonly ActionOutcome[], omitted: number): string[] {
  if (report.summary.actionsSkipped === 0 && skipped.length === 0) return [];
  const lines = [`SKIPPED ACTIONS (${report.summary.actionsSkipped})`];
  for (const action of skipped) {
    lines.push(...bullet(`${who(action.userName, action.accessKeyId)}: ${action.action} (${action.ruleId})`));
    lines.push(...detail(`Why: ${action.reason ? clean(action.reason) : 'no reason recorded.'}`));
  }
  if (omitted > 0) lines.push(`${plural(omitted, 'more action')} not shown.`);
  return lines;
}

function errorSection(errors: readonly AuditError[], maxEntries: number): string[] {
  if (errors.length === 0) return [];
  const lines = [`ERRORS (${errors.length})`];
  for (const error of errors.slice(0, maxEntries)) {
    const subject = error.userName === null ? 'Account' : who(error.userName, error.accessKeyId);
    lines.push(...bullet(`${subject}: ${clean(error.operation)} failed`));
    lines.push(...detail(`${clean(error.code)}: ${clean(error.message)}`));
  }
  if (errors.length > maxEntries)
    lines.push(`${plural(errors.length - maxEntries, 'more error')} not shown.`);
  return lines;
}

function footerSection(report: AuditReport): string[] {
  const kind = report.source.kind === 'credential-report' ? 'credential report' : 'live API';
  const reason = report.source.reason ? ` (${clean(report.source.reason)})` : '';
  const generated = report.source.generatedAt ? `, generated ${shortIso(report.source.generatedAt)}` : '';
  const seconds = Math.max(
    0,
    Math.round((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000),
  );
  return [
    '--',
    `Run ${clean(report.runId)}`,
    ...wrap(`Inventory: ${kind}${reason}${generated}.`),
    ...(weightingText(report) ? wrap(weightingText(report) ?? '') : []),
    ...wrap(
      `Started ${shortIso(report.startedAt)}, finished ${shortIso(report.finishedAt)} (${duration(seconds)}).`,
    ),
    ...archiveLines(report),
  ];
}

/** The archived copy a reader should open first: the HTML report, else the JSON, else the CSV. */
function fullReportLink(report: AuditReport): string | null {
  const archive = report.archive;
  const best = archive?.html ?? archive?.json ?? archive?.csv;
  return best ? clean(best.consoleUrl) : null;
}

/**
 * The archive prefix, then each archived object's console link (sign-in needed). A link stands on
 * its own line and is never wrapped: a URL cut in two cannot be opened from a phone.
 */
function archiveLines(report: AuditReport): string[] {
  const archive = report.archive;
  if (!archive) return [];
  const lines = [`Archived in s3://${clean(archive.bucket)}/${clean(archive.prefix)}.*`];
  const labels = [
    ['html', 'Full report (HTML):'],
    ['json', 'Full report (JSON):'],
    ['csv', 'Every key (CSV):'],
  ] as const;
  for (const [format, label] of labels) {
    const object = archive[format];
    if (object) lines.push(label, clean(object.consoleUrl));
  }
  return lines;
}

function who(userName: string, key: string | null): string {
  return key === null ? clean(userName) : `${clean(userName)}, ${clean(key)}`;
}

function bullet(text: string): string[] {
  return wrap(text, { first: '- ', rest: '  ' });
}

function detail(text: string): string[] {
  return wrap(text, { first: '  ', rest: '  ' });
}

function shortIso(iso: string): string {
  return clean(iso).replace(/\.\d+Z$/, 'Z');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

function limitOf(value: number | undefined, name: string): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0`);
  return value;
}
