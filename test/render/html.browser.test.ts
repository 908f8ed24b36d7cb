/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. The
 * report is the acme account's, audited through the sandbox by the real pipeline, with markup
 * planted in a user name, a tag value and an exemption reason. When Chromium is missing these
 * tests fail (see scripts/chromium.ts for the message); they are never skipped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditAcme } from '../../scripts/acme-audit.js';
import { launchChromium } from '../../scripts/chromium.js';
import type { AuditReport } from '../../src/model.js';
import { renderHtml } from '../../src/render/html.js';
import type { KeyRow } from '../../src/report/key-rows.js';
import type { FixtureInput } from '../../src/sandbox/fixture.js';

/** IAM refuses such a user name, but a renderer must survive anything in the report. */
const HOSTILE_USER = 'carol"><img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>';
/** Tag values may hold `<`, `>` and quotes (the sandbox, like a careless import, allows them). */
const HOSTILE_TEAM = '<img src=x onerror=window.__pwned=3>web';
const HOSTILE_REASON = '</td></tr><script>window.__pwned=4</script>SEC-42';

/**
 * The acme account by days since last use: 0-7 (alice, ci-publisher, ivan, judy x2, the auditor,
 * oscar's new key, svc-deployer, sys-backup, trent), 31-90 (dave, 80), 91-365 (bob, carol, frank,
 * legacy-etl, mallory, old-vendor), over 365 (break-glass, oscar's old key), never (root, erin,
 * grace, heidi, svc-reporting).
 */
const ACME_BUCKETS: Array<[string, number]> = [
  ['0-7', 10],
  ['8-30', 0],
  ['31-90', 1],
  ['91-365', 6],
  ['366+', 2],
  ['never', 5],
];

function plantMarkup(fixture: FixtureInput): FixtureInput {
  const [account, ...others] = fixture.accounts;
  if (!account) throw new Error('the acme fixture has no account');
  const users = (account.users ?? []).map((user) => {
    if (user.name === 'dave') return { ...user, tags: { ...user.tags, team: HOSTILE_TEAM } };
    if (user.name === 'break-glass')
      return { ...user, tags: { ...user.tags, 'key-hygiene:exempt-reason': HOSTILE_REASON } };
    return user;
  });
  return { ...fixture, accounts: [{ ...account, users }, ...others] };
}

/** Replaces every string equal to `from`, wherever it sits in the report or the rows. */
function renameEverywhere<T>(value: T, from: string, to: string): T {
  if (value === from) return to as T;
  if (Array.isArray(value)) return value.map((item) => renameEverywhere(item, from, to)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renameEverywhere(item, from, to)]),
    ) as T;
  }
  return value;
}

interface ServedReport {
  url: string;
  /** Every request the server received, as `METHOD /path`. */
  requests: string[];
  server: Server;
}

/** Serves the report as S3 would, so the browser loads it over HTTP and every request shows. */
async function serve(html: string): Promise<ServedReport> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/report.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/report.html`, requests, server };
}

let report: AuditReport;
let rows: KeyRow[];
let served: ServedReport;
let browser: Browser;

interface OpenedReport {
  page: Page;
  /** Console messages of type error, and uncaught exceptions. */
  errors: string[];
  /** Every request the page made, as its URL. */
  requests: string[];
}

async function openReport(options: BrowserContextOptions = {}): Promise<OpenedReport> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1240, height: 900 },
    ...options,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(served.url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** The text of one column of a table's visible rows, in order (the cell's `data-sort` if set). */
async function column(page: Page, tableId: string, header: string): Promise<string[]> {
  return page.$$eval(`#${tableId} tbody tr:not([hidden]) td[data-label="${header}"]`, (cells) =>
    cells.map((cell) => cell.getAttribute('data-sort') ?? cell.textContent ?? ''),
  );
}

