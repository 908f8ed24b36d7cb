import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { readCsvRecords } from '../../src/collect/csv.js';
import { type OrganizationReport, organizationReportSchema } from '../../src/org/organization-report.js';
import { renderOrganizationCsv } from '../../src/org/render-organization-csv.js';
import {
  ANALYTICS,
  LEGACY,
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

// `key-hygiene org` (and `audit --org`) with audit's report options, on the test organization:
// the management account and payments are audited, analytics is not covered (no member role),
// legacy is suspended (skipped).

/** A user of the payments account whose name a spreadsheet would run as a formula. */
const FORMULA_USER = '=2+5';
const FORMULA_KEY = 'AKIAPAYFORMULA000001';

const env = useSandbox(() => {
  const fixture = organizationFixture();
  const payments = fixture.accounts.find((account) => account.id === PAYMENTS);
  const stale = payments?.users?.find((user) => user.name === 'pay-stale');
  if (!payments?.users || !stale) throw new Error('fixture without pay-stale');
  payments.users.push({
    ...structuredClone(stale),
    name: FORMULA_USER,
    accessKeys: (stale.accessKeys ?? []).map((key) => ({ ...key, id: FORMULA_KEY })),
  });
  return fixture;
});

let dir: string;

async function command(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, process.env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** The same columns as the account CSV, after the account id. */
const HEADER = [
  'account',
  'user',
  'key',
  'status',
  'created',
  'last_used',
  'last_used_service',
  'last_used_region',
  'findings',
  'action',
  'severity',
  'days_since_last_use',
  'team',
  'exemption',
  'privilege',
  'owner',
  'owner_source',
  'unowned',
];

const column = (name: string) => HEADER.indexOf(name);

describe('Command line: key-hygiene org --output, --out and --fail-on', { timeout: 120_000 }, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-hygiene-org-out-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', ORG_AUDITOR_KEY);
    vi.stubEnv('MODE', '');
    vi.stubEnv('REPORT_TOPIC_ARN', ORG_TOPIC_ARN);
  });

  it('prints the organization report as JSON (scope organization) and as HTML with the chart of findings per account', async () => {
    // Act
    const json = await command(['org', '--output', 'json']);
    const html = await command(['audit', '--org', '--output', 'html']);
    // Assess
    const report = organizationReportSchema.parse(JSON.parse(json.stdout));
    expect(report.scope).toBe('organization');
    expect(report.accounts.map((a) => a.accountId).sort()).toEqual(
      [MANAGEMENT, PAYMENTS, ANALYTICS, LEGACY].sort(),
    );
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain('<figure class="chart" id="findings-chart">');
    for (const account of [MANAGEMENT, PAYMENTS, ANALYTICS]) {
      expect(html.stdout).toContain(`<li class="chart-row" data-account="${account}">`);
    }
  });

  it('writes one CSV row per finding of every account, the account id first, organization findings included', async () => {
    // Act
    const json = await command(['org', '--output', 'json']);
    const csv = await command(['org', '--output', 'csv']);
    // Assess
    const report: OrganizationReport = organizationReportSchema.parse(JSON.parse(json.stdout));
    const [header, ...rows] = [...readCsvRecords(csv.stdout)];
    expect(header).toEqual(HEADER);
    // One row per finding: the organization's totals count every account's and its own.
    expect(rows).toHaveLength(report.totals.findings);
    const accountRows = (accountId: string) => rows.filter((row) => row[0] === accountId);
    for (const accountId of [MANAGEMENT, PAYMENTS]) {
      const summary = report.accounts.find((a) => a.accountId === accountId)?.summary;
      expect(accountRows(accountId)).toHaveLength(summary?.findings ?? -1);
    }
    for (const row of rows) expect(row[column('findings')]).toMatch(/^[a-z-]+$/);
    // The account not covered is a row of its own, with its account id.
    expect(accountRows(ANALYTICS).map((row) => [row[column('findings')], row[column('severity')]])).toEqual([
      ['not-covered', 'critical'],
    ]);
    expect(accountRows(LEGACY)).toEqual([]);
    // A key's row has the account CSV's cells for that key.
    const stale = rows.find(
      (row) =>
        row[0] === PAYMENTS &&
        row[column('user')] === 'pay-stale' &&
        row[column('findings')] === 'unused-key',
    );
    expect(stale?.[column('key')]).toBe('AKIAPAYSTALE00000001');
    expect(stale?.[column('status')]).toBe('Active');
    expect(stale?.[column('last_used_service')]).toBe('s3');
    expect(stale?.[column('days_since_last_use')]).toBe('120');
    expect(accountRows(MANAGEMENT).map((row) => row[column('user')])).toContain('mgmt-stale');
    // A user name that starts like a formula is text in a spreadsheet.
    const formula = rows.filter((row) => row[column('key')] === FORMULA_KEY);
    expect(formula.length).toBeGreaterThan(0);
    for (const row of formula) expect(row[column('user')]).toBe(`'${FORMULA_USER}`);
    // Without the accounts' own findings the CSV would read as clean accounts: it refuses instead.
    expect(() => renderOrganizationCsv(report, new Map())).toThrow(
      new RegExp(`the findings of account (${MANAGEMENT}|${PAYMENTS}) were not kept`),
    );
  });

  it('writes the report to --out and nothing to stdout', async () => {
    // Prepare
    const file = join(dir, 'organization.html');
    // Act
    const { stdout, stderr } = await command(['org', '--output', 'html', '--out', file]);
    // Assess
    expect(stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('<figure class="chart" id="findings-chart">');
    expect(stderr).toContain(`Wrote ${file} (html).`);
  });

  it('exits 0 when every account is covered and nothing reaches --fail-on', async () => {
    // Prepare
    vi.stubEnv('EXCLUDE_ACCOUNTS', ANALYTICS);
    // Act
    const none = await command(['org', '--output', 'json']);
    const high = await command(['org', '--fail-on', 'high']);
    // Assess: the audited accounts have findings, medium at worst (their users have no policies).
    expect(none.code, none.stderr).toBe(0);
    expect(organizationReportSchema.parse(JSON.parse(none.stdout)).totals.highestSeverity).toBe('medium');
    expect(high.code, high.stderr).toBe(0);
  });

  it("exits 2 on an account's finding at --fail-on, and on the organization's own not-covered finding, even when incomplete", async () => {
    // Prepare
    vi.stubEnv('EXCLUDE_ACCOUNTS', ANALYTICS);
    // Act
    const accountFinding = await command(['org', '--fail-on', 'medium']);
    vi.stubEnv('EXCLUDE_ACCOUNTS', '');
    const notCovered = await command(['audit', '--org', '--fail-on', 'critical']);
    // Assess
    expect(accountFinding.code, accountFinding.stderr).toBe(2);
    expect(notCovered.code, notCovered.stderr).toBe(2);
  });

  it('exits 3 when an account is not covered, or an account audit could not read a key', async () => {
    // Act
    const notCovered = await command(['org']);
    vi.stubEnv('EXCLUDE_ACCOUNTS', ANALYTICS);
    env.sandbox.faults.add({
      operation: 'iam:GetAccessKeyLastUsed',
      params: { AccessKeyId: 'AKIAPAYSTALE00000001' },
      code: 'AccessDenied',
    });
    const unreadKey = await command(['org', '--output', 'json']);
    // Assess
    expect(notCovered.code, notCovered.stderr).toBe(3);
    expect(unreadKey.code, unreadKey.stderr).toBe(3);
    const report = organizationReportSchema.parse(JSON.parse(unreadKey.stdout));
    expect(report.accounts.find((a) => a.accountId === PAYMENTS)?.summary?.errors).toBeGreaterThan(0);
  });

  it('refuses a format an organization report does not have, before any AWS call', async () => {
    // Act
    const { code, stderr } = await command(['audit', '--org', '--output', 'ocsf']);
    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('--output ocsf: an organization report comes as text, json, csv, html');
    expect(env.sandbox.state.calls().total).toBe(0);
  });
});
