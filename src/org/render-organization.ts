/**
 * The organization report as people read it: plain text for email (a phone's width) and one HTML
 * page with a bar chart of findings per account, the worst accounts first, and the Owners view
 * (each owner's keys across the accounts, tonight's notices, the owners' answers). Pure.
 */
import { createHash } from 'node:crypto';
import { SEVERITY_ORDER } from '../model.js';
import { escapeHtml } from '../render/html-escape.js';
import { clean, plural, wrap } from '../render/text-format.js';
import { renderFindingsChart } from './findings-chart.js';
import type { AccountOutcome, OrganizationReport } from './organization-report.js';

/** The one-line outcome, also the email subject's core. */
export function organizationHeadline(report: OrganizationReport): string {
  const t = report.totals;
  const parts = [
    `${plural(t.accounts, 'account')}: ${t.audited} audited, ${t.failed} not covered, ${t.skipped} skipped`,
    plural(t.findings, 'finding'),
    report.mode === 'enforce' ? `${plural(t.keysDeactivated, 'key')} deactivated` : 'report mode',
  ];
  return parts.join('; ');
}

function accountLine(outcome: AccountOutcome): string {
  const s = outcome.summary;
  const counts = s
    ? `${plural(s.findings, 'finding')} (${
        SEVERITY_ORDER.filter((sev) => s.findingsBySeverity[sev] > 0)
          .map((sev) => `${s.findingsBySeverity[sev]} ${sev}`)
          .join(', ') || 'none'
      }), ${outcome.keysDeactivated} deactivated`
    : '';
  return [`${outcome.accountId} ${clean(outcome.name)} [${outcome.status}]`, counts]
    .filter(Boolean)
    .join(': ');
}

/** Plain text for email subscribers. */
export function renderOrganizationText(report: OrganizationReport): string {
  const lines: string[] = [
    `key-hygiene organization audit ${report.runId} (${report.mode} mode)`,
    `Auditor account ${report.orchestratorAccountId}`,
    `Started ${report.startedAt}, finished ${report.finishedAt}`,
    '',
    ...wrap(organizationHeadline(report)),
  ];
  if (report.findings.length > 0) {
    lines.push('', 'ORGANIZATION FINDINGS');
    for (const finding of report.findings) {
      lines.push(
        ...wrap(`${finding.severity.toUpperCase()} ${finding.ruleId}: ${clean(finding.message)}`, {
          first: '- ',
          rest: '  ',
        }),
      );
    }
  }
  lines.push('', 'ACCOUNTS (worst first)');
  for (const outcome of report.accounts) {
    lines.push(...wrap(accountLine(outcome), { first: '- ', rest: '  ' }));
    if (outcome.reason) lines.push(...wrap(clean(outcome.reason), { first: '  ', rest: '  ' }));
    if (outcome.archive?.json) lines.push(...wrap(outcome.archive.json.s3Uri, { first: '  ', rest: '  ' }));
  }
  if (report.owners) {
    const o = report.owners;
    lines.push('', 'OWNERS (most keys first)', ...wrap(ownersLine(report)));
    for (const entry of o.byOwner.slice(0, TEXT_OWNERS)) {
      lines.push(...wrap(ownerEntryLine(entry), { first: '- ', rest: '  ' }));
    }
    if (o.byOwner.length > TEXT_OWNERS)
      lines.push(`- and ${plural(o.byOwner.length - TEXT_OWNERS, 'more owner')} in the HTML report`);
  }
  if (report.archive?.html) lines.push('', 'Full report:', ...wrap(report.archive.html.consoleUrl));
  return `${lines.join('\n')}\n`;
}

/** Owners the text report lists; the HTML report lists all. */
const TEXT_OWNERS = 20;

type OwnersView = NonNullable<OrganizationReport['owners']>;

/** "3 keys sent a notice stage tonight, 1 key kept by their owners' answers (snoozes), ..." */
function ownersLine(report: OrganizationReport): string {
  const o = report.owners as OwnersView;
  return `${plural(o.noticedTonight, 'key')} sent a notice stage tonight, ${plural(o.snoozed, 'key')} kept by their owners' answers (snoozes), ${plural(o.unowned, 'key')} with no owner but the security team.`;
}

function ownerEntryLine(entry: OwnersView['byOwner'][number]): string {
  const who = entry.unowned ? `unowned: ${entry.owner}` : entry.owner;
  return `${clean(who)}: ${plural(entry.keys, 'key')} in ${plural(entry.accounts.length, 'account')} (${entry.accounts.join(', ')}); ${entry.noticedTonight} noticed tonight, ${entry.snoozed} snoozed`;
}