describe('HTML report in Chromium', () => {
  // A setup failure (Chromium missing, above all) fails every test with its message, rather than
  // leaving them reported as skipped.
  let setupError: unknown = null;

  beforeAll(async () => {
    try {
      // Launch first: without Chromium there is nothing to test, and the error says how to install it.
      browser = await launchChromium();
      // Evidence on: the way-off section (snippets, documentation links) is part of what must load nothing.
      const audited = await auditAcme({ edit: plantMarkup, env: { EVIDENCE: 'on' } });
      report = renameEverywhere(audited.report, 'carol', HOSTILE_USER);
      rows = renameEverywhere(audited.rows, 'carol', HOSTILE_USER);
      served = await serve(renderHtml(report, rows));
    } catch (error) {
      setupError = error;
    }
  }, 120_000);

  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    await browser?.close();
    if (served) await new Promise((resolve) => served.server.close(resolve));
  });

  it('draws the chart: one bar per bucket of days since last use, each with its count', async () => {
    // Prepare
    const { page } = await openReport();

    // Act
    const chart = page.getByRole('img', { name: 'Access keys by days since last use' });
    const bars = await page.$$eval('svg.chart g.bar', (groups) =>
      groups.map((g) => ({
        bucket: g.getAttribute('data-bucket'),
        count: Number(g.getAttribute('data-count')),
        label: g.querySelector('.bar-count')?.textContent,
      })),
    );
    const heights: number[] = [];
    for (const [bucket] of ACME_BUCKETS) {
      const boxes = await page
        .locator(`g.bar[data-bucket="${bucket}"] rect`)
        .evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().height));
      heights.push(boxes.reduce((sum, h) => sum + h, 0));
    }

    // Assess
    await expect(chart.isVisible()).resolves.toBe(true);
    expect(bars.map((b) => [b.bucket, b.count])).toEqual(ACME_BUCKETS);
    expect(bars.map((b) => b.label)).toEqual(ACME_BUCKETS.map(([, n]) => String(n)));
    expect(ACME_BUCKETS.reduce((sum, [, n]) => sum + n, 0)).toBe(rows.length);
    // Drawn heights are proportional to the counts (within a pixel).
    const perKey = (heights[0] ?? 0) / 10;
    expect(perKey).toBeGreaterThan(5);
    heights.forEach((height, i) => {
      expect(Math.abs(height - (ACME_BUCKETS[i]?.[1] ?? 0) * perKey)).toBeLessThan(1);
    });
    await expect(page.locator('#usage-chart-table tbody tr').count()).resolves.toBe(6);
    await page.context().close();
  });

  it('marks the thresholds: warning and deactivation inside the 31-90 day bar, never-used under its bar', async () => {
    // Prepare
    const { page } = await openReport();

    // Act
    const x = async (selector: string) => (await page.locator(selector).boundingBox())?.x ?? Number.NaN;
    const warn = await x('[data-threshold="unusedKeyWarnDays"] line');
    const deactivate = await x('[data-threshold="unusedKeyDays"] line');
    const bar = await page.locator('g.bar[data-bucket="31-90"] rect').boundingBox();

    // Assess
    await expect(page.locator('[data-threshold="unusedKeyDays"]').getAttribute('data-days')).resolves.toBe(
      '90',
    );
    await expect(
      page.locator('[data-threshold="unusedKeyWarnDays"]').getAttribute('data-days'),
    ).resolves.toBe('76');
    await expect(page.locator('[data-threshold="neverUsedKeyDays"] text').textContent()).resolves.toBe(
      'flagged at 7 d old',
    );
    await expect(page.locator('[data-threshold-note="rotationDays"]').textContent()).resolves.toContain(
      '90 days of key age',
    );
    expect(bar).not.toBeNull();
    expect(warn).toBeGreaterThan(bar?.x ?? Number.POSITIVE_INFINITY);
    expect(deactivate).toBeGreaterThan(warn);
    expect(deactivate).toBeLessThan((bar?.x ?? 0) + (bar?.width ?? 0));
    await page.context().close();
  });

  it('shows every action, finding, exemption and key as a table row', async () => {
    // Prepare
    const { page } = await openReport();

    // Act
    const count = (id: string) => page.locator(`#${id} tbody tr`).count();

    // Assess
    await expect(count('actions-table')).resolves.toBe(report.actions.length);
    await expect(count('findings-table')).resolves.toBe(report.findings.length);
    await expect(count('exemptions-table')).resolves.toBe(report.exempt.length);
    await expect(count('keys-table')).resolves.toBe(rows.length);
    expect([report.actions.length, report.findings.length, report.exempt.length, rows.length]).toEqual([
      6, 21, 2, 24,
    ]);
    await expect(
      page.locator('#findings-table td[data-label="Severity"]').first().textContent(),
    ).resolves.toBe('critical');
    // Every finding on a key shows on that key's row (findings named by slot included)
    const keyFindings = report.findings.filter((f) => f.userName !== null);
    expect(rows.reduce((sum, row) => sum + row.findings.length, 0)).toBe(keyFindings.length);
    const frank = page.locator('#keys-table tbody tr', { hasText: 'AKIAFRANK00000000001' });
    await expect(frank.textContent()).resolves.toContain('unused-key');
    await page.context().close();
  });

  it('sorts a table by the column whose header is clicked, and reverses on a second click', async () => {
    // Prepare
    const { page } = await openReport();
    const header = page.locator('#findings-table th', { hasText: 'Days since use' });
    const days = report.findings.map((f) => (f.userName === null ? null : f.daysSinceLastUse));
    const numbers = days.filter((d): d is number => typeof d === 'number').sort((a, b) => a - b);
    const nevers = days.filter((d) => d === 'never').map(() => 'Infinity');

    // Act
    await header.getByRole('button').click();
    const ascending = await column(page, 'findings-table', 'Days since use');
    await header.getByRole('button').click();
    const descending = await column(page, 'findings-table', 'Days since use');
    await page.locator('#findings-table th', { hasText: 'User' }).getByRole('button').click();
    const users = await column(page, 'findings-table', 'User');

    // Assess
    expect(ascending).toEqual([...numbers.map(String), ...nevers]);
    expect(descending).toEqual([...nevers, ...[...numbers].reverse().map(String)]);
    expect(users[0]).toBe('<root_account>');
    expect(users).toEqual(
      [...users].sort(new Intl.Collator('en-US', { numeric: true, sensitivity: 'base' }).compare),
    );
    await expect(
      page.locator('#findings-table th', { hasText: 'User' }).getAttribute('aria-sort'),
    ).resolves.toBe('ascending');
    await expect(header.getAttribute('aria-sort')).resolves.toBeNull();
    await page.context().close();
  });

  it('hides the rows that do not match the text typed in a table filter', async () => {
    // Prepare
    const { page } = await openReport();
    const filter = page.getByRole('searchbox', { name: 'Filter findings' });
    const visible = () => page.locator('#findings-table tbody tr:visible').count();

    // Act
    await filter.fill('two-active-keys');
    const oneRule = await visible();
    const status = await page.locator('#findings .filter-status').textContent();
    await filter.fill('rotation-overdue platform');
    const ruleAndTeam = await column(page, 'findings-table', 'User');
    await filter.fill('');
    const all = await visible();

    // Assess
    expect(oneRule).toBe(1);
    expect(status).toBe(`1 of ${report.findings.length} shown`);
    expect(ruleAndTeam.sort()).toEqual(['bob', 'frank', 'ivan', 'svc-deployer']);
    expect(all).toBe(report.findings.length);
    await page.context().close();
  });

  it('shows markup planted in a user name, a tag value and a reason as text, and runs none of it', async () => {
    // Prepare
    const { page } = await openReport();
    await page.locator('#keys-details summary').click();

    // Act
    // Expressions, not functions: they run in the page, and the project compiles without DOM types.
    const pwned = await page.evaluate('window.__pwned');
    const elements = {
      scripts: await page.locator('script').count(),
      images: await page.locator('img').count(),
    };
    const userCells = await page.locator('#findings-table td[data-label="User"]').allTextContents();
    const teamNotes = await page.locator('#keys-table td[data-label="User"] .note').allTextContents();
    const reasons = await page.locator('#exemptions-table td[data-label="Reason"]').allTextContents();

    // Assess
    expect(pwned).toBeUndefined();
    expect(elements).toEqual({ scripts: 1, images: 0 });
    expect(userCells).toContain(`${HOSTILE_USER}team data`);
    expect(teamNotes).toContain(`team ${HOSTILE_TEAM}`);
    expect(reasons).toContain(HOSTILE_REASON);
    await page.context().close();
  });

  it('loads nothing but the document and logs no error while it is read, sorted and filtered', async () => {
    // Prepare
    served.requests.length = 0;
    const { page, errors, requests } = await openReport();

    // Act
    await page.locator('#actions-table th', { hasText: 'User' }).getByRole('button').click();
    await page.getByRole('searchbox', { name: 'Filter exemptions' }).fill('legacy');
    await page.locator('#keys-details summary').click();
    await page.getByRole('searchbox', { name: 'Filter keys' }).fill('Inactive');

    // Assess
    await expect(page.locator('#keys-table tbody tr:visible').count()).resolves.toBe(
      rows.filter((r) => r.status === 'Inactive').length,
    );
    await expect(page.locator('#way-off pre').count()).resolves.toBe(report.evidence?.length);
    expect(errors).toEqual([]);
    expect(requests).toEqual([served.url]);
    expect(served.requests).toEqual(['GET /report.html']);
    await page.context().close();
  });

  it('reads as plain tables with JavaScript disabled', async () => {
    // Prepare
    const { page, errors } = await openReport({ javaScriptEnabled: false });

    // Act
    const filters = await page.locator('input').count();
    const buttons = await page.locator('button').count();
    const findings = await page.locator('#findings-table tbody tr:visible').count();
    const bars = await page.locator('svg.chart g.bar').count();

    // Assess
    expect(filters).toBe(0);
    expect(buttons).toBe(0);
    expect(findings).toBe(report.findings.length);
    expect(bars).toBe(6);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits a phone screen without sideways scrolling, tables shown as cards', async () => {
    // Prepare
    const { page } = await openReport({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    await page.locator('#keys-details summary').click();

    // Act
    const width = await page.evaluate('document.documentElement.scrollWidth');
    const display = await page.evaluate(
      "getComputedStyle(document.querySelector('#findings-table tbody tr')).display",
    );

    // Assess
    expect(width).toBeLessThanOrEqual(375);
    expect(display).toBe('block');
    await page.context().close();
  });
});
