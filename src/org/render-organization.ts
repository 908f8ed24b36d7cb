/**
 * The organization report as people read it: plain text for email (a phone's width) and one HTML
 * page with a bar chart of findings per account, the worst accounts first. Pure.
 */
import { createHash } from 'node:crypto';
import { SEVERITY_ORDER } from '../model.js';
import { escapeHtml } from '../render/html-escape.js';
import { clean, plural, wrap } from '../render/text-format.js';
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
  if (report.archive?.html) lines.push('', 'Full report:', ...wrap(report.archive.html.consoleUrl));
  return `${lines.join('\n')}\n`;
}

const CSS = `
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 1px solid #d1d9e0; }
.headline { font-weight: 600; }
.finding { border-left: 4px solid #cf222e; background: #fff1f0; padding: 6px 10px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d1d9e0; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status-failed { color: #cf222e; font-weight: 600; } .status-skipped { color: #59636e; }
svg.chart { display: block; width: 100%; max-width: 900px; height: auto; font: 13px system-ui, sans-serif; }
svg.chart text { fill: #1f2328; } svg.chart .critical { fill: #cf222e; } svg.chart .high { fill: #fb8500; }
svg.chart .medium { fill: #bf8700; } svg.chart .low { fill: #2f81f7; } svg.chart .info { fill: #afb8c1; }
svg.chart .failed { fill: none; stroke: #cf222e; stroke-dasharray: 4 3; }
`;
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; form-action 'none'`;

const BAR_HEIGHT = 20;
const LABEL_WIDTH = 260;
const CHART_WIDTH = 900;

/** One horizontal bar per account, stacked by severity; a failed account is an outlined bar. */
export function renderFindingsChart(accounts: readonly AccountOutcome[]): string {
  const max = Math.max(1, ...accounts.map((a) => a.summary?.findings ?? 0));
  const scale = (CHART_WIDTH - LABEL_WIDTH - 60) / max;
  const rows = accounts.map((account, i) => {
    const y = i * (BAR_HEIGHT + 6);
    const label = `<text x="0" y="${y + 15}">${escapeHtml(`${account.accountId} ${account.name}`.slice(0, 38))}</text>`;
    if (account.status !== 'audited' || !account.summary) {
      const what = account.status === 'failed' ? 'not covered' : 'skipped';
      const outline =
        account.status === 'failed'
          ? `<rect class="failed" x="${LABEL_WIDTH}" y="${y}" width="${CHART_WIDTH - LABEL_WIDTH - 60}" height="${BAR_HEIGHT}"/>`
          : '';
      return `<g>${label}${outline}<text x="${LABEL_WIDTH + 6}" y="${y + 15}">${what}</text></g>`;
    }
    let x = LABEL_WIDTH;
    const summary = account.summary;
    const bars = SEVERITY_ORDER.map((severity) => {
      const width = summary.findingsBySeverity[severity] * scale;
      const bar =
        width > 0
          ? `<rect class="${severity}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}"><title>${summary.findingsBySeverity[severity]} ${severity}</title></rect>`
          : '';
      x += width;
      return bar;
    }).join('');
    return `<g>${label}${bars}<text x="${(x + 6).toFixed(1)}" y="${y + 15}">${summary.findings}</text></g>`;
  });
  const height = Math.max(1, accounts.length) * (BAR_HEIGHT + 6);
  return `<svg class="chart" role="img" aria-label="Findings per account, worst first" viewBox="0 0 ${CHART_WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}

/** The HTML page: headline, organization findings, the chart and the table of accounts. */
export function renderOrganizationHtml(report: OrganizationReport): string {
  const cell = (value: string | number, numeric = false) =>
    `<td${numeric ? ' class="n"' : ''}>${escapeHtml(String(value))}</td>`;
  const rows = report.accounts
    .map((a) => {
      const link = a.archive?.html ? `<a href="${escapeHtml(a.archive.html.consoleUrl)}">report</a>` : '';
      return `<tr>${cell(a.accountId)}${cell(a.name)}<td class="status-${a.status}">${a.status}</td>${cell(
        a.summary?.findings ?? '',
        true,
      )}${cell(a.summary?.findingsBySeverity.critical ?? '', true)}${cell(a.keysDeactivated, true)}${cell(a.reason ?? '')}<td>${link}</td></tr>`;
    })
    .join('\n');
  const findings = report.findings
    .map(
      (f) =>
        `<div class="finding"><strong>${f.severity} ${f.ruleId}</strong>: ${escapeHtml(f.message)}</div>`,
    )
    .join('\n');
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
<table><thead><tr><th>account</th><th>name</th><th>status</th><th>findings</th><th>critical</th><th>deactivated</th><th>reason</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
</main></body></html>
`;
}
