/**
 * The full report as one self-contained HTML file, archived next to the JSON and the CSV: the
 * summary, a chart of the account's keys by days since last use with the thresholds marked, and
 * tables of actions, findings (with each key's owner, notice and snooze), the owners view, unowned keys, exemptions, errors and every key that the reader can sort and
 * filter. Nothing is fetched: the stylesheet, the script and the chart (SVG) are inline, and the
 * page's Content-Security-Policy forbids loading anything else.
 */

import { keyEvidence, keyWayOff, type WayOff } from '../evidence/way-off.js';
import type {
  ActionOutcome,
  AuditError,
  AuditReport,
  ExemptEntry,
  Finding,
  KeyFinding,
  KeyOwner,
  OwnerAnswer,
  Severity,
} from '../model.js';
import { PRIVILEGE_LEVELS, SEVERITY_ORDER } from '../model.js';
import { privilegeText } from '../privilege/privilege-text.js';
import type { KeyRow } from '../report/key-rows.js';
import { type OwnerGroup, type OwnersSummary, summarizeOwners } from '../report/owners-summary.js';
import { REPORT_CSP, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import { escapeHtml } from './html-escape.js';
import { type HtmlCell, type HtmlColumn, renderHtmlTable } from './html-table.js';
import { noticeSent } from './notice-text.js';
import { headline, summarizeOutcome } from './outcome.js';
import { ownerName, unownedKeys } from './owner-text.js';
import { weightingText } from './privilege.js';
import { plural } from './text-format.js';
import { bucketByLastUse } from './usage-buckets.js';
import { renderUsageChart } from './usage-chart.js';

/** Users named in the incomplete-run notice; the rest are counted. */
const NOT_REACHED_NAMED = 100;

/**
 * Renders the report and the account's key rows (see `buildKeyRows`) as one HTML document.
 * Pure: the same input gives the same bytes. Every string from the account (user names, tag
 * values, reasons, error messages) is escaped for HTML text or attributes.
 */
export function renderHtml(report: AuditReport, rows: readonly KeyRow[]): string {
  const teams = new Map(rows.map((row) => [row.userName, row.team] as const));
  const unowned = unownedKeys(report.findings);
  const ways = report.evidence ? wayOffKeys(report) : [];
  const owners = summarizeOwners(report.findings);
  const sections = [
    section(
      'actions',
      `${report.mode === 'enforce' ? 'Actions' : 'Actions enforce mode would take'} (${report.actions.length})`,
      actionsIntro(report),
      renderHtmlTable({
        id: 'actions-table',
        label: 'Actions',
        columns: actionColumns,
        items: report.actions,
        empty:
          report.mode === 'enforce' ? 'No keys were changed.' : 'Enforce mode would change nothing either.',
      }),
    ),
    section(
      'findings',
      `Findings (${report.findings.length})`,
      null,
      renderHtmlTable({
        id: 'findings-table',
        label: 'Findings',
        columns: findingColumns(teams, report),
        items: report.findings,
        empty: 'No findings: every audited key is within policy.',
      }),
    ),
    ways.length > 0
      ? section(
          'way-off',
          `Long-term keys and the way off (${ways.length})`,
          'How each key with a finding is used, from CloudTrail, and what replaces it: worst first (most privileged, most recently used, most severe).',
          renderWayOff(ways),
        )
      : '',
    owners.groups.length > 0 ? renderOwnersView(report, owners) : '',
    unowned.length > 0
      ? section(
          'unowned',
          `Unowned keys (${unowned.length})`,
          'Keys no owner tag, team directory entry or CloudTrail creator answers for: the security team has to find their owners.',
          renderHtmlTable({
            id: 'unowned-table',
            label: 'Unowned keys',
            columns: unownedColumns,
            items: unowned,
            empty: '',
          }),
        )
      : '',
    section(
      'exemptions',
      `Exemptions (${report.exempt.length})`,
      null,
      renderHtmlTable({
        id: 'exemptions-table',
        label: 'Exemptions',
        columns: exemptColumns,
        items: report.exempt,
        empty: 'No key is exempt.',
      }),
    ),
    report.errors.length > 0
      ? section(
          'errors',
          `Errors (${report.errors.length})`,
          'What the run could not read. The users and keys named here were not judged.',
          renderHtmlTable({
            id: 'errors-table',
            label: 'Errors',
            columns: errorColumns,
            items: report.errors,
            empty: '',
          }),
        )
      : '',
    section(
      'keys',
      `All keys (${rows.length})`,
      null,
      `<details id="keys-details"><summary>Show every key the run audited</summary>\n${renderHtmlTable({
        id: 'keys-table',
        label: 'Keys',
        columns: rows.some((r) => r.notice || r.snooze) ? [...keyColumns, ...keyNoticeColumns] : keyColumns,
        items: rows,
        empty: 'The account has no access keys.',
      })}\n</details>`,
    ),
  ];
  const toc = [
    ['chart', 'Chart'],
    ['actions', `Actions (${report.actions.length})`],
    ['findings', `Findings (${report.findings.length})`],
    ...(ways.length > 0 ? [['way-off', `The way off (${ways.length})`]] : []),
    ...(owners.groups.length > 0 ? [['owners', `Owners (${owners.groups.length})`]] : []),
    ...(unowned.length > 0 ? [['unowned', `Unowned keys (${unowned.length})`]] : []),
    ['exemptions', `Exemptions (${report.exempt.length})`],
    ...(report.errors.length > 0 ? [['errors', `Errors (${report.errors.length})`]] : []),
    ['keys', `All keys (${rows.length})`],
  ]
    .map(([id, text]) => `<a href="#${id}">${escapeHtml(text ?? '')}</a>`)
    .join('');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`Key hygiene audit, account ${report.accountId}, ${report.asOf.slice(0, 10)}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${summarySection(report)}
<nav class="toc" aria-label="Sections">${toc}</nav>
${section('chart', 'Keys by days since last use', null, renderUsageChart(bucketByLastUse(rows), report.thresholds))}
${sections.filter((s) => s !== '').join('\n')}
<footer>${escapeHtml(`key-hygiene report ${report.runId}, schema version ${report.schemaVersion}. This file is self-contained: it loads nothing. Sorting and filtering need JavaScript; without it the tables read as they are.`)}</footer>
</main>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function section(id: string, title: string, intro: string | null, body: string): string {
  const lead = intro ? `<p>${escapeHtml(intro)}</p>\n` : '';
  return `<section id="${id}" aria-labelledby="${id}-title">\n<h2 id="${id}-title">${escapeHtml(title)}</h2>\n${lead}${body}\n</section>`;
}

function summarySection(report: AuditReport): string {
  const { summary } = report;
  const outcome = summarizeOutcome(report);
  const seconds = Math.max(
    0,
    Math.round((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000),
  );
  const source = report.source.kind === 'credential-report' ? 'credential report' : 'live IAM API';
  const meta: Array<[string, string]> = [
    ['Account', report.accountId],
    ['As of', report.asOf.replace(/\.\d+Z$/, 'Z')],
    ['Inventory', report.source.reason ? `${source} (${report.source.reason})` : source],
    ...(weightingText(report) ? [['Ranking', weightingText(report) ?? ''] as [string, string]] : []),
    [
      'Run',
      `${report.runId}, ${report.startedAt.replace(/\.\d+Z$/, 'Z')}, ${seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`}`,
    ],
  ];
  const severities = SEVERITY_ORDER.filter((s) => summary.findingsBySeverity[s] > 0)
    .map((s) => `${summary.findingsBySeverity[s]} ${s}`)
    .join(', ');
  const actions =
    report.mode === 'enforce'
      ? [
          `${summary.actionsApplied} applied`,
          `${summary.actionsFailed} failed`,
          `${summary.actionsSkipped} skipped`,
        ]
      : [`${summary.actionsPlanned} planned`, `${summary.actionsSkipped} skipped`];
  const cards: Array<[string | number, string, string]> = [
    [summary.usersAudited, 'users audited', 'users'],
    [summary.keysAudited, `keys, ${summary.activeKeys} active`, 'keys'],
    [summary.findings, `findings${severities ? `: ${severities}` : ''}`, 'findings'],
    [report.actions.length, `actions: ${actions.join(', ')}`, 'actions'],
    [summary.exempt, plural(summary.exempt, 'exemption', 'exemptions').replace(/^\d+ /, ''), 'exempt'],
    [summary.errors, plural(summary.errors, 'error').replace(/^\d+ /, ''), 'errors'],
  ];
  const status = report.complete
    ? '<span class="badge badge-complete" data-complete="true">Complete</span>'
    : '<span class="badge badge-incomplete" data-complete="false">Incomplete</span>';
  return [
    '<header id="summary">',
    '<h1>Key hygiene audit</h1>',
    `<p>${status} <span class="badge badge-mode">${escapeHtml(report.mode === 'enforce' ? 'enforce mode' : 'report mode: nothing changed')}</span></p>`,
    `<p class="headline">${escapeHtml(`${headline(report, outcome)}.`)}</p>`,
    incompleteNotice(report),
    `<div class="cards">${cards
      .map(
        ([n, what, name]) =>
          `<div class="card" data-count="${name}"><span class="n">${escapeHtml(String(n))}</span><span class="what">${escapeHtml(what)}</span></div>`,
      )
      .join('')}</div>`,
    `<dl class="meta">${meta.map(([dt, dd]) => `<dt>${escapeHtml(dt)}</dt><dd>${escapeHtml(dd)}</dd>`).join('')}</dl>`,
    '</header>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function incompleteNotice(report: AuditReport): string {
  if (report.complete) return '';
  const missing = report.notReached.length;
  const named = report.notReached.slice(0, NOT_REACHED_NAMED).join(', ');
  const more = missing > NOT_REACHED_NAMED ? ` and ${missing - NOT_REACHED_NAMED} more` : '';
  const who =
    missing > 0
      ? `${plural(missing, 'user was', 'users were')} not reached and not audited: ${named}${more}.`
      : 'the user listing did not finish, so some users may not have been audited.';
  return `<p class="notice" role="note"><strong>Incomplete run:</strong> ${escapeHtml(`${who} This report covers the users that were audited; the next run tries again.`)}</p>`;
}

function actionsIntro(report: AuditReport): string | null {
  return report.mode === 'enforce'
    ? null
    : 'Report mode: nothing was changed. These are the keys enforce mode would deactivate or delete.';
}

function keyLabel(accessKeyId: string | null, slot: 1 | 2 | null): string | null {
  if (accessKeyId !== null) return accessKeyId;
  return slot === null ? null : `access key ${slot}`;
}

function teamNote(team: string | null): string | null {
  return team === null ? null : `team ${team}`;
}

function severityCell(severity: Severity): HtmlCell {
  return { text: severity, sort: SEVERITY_ORDER.indexOf(severity), className: `sev sev-${severity}` };
}

function daysCell(days: number | 'never' | null): HtmlCell | null {
  if (days === null) return null;
  // A key never used sorts as the stalest.
  return days === 'never' ? { text: 'never', sort: 'Infinity' } : { text: String(days), sort: days };
}

function numberCell(value: number | null): HtmlCell | null {
  return value === null ? null : { text: String(value), sort: value };
}

const actionColumns: readonly HtmlColumn<ActionOutcome>[] = [
  { header: 'Status', cell: (a) => a.status },
  { header: 'Action', cell: (a) => a.action },
  { header: 'User', cell: (a) => a.userName },
  { header: 'Key', cell: (a) => a.accessKeyId },
  { header: 'Rule', cell: (a) => a.ruleId },
  {
    header: 'Reason or error',
    wide: true,
    cell: (a) => (a.error ? `${a.error.code}: ${a.error.message}` : a.reason),
  },
];

function findingColumns(
  teams: ReadonlyMap<string, string | null>,
  report: AuditReport,
): readonly HtmlColumn<Finding>[] {
  // The usage column only when evidence was read: a run without it keeps its table.
  const usage: HtmlColumn<Finding>[] = report.evidence
    ? [
        {
          header: 'Usage',
          cell: (f) => {
            const way = f.userName === null ? null : keyWayOff(report, f);
            return way ? { text: way.profile, sort: way.profile, note: way.line } : null;
          },
        },
      ]
    : [];
  return [
    { header: 'Severity', numeric: true, cell: (f) => severityCell(f.severity) },
    { header: 'Rule', cell: (f) => f.ruleId },
    {
      header: 'User',
      cell: (f) =>
        f.userName === null
          ? 'Account'
          : { text: f.userName, sort: f.userName, note: teamNote(teams.get(f.userName) ?? null) },
    },
    {
      header: 'Key',
      cell: (f) => (f.userName === null ? keyLabel(null, null) : keyLabel(f.accessKeyId, f.slot)),
    },
    {
      header: 'Days since use',
      numeric: true,
      cell: (f) => daysCell(f.userName === null ? null : f.daysSinceLastUse),
    },
    {
      header: 'Age (days)',
      numeric: true,
      cell: (f) => numberCell(f.userName === null ? null : f.keyAgeDays),
    },
    { header: 'Privilege', cell: (f) => privilegeText(f) },
    { header: 'Owner', cell: (f) => (f.userName === null || !f.owner ? null : ownerCell(f.owner)) },
    ...noticeColumns(report),
    { header: 'What to do', wide: true, cell: (f) => f.message },
    ...usage,
    { header: 'Controls', cell: (f) => (f.controls.length > 0 ? f.controls.join(', ') : null) },
  ];
}

/**
 * The notice and snooze columns, only when some key has a notice or a snooze (enforce mode with
 * notices on): a run without them keeps its table.
 */
function noticeColumns(report: AuditReport): HtmlColumn<Finding>[] {
  const keyed = report.findings.filter((f): f is KeyFinding => f.userName !== null);
  if (!keyed.some((f) => f.notice || f.snooze)) return [];
  const keyOf = (f: Finding) => (f.userName === null ? null : f);
  return [
    {
      header: 'Notice sent',
      cell: (f) => {
        const notice = keyOf(f)?.notice;
        if (!notice) return null;
        const tonight = notice.tonight ? `tonight: ${notice.tonight.replace('-', ' ')}` : null;
        return { text: noticeSent(notice), sort: notice.sentAt ?? '', note: tonight };
      },
    },
    { header: 'Deadline', cell: (f) => keyOf(f)?.notice?.deadline ?? null },
    {
      header: 'Snoozed until',
      cell: (f) => {
        const snooze = keyOf(f)?.snooze;
        return snooze ? { text: snooze.until, sort: snooze.until, note: snooze.who } : null;
      },
    },
  ];
}

/**
 * The Owners view: keys per owner, the stages sent tonight, the owners' answers (snoozes that
 * hold), and a pointer to the unowned keys.
 */
function renderOwnersView(report: AuditReport, owners: OwnersSummary): string {
  const answers = answerRows(report, owners);
  const sent = report.notices
    ? `Notices: ${plural(report.notices.messagesSent, 'message')} sent tonight (${plural(report.notices.stagesSent, 'key stage')}). ${report.notices.note}`
    : 'No notices were sent this run (they go out in enforce mode with notices on).';
  const unowned =
    owners.unowned > 0
      ? `<p><a href="#unowned">${escapeHtml(`${plural(owners.unowned, 'key has', 'keys have')} no owner but the security team.`)}</a></p>`
      : '<p>Every key with a finding has an owner.</p>';
  return section(
    'owners',
    `Owners (${owners.groups.length})`,
    'Who answers for each key with a finding, what they were sent tonight and what they answered.',
    [
      `<p>${escapeHtml(sent)}</p>`,
      unowned,
      '<h3 id="owners-keys-title">Keys per owner</h3>',
      renderHtmlTable({
        id: 'owners-table',
        label: 'Owners',
        columns: ownerGroupColumns,
        items: owners.groups,
        empty: '',
      }),
      `<h3 id="owners-notices-title">${escapeHtml(`Notices sent tonight (${owners.noticedTonight.length})`)}</h3>`,
      renderHtmlTable({
        id: 'owners-notices-table',
        label: 'Notices sent tonight',
        columns: noticedColumns,
        items: owners.noticedTonight,
        empty: 'No stage went out tonight.',
      }),
      `<h3 id="owners-answers-title">${escapeHtml(`Answers received (${answers.length})`)}</h3>`,
      renderHtmlTable({
        id: 'owners-answers-table',
        label: 'Answers received',
        columns: answerColumns,
        items: answers,
        empty: 'No owner answered in the last day, and no snooze is in force.',
      }),
    ].join('\n'),
  );
}

const ownerGroupColumns: readonly HtmlColumn<OwnerGroup>[] = [
  { header: 'Owner', cell: (g) => ownerCell(g.owner) },
  { header: 'Keys', numeric: true, cell: (g) => numberCell(g.keys.length) },
  {
    header: 'Which',
    wide: true,
    cell: (g) =>
      g.keys.map((k) => `${k.userName} ${keyLabel(k.accessKeyId, k.slot) ?? ''}`.trim()).join(', '),
  },
  { header: 'Notices tonight', numeric: true, cell: (g) => numberCell(g.noticedTonight) },
  { header: 'Snoozed', numeric: true, cell: (g) => numberCell(g.snoozed) },
];

const noticedColumns: readonly HtmlColumn<KeyFinding>[] = [
  { header: 'User', cell: (f) => f.userName },
  { header: 'Key', cell: (f) => keyLabel(f.accessKeyId, f.slot) },
  { header: 'Owner', cell: (f) => (f.owner ? ownerCell(f.owner) : null) },
  { header: 'Stage', cell: (f) => f.notice?.tonight?.replace('-', ' ') ?? null },
  { header: 'Deadline', cell: (f) => f.notice?.deadline ?? null },
  {
    header: 'Sent by',
    cell: (f) => (f.notice?.channel === 'report-topic' ? 'report topic' : (f.notice?.channel ?? null)),
  },
];

/** One answer: given on the answer page in the last day, or a snooze still in force. */
interface AnswerRow {
  userName: string;
  accessKeyId: string | null;
  answer: string;
  who: string | null;
  answeredAt: string;
  reason: string | null;
}

const ANSWER_TEXT: Record<OwnerAnswer['choice'], string> = {
  snooze: 'keep',
  deactivate: 'deactivate now',
  'not-mine': 'not mine',
};

/** The day's answers (when the run read them), then the snoozes in force not among them. */
function answerRows(report: AuditReport, owners: OwnersSummary): AnswerRow[] {
  const recent = (report.answers ?? []).map((a) => ({
    userName: a.userName,
    accessKeyId: a.accessKeyId,
    answer: a.choice === 'snooze' && a.until ? `keep until ${a.until}` : ANSWER_TEXT[a.choice],
    who: a.who,
    answeredAt: a.answeredAt,
    reason: a.reason,
  }));
  const seen = new Set(recent.map((a) => `${a.accessKeyId}\u0000${a.answeredAt}`));
  const snoozes = owners.snoozed.flatMap((f) =>
    f.snooze && !seen.has(`${f.accessKeyId}\u0000${f.snooze.answeredAt}`)
      ? [
          {
            userName: f.userName,
            accessKeyId: f.accessKeyId,
            answer: `keep until ${f.snooze.until}`,
            who: f.snooze.who,
            answeredAt: f.snooze.answeredAt,
            reason: f.snooze.reason,
          },
        ]
      : [],
  );
  return [...recent, ...snoozes];
}

const answerColumns: readonly HtmlColumn<AnswerRow>[] = [
  { header: 'User', cell: (a) => a.userName },
  { header: 'Key', cell: (a) => a.accessKeyId },
  { header: 'Answer', cell: (a) => a.answer },
  { header: 'By', cell: (a) => a.who ?? 'its owner' },
  { header: 'Answered', cell: (a) => a.answeredAt.slice(0, 10) },
  { header: 'Reason', wide: true, cell: (a) => a.reason },
];

interface WayOffKey {
  userName: string;
  accessKeyId: string;
  way: WayOff;
  /** Sort keys, lower is worse: privilege level, then recency of use (negated), then severity. */
  rank: [number, number, number];
}

/** The keys with evidence and a finding, worst first: most privileged, most recently used, most severe. */
function wayOffKeys(report: AuditReport): WayOffKey[] {
  const keys: WayOffKey[] = [];
  for (const entry of report.evidence ?? []) {
    const way = keyWayOff(report, entry);
    if (!way) continue;
    const findings = report.findings.filter(
      (f): f is KeyFinding => f.userName !== null && keyEvidence([entry], f) === entry,
    );
    const privilege = Math.min(
      PRIVILEGE_LEVELS.length,
      ...findings.map((f) =>
        f.privilege ? PRIVILEGE_LEVELS.indexOf(f.privilege.level) : PRIVILEGE_LEVELS.length,
      ),
    );
    const severity = Math.min(
      SEVERITY_ORDER.length,
      ...findings.map((f) => SEVERITY_ORDER.indexOf(f.severity)),
    );
    const lastSeen = entry.lastSeen === null ? 0 : Date.parse(entry.lastSeen);
    keys.push({
      userName: entry.userName,
      accessKeyId: entry.accessKeyId,
      way,
      rank: [privilege, -lastSeen, severity],
    });
  }
  const compare = (a: WayOffKey, b: WayOffKey) =>
    a.rank[0] - b.rank[0] ||
    a.rank[1] - b.rank[1] ||
    a.rank[2] - b.rank[2] ||
    (a.accessKeyId < b.accessKeyId ? -1 : 1);
  return keys.sort(compare);
}

/** Keys per profile (profiles in the order of their worst key), each with its advice and snippet. */
function renderWayOff(keys: readonly WayOffKey[]): string {
  const profiles = [...new Set(keys.map((k) => k.way.profile))];
  return profiles
    .map((profile) => {
      const group = keys.filter((k) => k.way.profile === profile);
      const items = group.map(({ userName, accessKeyId, way }) =>
        [
          `<article class="way-off" data-profile="${escapeHtml(profile)}" data-key="${escapeHtml(accessKeyId)}">`,
          `<h4>${escapeHtml(`${userName}, ${accessKeyId}`)}</h4>`,
          `<p class="note">${escapeHtml(`Evidence: ${way.evidence}.`)}</p>`,
          `<p>${escapeHtml(way.line)} <a href="${escapeHtml(way.url)}" rel="noopener noreferrer">${escapeHtml('AWS documentation')}</a></p>`,
          // Line by line: escaping turns control characters, line breaks among them, into U+FFFD.
          `<pre><code>${way.snippet.split('\n').map(escapeHtml).join('\n')}</code></pre>`,
          '</article>',
        ].join('\n'),
      );
      return `<h3>${escapeHtml(`${profile} (${group.length})`)}</h3>\n${items.join('\n')}`;
    })
    .join('\n');
}

const exemptColumns: readonly HtmlColumn<ExemptEntry>[] = [
  { header: 'User', cell: (e) => e.userName },
  { header: 'Key', cell: (e) => e.accessKeyId ?? 'all keys' },
  { header: 'Exempt by', cell: (e) => exemptionSource(e) },
  { header: 'Until', cell: (e) => e.until },
  { header: 'Reason', wide: true, cell: (e) => e.reason ?? 'No reason given' },
  {
    header: 'Would have raised',
    cell: (e) => (e.suppressedRules.length > 0 ? e.suppressedRules.join(', ') : null),
  },
];

function exemptionSource(entry: Pick<ExemptEntry, 'source' | 'matched'>): string {
  switch (entry.source) {
    case 'tag':
      return `tag key-hygiene:exempt=${entry.matched}`;
    case 'name':
      return `configured name ${entry.matched}`;
    case 'glob':
      return `configured name pattern ${entry.matched}`;
    case 'path':
      return `configured path ${entry.matched}`;
  }
}

const errorColumns: readonly HtmlColumn<AuditError>[] = [
  { header: 'User', cell: (e) => e.userName ?? 'Account' },
  { header: 'Key', cell: (e) => e.accessKeyId },
  { header: 'Operation', cell: (e) => e.operation },
  { header: 'Error', wide: true, cell: (e) => `${e.code}: ${e.message}` },
];

/** The owner's address (or the security team), with how it was found beneath. */
function ownerCell(owner: KeyOwner): HtmlCell {
  const name = owner.unowned ? `Unowned: ${ownerName(owner)}` : ownerName(owner);
  return { text: name, sort: name, note: owner.source };
}

const unownedColumns: readonly HtmlColumn<KeyFinding>[] = [
  { header: 'User', cell: (f) => f.userName },
  { header: 'Key', cell: (f) => keyLabel(f.accessKeyId, f.slot) },
  { header: 'Created by (CloudTrail)', wide: true, cell: (f) => f.owner?.createdBy ?? null },
];

const keyColumns: readonly HtmlColumn<KeyRow>[] = [
  { header: 'User', cell: (r) => ({ text: r.userName, sort: r.userName, note: teamNote(r.team) }) },
  { header: 'Key', cell: (r) => keyLabel(r.accessKeyId, r.slot) },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Age (days)', numeric: true, cell: (r) => numberCell(r.ageDays) },
  { header: 'Days since use', numeric: true, cell: (r) => daysCell(r.daysSinceLastUse) },
  {
    header: 'Last used via',
    cell: (r) =>
      [r.lastUsedService, r.lastUsedRegion].filter((v) => v !== null && v !== '' && v !== 'N/A').join(', ') ||
      null,
  },
  { header: 'Findings', cell: (r) => (r.findings.length > 0 ? r.findings.join(', ') : null) },
  {
    header: 'Severity',
    numeric: true,
    cell: (r) => (r.severity === null ? null : severityCell(r.severity)),
  },
  { header: 'Action', cell: (r) => (r.action ? `${r.action.action} (${r.action.status})` : null) },
  { header: 'Owner', cell: (r) => (r.owner ? ownerCell(r.owner) : null) },
  {
    header: 'Exemption',
    cell: (r) =>
      r.exemption
        ? `${exemptionSource(r.exemption)}${r.exemption.until ? ` until ${r.exemption.until}` : ''}`
        : null,
  },
];

/** Added to the keys table when some key has a notice or a snooze. */
const keyNoticeColumns: readonly HtmlColumn<KeyRow>[] = [
  { header: 'Deadline', cell: (r) => r.notice?.deadline ?? null },
  { header: 'Snoozed until', cell: (r) => r.snooze?.until ?? null },
];
