import type { KeyRow } from '../report/key-rows.js';

/**
 * What the run concluded about a key, for the chart's colours. Derived from the findings and
 * actions rather than recomputed from thresholds, so the chart always agrees with the tables.
 */
export type KeyVerdict = 'due' | 'review' | 'ok' | 'exempt' | 'inactive';

/** In stacking order, bottom first. */
export const KEY_VERDICTS: readonly KeyVerdict[] = ['due', 'review', 'ok', 'exempt', 'inactive'];

export const KEY_VERDICT_LABELS: Readonly<Record<KeyVerdict, string>> = {
  due: 'Deactivated, deleted or due',
  review: 'Findings to review',
  ok: 'Active, within policy',
  exempt: 'Exempt',
  inactive: 'Inactive',
};

export interface UsageBucket {
  /** Stable id, used in markup: `0-7`, `8-30`, `31-90`, `91-365`, `366+`, `never`. */
  id: string;
  label: string;
  /** First and last day of the bucket; `max` is null for the open last bucket and for `never`. */
  min: number | null;
  max: number | null;
  count: number;
  byVerdict: Record<KeyVerdict, number>;
}

const RANGES: ReadonlyArray<{ id: string; label: string; min: number | null; max: number | null }> = [
  { id: '0-7', label: '0-7 days', min: 0, max: 7 },
  { id: '8-30', label: '8-30 days', min: 8, max: 30 },
  { id: '31-90', label: '31-90 days', min: 31, max: 90 },
  { id: '91-365', label: '91-365 days', min: 91, max: 365 },
  { id: '366+', label: 'Over 365 days', min: 366, max: null },
  { id: 'never', label: 'Never used', min: null, max: null },
];

/**
 * The verdict for one key: an exemption wins, then an action or a critical or high finding
 * (`due`), then any other finding (`review`), then inactive keys, then the rest (`ok`).
 */
export function keyVerdict(row: KeyRow): KeyVerdict {
  if (row.exemption) return 'exempt';
  if (row.action || row.severity === 'critical' || row.severity === 'high') return 'due';
  if (row.findings.length > 0) return 'review';
  return row.status === 'Active' ? 'ok' : 'inactive';
}

/**
 * Counts keys by days since last use, in the buckets the HTML chart shows (every bucket present,
 * empty ones with count 0), each split by {@link keyVerdict}.
 */
export function bucketByLastUse(rows: readonly KeyRow[]): UsageBucket[] {
  const buckets = RANGES.map((range) => ({
    ...range,
    count: 0,
    byVerdict: Object.fromEntries(KEY_VERDICTS.map((v) => [v, 0])) as Record<KeyVerdict, number>,
  }));
  for (const row of rows) {
    const days = row.daysSinceLastUse;
    const bucket =
      days === 'never'
        ? buckets[buckets.length - 1]
        : buckets.find((b) => b.min !== null && days >= b.min && (b.max === null || days <= b.max));
    if (!bucket) continue;
    bucket.count += 1;
    bucket.byVerdict[keyVerdict(row)] += 1;
  }
  return buckets;
}
