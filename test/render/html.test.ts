import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/model.js';
import { renderHtml } from '../../src/render/html.js';
import { escapeHtml } from '../../src/render/html-escape.js';
import { bucketByLastUse, keyVerdict } from '../../src/render/usage-buckets.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import { makeKey, makeUser } from '../evaluate/factories.js';
import { reportFor } from '../report/audit-of.js';

/** Markup in places IAM would refuse it (a user name) and allows it (a tag value, a reason). */
const SCRIPT_NAME = '"><script>alert(1)</script>';
const IMG_TAG = `<img src=x onerror=alert(2)>'"&`;

function render(users: UserRecord[], env: Record<string, string> = {}) {
  const report = reportFor(users, env);
  const rows = buildKeyRows(users, report);
  return { report, rows, html: renderHtml(report, rows) };
}

const countOf = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

/** The bars' `data-bucket` and `data-count` attributes, in order. */
function bars(html: string): Array<[string, number]> {
  return [...html.matchAll(/class="bar" data-bucket="([^"]+)" data-count="(\d+)"/g)].map((m) => [
    m[1] ?? '',
    Number(m[2]),
  ]);
}

describe('Function: escapeHtml', () => {
  it('turns markup and quote characters into entities and control characters into U+FFFD', () => {
    // Act
    const escaped = escapeHtml(`<a href='x' title="y">&\u0000\u202E</a>`);

    // Assess
    expect(escaped).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;\uFFFD\uFFFD&lt;/a&gt;');
  });
});

