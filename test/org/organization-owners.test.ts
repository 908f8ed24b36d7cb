import { describe, expect, it } from 'vitest';
import type { AuditReport, Finding, KeyOwner } from '../../src/model.js';
import { accountOwners } from '../../src/org/account-owners.js';
import { buildOrganizationReport } from '../../src/org/build-organization-report.js';
import { type AccountOutcome, organizationReportSchema } from '../../src/org/organization-report.js';
import { renderOrganizationHtml, renderOrganizationText } from '../../src/org/render-organization.js';
import { sampleReport } from '../report/sample-report.js';
import { auditTestOrganization } from '../support/organization-audit.js';

// The organization report's Owners view: each owner's keys with a finding across the member
// accounts, the stages sent tonight, the owners' answers (snoozes) and the unowned keys.

const owned = (email: string): KeyOwner => ({
  emails: [email],
  source: 'tag:owner',
  unowned: false,
  createdBy: null,
});
const UNOWNED: KeyOwner = { emails: [], source: 'security-team', unowned: true, createdBy: null };

/** The sample report with owners: the first key finding's key is ana's, noticed tonight; the next is snoozed; the rest unowned. */
function accountReport(accountId: string, firstOwner: string): AuditReport {
  const report = sampleReport();
  const keyed = report.findings.filter((f) => f.userName !== null && f.accessKeyId !== null);
  const [first, second] = [keyed[0], keyed.find((f) => f.userName !== keyed[0]?.userName)];
  const findings: Finding[] = report.findings.map((f) => {
    if (f.userName === null) return f;
    if (f.userName === first?.userName && f.accessKeyId === first.accessKeyId)
      return {
        ...f,
        owner: owned(firstOwner),
        notice: { sentAt: report.asOf, deadline: '2026-11-27', tonight: 'notice', channel: 'email' },
      };
    if (f.userName === second?.userName && f.accessKeyId === second.accessKeyId)
      return {
        ...f,
        owner: owned('bo@example.com'),
        snooze: { until: '2026-12-10', who: 'bo@example.com', reason: 'export', answeredAt: report.asOf },
      };
    return { ...f, owner: UNOWNED };
  });
  return { ...report, accountId, findings };
}

function outcome(report: AuditReport, name: string): AccountOutcome {
  const owners = accountOwners(report);
  return {
    accountId: report.accountId,
    name,
    status: 'audited',
    reason: null,
    runId: report.runId,
    mode: report.mode,
    summary: report.summary,
    complete: true,
    keysDeactivated: 0,
    archive: null,
    messageId: null,
    ...(owners ? { owners } : {}),
  };
}

const facts = {
  runId: 'org-run-1',
  orchestratorAccountId: '999999999999',
  mode: 'enforce' as const,
  startedAt: new Date('2026-11-20T03:00:00Z'),
  finishedAt: new Date('2026-11-20T03:05:00Z'),
  capLimit: 50,
};

describe('Organization report: the Owners view', () => {
  it("adds each owner's keys across the accounts, tonight's notices, the snoozes and the unowned keys", () => {
    // Prepare
    const a = accountReport('111111111111', 'ana@example.com');
    const b = accountReport('222222222222', 'ana@example.com');
    // Act
    const report = buildOrganizationReport([outcome(a, 'prod'), outcome(b, 'staging')], facts);
    // Assess
    expect(() => organizationReportSchema.parse(report)).not.toThrow();
    const unownedPerAccount = accountOwners(a)?.unowned ?? 0;
    expect(unownedPerAccount).toBeGreaterThan(0);
    expect(report.owners?.byOwner).toEqual([
      {
        owner: 'ana@example.com',
        unowned: false,
        keys: 2,
        noticedTonight: 2,
        snoozed: 0,
        accounts: ['111111111111', '222222222222'],
      },
      {
        owner: 'bo@example.com',
        unowned: false,
        keys: 2,
        noticedTonight: 0,
        snoozed: 2,
        accounts: ['111111111111', '222222222222'],
      },
      {
        owner: 'the security team',
        unowned: true,
        keys: 2 * unownedPerAccount,
        noticedTonight: 0,
        snoozed: 0,
        accounts: ['111111111111', '222222222222'],
      },
    ]);
    expect([report.owners?.noticedTonight, report.owners?.snoozed, report.owners?.unowned]).toEqual([
      2,
      2,
      2 * unownedPerAccount,
    ]);
  });

  it('shows the Owners view in the HTML and text reports, escaped', () => {
    // Prepare
    const hostile = '<img src=x onerror=alert(1)>@example.com';
    const report = buildOrganizationReport([outcome(accountReport('111111111111', hostile), 'prod')], facts);
    // Act
    const html = renderOrganizationHtml(report);
    const text = renderOrganizationText(report);
    // Assess
    expect(html).toContain('<h2 id="owners">Owners</h2>');
    expect(html).toContain('<table class="accounts" id="owners-table" aria-label="Owners">');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;@example.com');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('1 key sent a notice stage tonight, 1 key kept by their owners');
    expect(text).toContain('OWNERS (most keys first)');
    expect(text).toMatch(
      /- bo@example\.com: 1 key in 1 account \(111111111111\); 0 noticed tonight, 1\s+snoozed/,
    );
  });

  it('carries each audited account owners from a real organization run into the report', async () => {
    // Act
    const report = await auditTestOrganization();
    // Assess
    const audited = report.accounts.filter((a) => a.status === 'audited' && (a.summary?.findings ?? 0) > 0);
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.every((a) => a.owners !== undefined)).toBe(true);
    const keys = (report.owners?.byOwner ?? []).reduce((sum, o) => sum + o.keys, 0);
    const perAccount = audited.reduce(
      (sum, a) => sum + (a.owners?.byOwner ?? []).reduce((s, o) => s + o.keys, 0),
      0,
    );
    expect(keys).toBe(perAccount);
    expect(keys).toBeGreaterThan(0);
  });
});
