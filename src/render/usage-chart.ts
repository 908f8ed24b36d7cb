/**
 * The HTML report's chart: the account's keys by days since last use, as an inline SVG drawn here
 * (no chart library, nothing fetched), with the rule thresholds marked and a data table as its
 * text alternative.
 */
import type { ReportThresholds } from '../model.js';
import { escapeHtml } from './html-escape.js';
import { plural } from './text-format.js';
import { KEY_VERDICT_LABELS, KEY_VERDICTS, type UsageBucket } from './usage-buckets.js';

const WIDTH = 560;
const HEIGHT = 300;
const LEFT = 36;
const RIGHT = 8;
const TOP = 58;
const BOTTOM = 80;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
const BASELINE = TOP + PLOT_HEIGHT;
const BAR_GAP = 8;
/** Where the open "over 365 days" bucket is taken to end when placing a threshold inside it. */
const OPEN_BUCKET_END = 730;

/** Axis labels, two lines each, short enough for a phone-width chart. */
const AXIS_LABELS: Readonly<Record<string, readonly [string, string]>> = {
  '0-7': ['0-7', 'days'],
  '8-30': ['8-30', 'days'],
  '31-90': ['31-90', 'days'],
  '91-365': ['91-365', 'days'],
  '366+': ['> 365', 'days'],
  never: ['never', 'used'],
};

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The chart as a `<figure>`: the SVG (`role="img"`, with a title and a description that lists
 * every count), a legend, the thresholds, and the counts as a table.
 */
export function renderUsageChart(buckets: readonly UsageBucket[], thresholds?: ReportThresholds): string {
  const slot = PLOT_WIDTH / Math.max(1, buckets.length);
  const { max, step } = yScale(Math.max(0, ...buckets.map((b) => b.count)));
  const y = (count: number) => round(BASELINE - (count / max) * PLOT_HEIGHT);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);

  const grid: string[] = [];
  for (let tick = 0; tick <= max; tick += step) {
    grid.push(
      `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text class="tick" x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }

  const bars = buckets.map((bucket, index) => {
    const x = round(LEFT + index * slot + BAR_GAP / 2);
    const width = round(slot - BAR_GAP);
    const segments: string[] = [];
    let below = 0;
    for (const verdict of KEY_VERDICTS) {
      const n = bucket.byVerdict[verdict];
      if (n === 0) continue;
      const top = y(below + n);
      segments.push(
        `<rect class="seg seg-${verdict}" x="${x}" y="${top}" width="${width}" height="${round(y(below) - top)}"><title>${escapeHtml(`${bucket.label}: ${plural(n, 'key')}, ${KEY_VERDICT_LABELS[verdict].toLowerCase()}`)}</title></rect>`,
      );
      below += n;
    }
    const [line1, line2] = AXIS_LABELS[bucket.id] ?? [bucket.label, ''];
    const cx = round(x + width / 2);
    return [
      `<g class="bar" data-bucket="${escapeHtml(bucket.id)}" data-count="${bucket.count}">`,
      ...segments,
      `<text class="bar-count" x="${cx}" y="${y(bucket.count) - 5}" text-anchor="middle">${bucket.count}</text>`,
      `<text class="axis-label" x="${cx}" y="${BASELINE + 19}" text-anchor="middle">${escapeHtml(line1)}</text>`,
      `<text class="axis-label" x="${cx}" y="${BASELINE + 37}" text-anchor="middle">${escapeHtml(line2)}</text>`,
      '</g>',
    ].join('');
  });

  const neverIndex = buckets.findIndex((b) => b.id === 'never');
  const separator =
    neverIndex > 0
      ? `<line class="separator" x1="${round(LEFT + neverIndex * slot)}" x2="${round(LEFT + neverIndex * slot)}" y1="${TOP - 4}" y2="${BASELINE + 40}"/>`
      : '';
  const markers = thresholds ? thresholdMarkers(buckets, thresholds, slot, neverIndex) : [];

  const title = 'Access keys by days since last use';
  const description = `${plural(total, 'key')}: ${buckets
    .map((b) => `${b.label.toLowerCase()}, ${b.count}`)
    .join('; ')}. ${thresholdSentence(thresholds)}`;

  const svg = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="usage-chart-title usage-chart-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="usage-chart-title">${escapeHtml(title)}</title>`,
    `<desc id="usage-chart-desc">${escapeHtml(description)}</desc>`,
    ...grid,
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${BASELINE}" y2="${BASELINE}"/>`,
    ...bars,
    separator,
    ...markers,
    `<text class="axis-title" x="${round(LEFT + (neverIndex > 0 ? neverIndex : buckets.length) * slot * 0.5)}" y="${HEIGHT - 5}" text-anchor="middle">days since last use</text>`,
    '</svg>',
  ].join('\n');

  return [
    '<figure class="chart-figure">',
    svg,
    `<figcaption>${escapeHtml(`${title}, ${plural(total, 'key')} in all. Each bar is labelled with its count; colours show what the run concluded.`)}</figcaption>`,
    legend(),
    thresholdList(thresholds),
    dataTable(buckets),
    '</figure>',
  ].join('\n');
}

/** A y axis from 0 to a round number with about four gridlines. */
function yScale(maxCount: number): { max: number; step: number } {
  const rough = Math.max(1, maxCount) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const whole = Math.max(1, Math.ceil(step));
  return { max: Math.max(whole, Math.ceil(Math.max(1, maxCount) / whole) * whole), step: whole };
}