/** The Owners view: each owner's keys across the accounts, what went out tonight, the answers. */
function ownersSection(report: OrganizationReport): string {
  if (!report.owners) return '';
  const head = ['Owner', 'Keys', 'Accounts', 'Notices tonight', 'Snoozed']
    .map((name, i) => `<th scope="col"${i === 1 || i > 2 ? ' class="n"' : ''}>${name}</th>`)
    .join('');
  const cell = (label: string, value: string | number, className: string) =>
    `<td data-label="${label}" class="${className}">${escapeHtml(String(value))}</td>`;
  const rows = report.owners.byOwner.map((e) =>
    [
      '<tr>',
      cell('Owner', e.unowned ? `Unowned: ${e.owner}` : e.owner, 'reason'),
      cell('Keys', e.keys, 'n'),
      cell('Accounts', e.accounts.join(', '), 'reason'),
      cell('Notices tonight', e.noticedTonight, 'n'),
      cell('Snoozed', e.snoozed, 'n'),
      '</tr>',
    ].join(''),
  );
  return [
    '<h2 id="owners">Owners</h2>',
    `<p>${escapeHtml(ownersLine(report))}</p>`,
    `<div class="table-wrap"><table class="accounts" id="owners-table" aria-label="Owners"><thead><tr>${head}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody></table></div>',
  ].join('\n');
}

const CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 1px solid #d1d9e0; }
a { color: #0969da; }
.headline { font-weight: 600; }
.finding { border-left: 4px solid #cf222e; background: #fff1f0; padding: 6px 10px; margin: 6px 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d1d9e0; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { overflow-wrap: anywhere; min-width: 12em; }
.status-failed { color: #cf222e; font-weight: 600; } .status-skipped { color: #59636e; }
.chart { margin: 0; } .chart figcaption { color: #59636e; font-size: .9rem; }
ul.legend { list-style: none; padding: 0; margin: 6px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: .9rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
ol.chart-rows { list-style: none; padding: 0; margin: 0; max-width: 900px; }
.chart-row { display: grid; grid-template-columns: minmax(0, 17em) minmax(0, 1fr) 7.5em; gap: 2px 10px; align-items: center; padding: 3px 0; font-size: 13px; }
.chart-row .label { overflow-wrap: anywhere; } .chart-row .name { color: #59636e; }
.chart-row .track, .chart-row svg.bar { display: block; min-width: 0; }
.chart-row .count { white-space: nowrap; }
.sev-critical { fill: #cf222e; background: #cf222e; } .sev-high { fill: #fb8500; background: #fb8500; }
.sev-medium { fill: #bf8700; background: #bf8700; } .sev-low { fill: #2f81f7; background: #2f81f7; }
.sev-info { fill: #afb8c1; background: #afb8c1; }
.not-covered { fill: none; stroke: #cf222e; stroke-width: 2; stroke-dasharray: 4 3; }
.swatch.not-covered { border: 2px dashed #cf222e; }
@media (max-width: 700px) {
  main { padding: 12px; }
  .chart-row { grid-template-columns: minmax(0, 1fr) auto; padding: 4px 0 6px; }
  .chart-row .label { grid-column: 1 / -1; }
  table.accounts, table.accounts tbody, table.accounts tr, table.accounts td { display: block; width: 100%; }
  table.accounts thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.accounts tr { border: 1px solid #d1d9e0; border-radius: 8px; margin: 0 0 10px; padding: 6px 10px; }
  table.accounts td { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px; border: 0; padding: 2px 0; text-align: left; }
  table.accounts td::before { content: attr(data-label); color: #59636e; font-weight: 600; }
  td.reason { min-width: 0; }
}
`;
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; form-action 'none'`;

/** Stands for a count an account that was not audited does not have: a 0 there would be a lie. */
const NO_COUNT = '\u2014';

/** The accounts table's columns, and whether each holds a number. */
const COLUMNS: ReadonlyArray<readonly [string, boolean]> = [
  ['Account', false],
  ['Name', false],
  ['Status', false],
  ['Findings', true],
  ['Critical', true],
  ['Deactivated', true],
  ['Reason', false],
  ['Report', false],
];

/**
 * One account's row. An account that was not audited has no finding counts, and deactivated
 * nothing unless it says so: those cells show a dash, never a 0 that reads as a clean account.
 */
function accountRow(a: AccountOutcome): string {
  const cell = (label: string, value: string | number, className?: string) =>
    `<td data-label="${label}"${className ? ` class="${className}"` : ''}>${escapeHtml(String(value))}</td>`;
  const audited = a.status === 'audited' && a.summary !== null;
  const link = a.archive?.html
    ? `<a href="${escapeHtml(a.archive.html.consoleUrl)}">${escapeHtml(`report of ${a.accountId}`)}</a>`
    : NO_COUNT;
  return [
    '<tr>',
    cell('Account', a.accountId),
    cell('Name', a.name),
    cell('Status', a.status, `status-${a.status}`),
    cell('Findings', a.summary?.findings ?? NO_COUNT, 'n'),
    cell('Critical', a.summary?.findingsBySeverity.critical ?? NO_COUNT, 'n'),
    cell('Deactivated', audited || a.keysDeactivated > 0 ? a.keysDeactivated : NO_COUNT, 'n'),
    cell('Reason', a.reason ?? NO_COUNT, 'reason'),
    `<td data-label="Report">${link}</td>`,
    '</tr>',
  ].join('');
}

/** The HTML page: headline, organization findings, the chart and the table of accounts. */
export function renderOrganizationHtml(report: OrganizationReport): string {
  const findings = report.findings
    .map(
      (f) =>
        `<div class="finding"><strong>${f.severity} ${f.ruleId}</strong>: ${escapeHtml(f.message)}</div>`,
    )
    .join('\n');
  const head = COLUMNS.map(([name, numeric]) => `<th scope="col"${numeric ? ' class="n"' : ''}>${name}</th>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>key-hygiene organization audit ${escapeHtml(report.runId)}</title>
<style>${CSS}</style></head>
<body><main>
<h1>key-hygiene organization audit</h1>
<p>Run ${escapeHtml(report.runId)}, ${report.mode} mode, auditor account ${escapeHtml(report.orchestratorAccountId)}, ${escapeHtml(report.startedAt)} to ${escapeHtml(report.finishedAt)}</p>
<p class="headline">${escapeHtml(organizationHeadline(report))}</p>
${findings ? `<h2>Organization findings</h2>\n${findings}` : ''}
<h2>Findings per account, worst first</h2>
${renderFindingsChart(report.accounts)}
<h2>Accounts</h2>
<div class="table-wrap"><table class="accounts" aria-label="Accounts"><thead><tr>${head.join('')}</tr></thead>
<tbody>
${report.accounts.map(accountRow).join('\n')}
</tbody></table></div>
${ownersSection(report)}
</main></body></html>
`;
}