describe('Function: renderHtml', () => {
  it('escapes user names, tag values and reasons in text and in attributes', () => {
    // Prepare
    const users = [
      makeUser({
        userName: SCRIPT_NAME,
        tags: { team: IMG_TAG },
        keys: [makeKey({ accessKeyId: 'AKIASTALE00000000001', ageDays: 400, lastUsedDaysAgo: 200 })],
      }),
      makeUser({
        userName: 'vault',
        tags: { team: IMG_TAG, 'key-hygiene:exempt': 'true', 'key-hygiene:exempt-reason': SCRIPT_NAME },
        keys: [makeKey({ ageDays: 400, lastUsedDaysAgo: 300 })],
      }),
    ];

    // Act
    const { html } = render(users);

    // Assess
    expect(countOf(html, /<script/gi)).toBe(1); // the page's own script, and nothing from the data
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('"><script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-sort="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('team &lt;img src=x onerror=alert(2)&gt;&#39;&quot;&amp;');
    expect(html).toContain(
      '<td data-label="Reason" class="wide">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>',
    );
  });

  it('is one self-contained file whose Content-Security-Policy allows exactly its inline style and script', () => {
    // Prepare
    const users = [makeUser({ keys: [makeKey({ lastUsedDaysAgo: 3 })] })];

    // Act
    const { html } = render(users);

    // Assess
    const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
    const script = html.match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? '';
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(countOf(html, /<style/g)).toBe(1);
    expect(html).not.toMatch(/\ssrc=|<link|@import|url\(|href="(?!#)/i);
    expect(html).not.toMatch(/\sstyle="/i); // inline style attributes would need 'unsafe-inline'
    expect(html).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it('draws one bar per bucket of days since last use, each labelled with its count', () => {
    // Prepare: keys on both edges of every bucket, and one never used
    const days = [0, 7, 8, 30, 31, 90, 91, 365, 366, null];
    const users = days.map((d, i) =>
      makeUser({ userName: `user-${i}`, keys: [makeKey({ ageDays: 800, lastUsedDaysAgo: d })] }),
    );

    // Act
    const { html } = render(users);

    // Assess
    expect(bars(html)).toEqual([
      ['0-7', 2],
      ['8-30', 2],
      ['31-90', 2],
      ['91-365', 2],
      ['366+', 1],
      ['never', 1],
    ]);
    expect([...html.matchAll(/class="bar-count"[^>]*>(\d+)</g)].map((m) => Number(m[1]))).toEqual([
      2, 2, 2, 2, 1, 1,
    ]);
    expect(html).toMatch(
      /<svg class="chart"[^>]* role="img" aria-labelledby="usage-chart-title usage-chart-desc"/,
    );
    expect(html).toMatch(/<desc id="usage-chart-desc">10 keys: 0-7 days, 2; 8-30 days, 2;/);
  });

  it('marks the thresholds the run used, and says so when the report does not carry them', () => {
    // Prepare
    const users = [makeUser({ keys: [makeKey({ lastUsedDaysAgo: 50 })] })];
    const { report, rows } = render(users, { PRESET: 'cis', NEVER_USED_KEY_DAYS: '5' });

    // Act
    const marked = renderHtml(report, rows);
    const { thresholds: _dropped, ...older } = report;
    const unmarked = renderHtml(older, rows);

    // Assess
    expect(marked).toContain('data-threshold="unusedKeyDays" data-days="45"');
    expect(marked).toContain('data-threshold="unusedKeyWarnDays" data-days="31"');
    expect(marked).toContain('data-threshold="neverUsedKeyDays" data-days="5"');
    expect(marked).toContain('data-threshold-note="rotationDays"');
    expect(unmarked).not.toContain('data-threshold=');
    expect(unmarked).toContain('The thresholds were not recorded in this report.');
    expect(bars(unmarked)).toEqual(bars(marked));
  });

  it('tells a complete run from an incomplete one and names the users not reached', () => {
    // Prepare
    const users = [makeUser({ keys: [makeKey({ lastUsedDaysAgo: 1 })] })];
    const { report, rows, html } = render(users);

    // Act
    const incomplete = renderHtml({ ...report, complete: false, notReached: [SCRIPT_NAME, 'zed'] }, rows);

    // Assess
    expect(html).toContain('data-complete="true"');
    expect(html).not.toContain('Incomplete run');
    expect(incomplete).toContain('data-complete="false"');
    expect(incomplete).toContain(
      '2 users were not reached and not audited: &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;, zed.',
    );
  });

  it('says what is empty instead of drawing empty tables, and keeps the key table', () => {
    // Prepare
    const users = [makeUser({ keys: [makeKey({ ageDays: 10, lastUsedDaysAgo: 1 })] })];

    // Act
    const { html } = render(users);

    // Assess
    expect(html).toContain('No findings: every audited key is within policy.');
    expect(html).toContain('No key is exempt.');
    expect(html).not.toContain('id="findings-table"');
    expect(countOf(html, /<table id="keys-table"/g)).toBe(1);
  });

  it('gives the same bytes for the same report and rows', () => {
    // Prepare
    const users = [
      makeUser({ keys: [makeKey({ accessKeyId: 'AKIASAME000000000001', lastUsedDaysAgo: 120 })] }),
    ];
    const first = render(users);

    // Act
    const second = renderHtml(first.report, first.rows);

    // Assess
    expect(second).toBe(first.html);
  });
});

describe('Function: bucketByLastUse', () => {
  it('colours each key by what the run concluded: exempt, due, to review, within policy, inactive', () => {
    // Prepare
    const users = [
      makeUser({ userName: 'due', keys: [makeKey({ ageDays: 30, lastUsedDaysAgo: 100 })] }),
      makeUser({ userName: 'review', keys: [makeKey({ ageDays: 30, lastUsedDaysAgo: 80 })] }),
      makeUser({ userName: 'ok', keys: [makeKey({ ageDays: 30, lastUsedDaysAgo: 5 })] }),
      makeUser({ userName: 'off', keys: [makeKey({ ageDays: 30, lastUsedDaysAgo: 5, status: 'Inactive' })] }),
      makeUser({
        userName: 'vault',
        tags: { 'key-hygiene:exempt': 'true' },
        keys: [makeKey({ ageDays: 30, lastUsedDaysAgo: 100 })],
      }),
    ];
    const rows = buildKeyRows(users, reportFor(users));

    // Act
    const verdicts = rows.map((row) => [row.userName, keyVerdict(row)]);
    const buckets = bucketByLastUse(rows);

    // Assess
    expect(verdicts).toEqual([
      ['due', 'due'],
      ['review', 'review'],
      ['ok', 'ok'],
      ['off', 'inactive'],
      ['vault', 'exempt'],
    ]);
    expect(buckets.find((b) => b.id === '91-365')?.byVerdict).toEqual({
      due: 1,
      review: 0,
      ok: 0,
      exempt: 1,
      inactive: 0,
    });
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(rows.length);
  });
});
