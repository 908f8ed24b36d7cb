import { describe, expect, it } from 'vitest';
import { buildOrganizationReport } from '../../src/org/build-organization-report.js';
import { buildOrganizationPublish } from '../../src/org/deliver-organization.js';
import type { AccountOutcome } from '../../src/org/organization-report.js';
import { renderOrganizationHtml, renderOrganizationText } from '../../src/org/render-organization.js';

const FACTS = {
  runId: '20261120T030000Z-abcdef',
  orchestratorAccountId: '100000000001',
  mode: 'enforce' as const,
  startedAt: new Date('2026-11-20T03:00:00Z'),
  finishedAt: new Date('2026-11-20T03:05:00Z'),
  capLimit: 100,
};

function audited(
  accountId: string,
  bySeverity: Partial<Record<string, number>>,
  deactivated = 0,
): AccountOutcome {
  const findingsBySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...bySeverity };
  const findings = Object.values(findingsBySeverity).reduce((a, b) => a + b, 0);
  const highest = (['critical', 'high', 'medium', 'low', 'info'] as const).find(
    (s) => findingsBySeverity[s] > 0,
  );
  return {
    accountId,
    name: `acct-${accountId.slice(0, 1)}`,
    status: 'audited',
    reason: null,
    runId: FACTS.runId,
    mode: 'enforce',
    summary: {
      usersAudited: 3,
      keysAudited: 3,
      activeKeys: 3,
      findings,
      findingsBySeverity,
      findingsByRule: { 'unused-key': findings },
      highestSeverity: highest ?? 'none',
      actionsPlanned: deactivated,
      actionsApplied: deactivated,
      actionsSkipped: 0,
      actionsFailed: 0,
      exempt: 0,
      errors: 0,
    },
    complete: true,
    keysDeactivated: deactivated,
    archive: null,
    messageId: null,
  };
}

const failed: AccountOutcome = {
  ...audited('300000000003', {}),
  status: 'failed',
  reason: 'could not assume arn:aws:iam::300000000003:role/KeyHygieneMemberRole: AccessDenied: denied',
  summary: null,
  runId: null,
  mode: null,
  complete: null,
};

describe('Function: buildOrganizationReport', () => {
  it('lists the worst accounts first and counts totals by severity and rule, the blind spot included', () => {
    // Act
    const report = buildOrganizationReport(
      [audited('100000000001', { medium: 2 }), audited('200000000002', { high: 1, medium: 5 }, 2), failed],
      FACTS,
    );
    // Assess
    expect(report.accounts.map((a) => a.accountId)).toEqual(['300000000003', '200000000002', '100000000001']);
    expect(report.totals).toMatchObject({
      accounts: 3,
      audited: 2,
      failed: 1,
      findings: 9,
      findingsBySeverity: { critical: 1, high: 1, medium: 7, low: 0, info: 0 },
      findingsByRule: { 'unused-key': 8, 'not-covered': 1 },
      highestSeverity: 'critical',
      keysDeactivated: 2,
    });
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: 'not-covered', severity: 'critical', accountId: '300000000003' }),
    ]);
  });
});

describe('Organization report renderings', () => {
  const report = buildOrganizationReport(
    [audited('100000000001', { medium: 2 }), audited('200000000002', { high: 1, medium: 5 }, 2), failed],
    FACTS,
  );

  it('draws one bar per account in the HTML chart, worst first, under a policy that loads nothing', () => {
    // Act
    const html = renderOrganizationHtml(report);
    // Assess
    const labels = [...html.matchAll(/<li class="chart-row" data-account="(\d{12})"/g)].map((m) => m[1]);
    expect(labels).toEqual(['300000000003', '200000000002', '100000000001']);
    expect(html).toContain('not covered');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/);
  });

  it('shows a dash, never 0, for the counts of an account that was not audited', () => {
    // Act
    const html = renderOrganizationHtml(report);
    const cells = (accountId: string) => {
      const row = html
        .split('\n')
        .find((line) => line.startsWith(`<tr><td data-label="Account">${accountId}<`));
      return Object.fromEntries(
        [...(row ?? '').matchAll(/<td data-label="(\w+)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]),
      );
    };
    // Assess
    expect(cells('300000000003')).toMatchObject({ Findings: '—', Critical: '—', Deactivated: '—' });
    expect(cells('200000000002')).toMatchObject({ Findings: '6', Critical: '0', Deactivated: '2' });
    expect(cells('100000000001')).toMatchObject({ Findings: '2', Critical: '0', Deactivated: '0' });
  });

  it('fits the email text in 78 columns and names the account not covered', () => {
    // Act
    const text = renderOrganizationText(report);
    // Assess
    expect(text.split('\n').every((line) => line.length <= 78)).toBe(true);
    expect(text).toContain('CRITICAL not-covered: Account 300000000003');
  });

  it('keeps a thousand accounts within SNS’s limit, cutting the healthiest and saying how many', () => {
    // Prepare
    const many = Array.from({ length: 1000 }, (_, i) => audited(String(500000000000 + i), { medium: i % 7 }));
    const big = buildOrganizationReport(many, FACTS);
    // Act
    const publish = buildOrganizationPublish(big);
    // Assess
    expect(Buffer.byteLength(publish.message)).toBeLessThanOrEqual(262_144);
    const sqs = JSON.parse(JSON.parse(publish.message).sqs);
    expect(sqs.accounts.length + sqs.accountsOmitted).toBe(1000);
    expect(sqs.totals.accounts).toBe(1000);
    expect(publish.messageAttributes.scope).toEqual({ DataType: 'String', StringValue: 'organization' });
  });
});