/** The x position of the first day a threshold applies, inside the bucket that holds it. */
function dayX(buckets: readonly UsageBucket[], day: number, slot: number): number | null {
  const index = buckets.findIndex((b) => b.min !== null && day >= b.min && (b.max === null || day <= b.max));
  const bucket = buckets[index];
  if (!bucket || bucket.min === null) return null;
  const end = bucket.max ?? Math.max(OPEN_BUCKET_END, bucket.min + 1);
  const fraction = Math.min(1, (day - bucket.min) / (end - bucket.min + 1));
  return round(LEFT + index * slot + BAR_GAP / 2 + fraction * (slot - BAR_GAP));
}

function thresholdMarkers(
  buckets: readonly UsageBucket[],
  thresholds: ReportThresholds,
  slot: number,
  neverIndex: number,
): string[] {
  const markers: string[] = [];
  // The warning line is always left of the deactivation line (warnDays < days), so its label goes
  // to the left of its line and the other to the right, unless that would leave the chart.
  const lines: Array<{
    name: keyof ReportThresholds;
    kind: string;
    days: number;
    label: string;
    side: -1 | 1;
  }> = [
    {
      name: 'unusedKeyWarnDays',
      kind: 'warn',
      days: thresholds.unusedKeyWarnDays,
      label: `warn from ${thresholds.unusedKeyWarnDays} d`,
      side: -1,
    },
    {
      name: 'unusedKeyDays',
      kind: 'deactivate',
      days: thresholds.unusedKeyDays,
      label: `deactivate at ${thresholds.unusedKeyDays} d`,
      side: 1,
    },
  ];
  lines.forEach((line, row) => {
    const x = dayX(buckets, line.days, slot);
    if (x === null) return;
    const labelY = TOP - 30 + row * 16;
    const room = line.side < 0 ? x - 4 : WIDTH - x - 4;
    const side = room >= estimateWidth(line.label) ? line.side : -line.side;
    markers.push(
      `<g class="threshold threshold-${line.kind}" data-threshold="${line.name}" data-days="${line.days}">`,
      `<line x1="${x}" x2="${x}" y1="${labelY - 12}" y2="${BASELINE}"/>`,
      `<text x="${round(x + side * 4)}" y="${labelY}" text-anchor="${side < 0 ? 'end' : 'start'}">${escapeHtml(line.label)}</text>`,
      '</g>',
    );
  });
  if (neverIndex >= 0) {
    const right = round(LEFT + (neverIndex + 1) * slot - BAR_GAP / 2);
    markers.push(
      `<g class="threshold threshold-never" data-threshold="neverUsedKeyDays" data-days="${thresholds.neverUsedKeyDays}">`,
      `<text x="${right}" y="${BASELINE + 56}" text-anchor="end">${escapeHtml(`flagged at ${thresholds.neverUsedKeyDays} d old`)}</text>`,
      '</g>',
    );
  }
  return markers;
}

/** Rough width of a label at the chart's threshold font size (the phone layout's, the larger). */
function estimateWidth(text: string): number {
  return text.length * 10;
}

function thresholdSentence(thresholds: ReportThresholds | undefined): string {
  if (!thresholds) return 'The thresholds were not recorded in this report.';
  return [
    `Unused active keys are deactivated at ${plural(thresholds.unusedKeyDays, 'day')}`,
    `with a warning from ${plural(thresholds.unusedKeyWarnDays, 'day')};`,
    `keys never used are flagged ${plural(thresholds.neverUsedKeyDays, 'day')} after creation;`,
    `rotation is due at ${plural(thresholds.rotationDays, 'day')} of key age.`,
  ].join(' ');
}

function legend(): string {
  const items = KEY_VERDICTS.map(
    (verdict) =>
      `<li><span class="swatch seg-${verdict}" aria-hidden="true"></span>${escapeHtml(KEY_VERDICT_LABELS[verdict])}</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}

function thresholdList(thresholds: ReportThresholds | undefined): string {
  if (!thresholds) return `<p class="thresholds">${escapeHtml(thresholdSentence(thresholds))}</p>`;
  const items: Array<[keyof ReportThresholds, string, string]> = [
    [
      'unusedKeyDays',
      'deactivate',
      `Unused active keys are deactivated at ${thresholds.unusedKeyDays} days.`,
    ],
    [
      'unusedKeyWarnDays',
      'warn',
      `Unused active keys are reported as coming up from ${thresholds.unusedKeyWarnDays} days.`,
    ],
    [
      'neverUsedKeyDays',
      'never',
      `Active keys never used are flagged ${plural(thresholds.neverUsedKeyDays, 'day')} after creation.`,
    ],
    [
      'rotationDays',
      'rotate',
      `Rotation is due at ${thresholds.rotationDays} days of key age (see the findings).`,
    ],
  ];
  return `<ul class="thresholds">${items
    .map(
      ([name, kind, text]) =>
        `<li data-threshold-note="${name}"><span class="mark mark-${kind}" aria-hidden="true"></span>${escapeHtml(text)}</li>`,
    )
    .join('')}</ul>`;
}

function dataTable(buckets: readonly UsageBucket[]): string {
  const head = ['Days since last use', 'Keys', ...KEY_VERDICTS.map((v) => KEY_VERDICT_LABELS[v])];
  const rows = buckets.map(
    (b) =>
      `<tr><th scope="row">${escapeHtml(b.label)}</th><td>${b.count}</td>${KEY_VERDICTS.map((v) => `<td>${b.byVerdict[v]}</td>`).join('')}</tr>`,
  );
  return [
    '<details class="chart-data"><summary>The chart as a table</summary>',
    '<div class="table-wrap"><table class="plain" id="usage-chart-table">',
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div></details>',
  ].join('');
}
