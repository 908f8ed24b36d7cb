/**
 * The organization report's chart: one row per account, its findings as a bar stacked by
 * severity, the worst accounts first. Rows are HTML, so labels keep their CSS size on a phone
 * (an SVG scaled by its viewBox shrinks its text with it); each bar is a small SVG whose
 * rectangles are placed in percent, because the page's Content-Security-Policy allows no inline
 * style attribute. Pure.
 */
import { SEVERITY_ORDER, type Severity } from '../model.js';
import { escapeHtml } from '../render/html-escape.js';
import { plural } from '../render/text-format.js';
import type { AccountOutcome } from './organization-report.js';

/** What the bar of an account that was not audited says instead of a count. */
const NOT_AUDITED: Readonly<Record<Exclude<AccountOutcome['status'], 'audited'>, string>> = {
  failed: 'not covered',
  skipped: 'skipped',
};

const percent = (n: number) => `${Math.round(n * 1000) / 1000}%`;

function severityText(bySeverity: Readonly<Record<Severity, number>>): string {
  return (
    SEVERITY_ORDER.filter((severity) => bySeverity[severity] > 0)
      .map((severity) => `${bySeverity[severity]} ${severity}`)
      .join(', ') || 'no findings'
  );
}

function bar(account: AccountOutcome, max: number): { svg: string; count: string } {
  const summary = account.summary;
  if (account.status !== 'audited' || !summary) {
    const what = NOT_AUDITED[account.status === 'audited' ? 'failed' : account.status];
    // A blind spot is drawn as the outline of a full bar, so it is not mistaken for a clean account.
    const outline =
      account.status === 'failed'
        ? '<rect class="not-covered" x="1" y="1" width="99%" height="18" rx="2"/>'
        : '';
    return {
      svg: `<svg class="bar" width="100%" height="20" role="img" aria-label="${what}" xmlns="http://www.w3.org/2000/svg">${outline}</svg>`,
      count: `<span class="count status-${account.status}">${what}</span>`,
    };
  }
  let x = 0;
  const rects = SEVERITY_ORDER.map((severity) => {
    const n = summary.findingsBySeverity[severity];
    if (n === 0) return '';
    const width = (n / max) * 100;
    const rect = `<rect class="sev-${severity}" x="${percent(x)}" y="0" width="${percent(width)}" height="20"><title>${n} ${severity}</title></rect>`;
    x += width;
    return rect;
  }).join('');
  return {
    svg: `<svg class="bar" width="100%" height="20" role="img" aria-label="${escapeHtml(severityText(summary.findingsBySeverity))}" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`,
    count: `<span class="count">${escapeHtml(plural(summary.findings, 'finding'))}</span>`,
  };
}

/** The colours' key: one swatch per severity, and the outline of an account not covered. */
function legend(): string {
  const items = [
    ...SEVERITY_ORDER.map(
      (severity) =>
        `<li><span class="swatch sev-${severity}" aria-hidden="true"></span>${escapeHtml(severity)}</li>`,
    ),
    '<li><span class="swatch not-covered" aria-hidden="true"></span>not covered (not audited)</li>',
  ];
  return `<ul class="legend" aria-label="Colours">${items.join('')}</ul>`;
}

/**
 * The chart as a `<figure>`: the legend, then a list with one row per account (its id and name,
 * the bar, the count or why there is none), bars scaled to the account with the most findings.
 */
export function renderFindingsChart(accounts: readonly AccountOutcome[]): string {
  const max = Math.max(1, ...accounts.map((a) => a.summary?.findings ?? 0));
  const rows = accounts.map((account) => {
    const { svg, count } = bar(account, max);
    return [
      `<li class="chart-row" data-account="${escapeHtml(account.accountId)}">`,
      `<span class="label">${escapeHtml(account.accountId)} <span class="name">${escapeHtml(account.name)}</span></span>`,
      `<span class="track">${svg}</span>`,
      count,
      '</li>',
    ].join('');
  });
  return [
    '<figure class="chart" id="findings-chart">',
    `<figcaption>Findings by severity; bars are to scale, the longest is ${plural(max, 'finding')}.</figcaption>`,
    legend(),
    `<ol class="chart-rows" aria-label="Findings per account">${rows.join('')}</ol>`,
    '</figure>',
  ].join('\n');
}
