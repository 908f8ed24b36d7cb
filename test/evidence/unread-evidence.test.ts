/**
 * Evidence that could not be read (a role without cloudtrail:LookupEvents, a spent budget) is said
 * so, key by key, in every report format, and the run stays complete.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { auditAcme } from '../../scripts/acme-audit.js';
import { loadSettings } from '../../src/config/settings.js';
import { toAsff } from '../../src/export/asff.js';
import type { AuditReport } from '../../src/model.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { renderText } from '../../src/render/text.js';
import type { KeyRow } from '../../src/report/key-rows.js';
import { asffProblem } from '../../src/sandbox/securityhub.js';

let denied: { report: AuditReport; rows: KeyRow[] };
let spent: { report: AuditReport; rows: KeyRow[] };

beforeAll(async () => {
  [denied, spent] = await Promise.all([
    auditAcme({
      env: { EVIDENCE: 'on', INVENTORY_SOURCE: 'live' },
      faults: [{ operation: 'cloudtrail:LookupEvents', code: 'AccessDenied' }],
    }),
    // One second at 2 lookups a second: the first keys are read, the rest are not reached.
    auditAcme({ env: { EVIDENCE: 'on', INVENTORY_SOURCE: 'live', EVIDENCE_TIME_BUDGET_SECONDS: '1' } }),
  ]);
}, 120_000);

const CI_KEY = 'AKIADEPLOYER00000001';
const DENIED_LINE =
  "Usage not read from CloudTrail (denied): the auditor's role may not call it: grant it cloudtrail:LookupEvents";

/** The CSV's records by key id (no field of these reports holds a comma inside quotes we need). */
function csvWayOff(rows: KeyRow[]): Map<string, string> {
  const csv = renderCsv(rows);
  const lines = csv.trim().split(/\r?\n/);
  return new Map(lines.slice(1).map((line) => [line.split(',')[1] ?? '', line]));
}

describe('Evidence that could not be read (EVIDENCE=on)', () => {
  it('keeps the key, the gap and what to do in the JSON report, and the run complete', () => {
    // Assess
    expect(denied.report.complete).toBe(true);
    const ci = denied.report.evidence?.find((e) => e.accessKeyId === CI_KEY);
    expect(ci).toMatchObject({ gap: 'denied', events: 0, reasons: ['not read from CloudTrail (denied)'] });
    expect(ci?.error).toContain(`key ${CI_KEY} of user svc-deployer`);
    expect(ci?.error).toContain('cloudtrail:LookupEvents');
    expect(denied.report.evidence?.length).toBe(5);
    expect(denied.report.evidence?.every((e) => e.gap === 'denied')).toBe(true);
  });

  it('says so under the key in the text report, in the HTML section, and in the CSV', () => {
    // Act
    const text = renderText(denied.report);
    const html = renderHtml(denied.report, denied.rows);
    const csv = csvWayOff(denied.rows);
    // Assess
    expect(text).toContain('- svc-deployer, AKIADEPLOYER00000001 [rotation-overdue]');
    expect(text).toContain('  Usage: unknown (not read from CloudTrail (denied)).');
    expect(text.replaceAll('\n  ', ' ')).toContain(`Way off: ${DENIED_LINE}`);
    expect(html).toMatch(
      new RegExp(
        `<article class="way-off" data-profile="unknown" data-key="${CI_KEY}">[\\s\\S]*?not read from CloudTrail \\(denied\\)`,
      ),
    );
    expect(html).toContain('grant it cloudtrail:LookupEvents');
    expect(csv.get(CI_KEY)).toContain(`unknown,"${DENIED_LINE}`);
  });

  it('puts it first in Security Hub Remediation, and the findings stay valid ASFF', () => {
    // Act
    const findings = toAsff({
      report: denied.report,
      users: [],
      thresholds: loadSettings({}).rules,
      region: 'us-east-1',
      now: new Date(denied.report.asOf),
      existing: new Map(),
    });
    // Assess
    for (const finding of findings)
      expect(asffProblem(finding as unknown as Record<string, unknown>)).toBeNull();
    const ci = findings.find((f) =>
      f.Resources?.some((r) => r.Details?.AwsIamAccessKey?.AccessKeyId === CI_KEY),
    );
    expect(ci?.Remediation?.Recommendation?.Text?.startsWith(DENIED_LINE)).toBe(true);
  });

  it('names the keys the time budget left unread in every format, and the run stays complete', () => {
    // Act
    const unread = (spent.report.evidence ?? []).filter((e) => e.gap === 'budget' && e.events === 0);
    const text = renderText(spent.report);
    const html = renderHtml(spent.report, spent.rows);
    const csv = csvWayOff(spent.rows);
    // Assess
    expect(spent.report.complete).toBe(true);
    expect(unread.length).toBeGreaterThan(0);
    expect(unread.length).toBeLessThan(spent.report.evidence?.length ?? 0);
    for (const entry of unread) {
      expect(csv.get(entry.accessKeyId)).toContain('Usage not read from CloudTrail (budget)');
      expect(html).toContain(`data-key="${entry.accessKeyId}"`);
    }
    expect(
      text.split('Usage: unknown (not read from CloudTrail (budget)).').length - 1,
    ).toBeGreaterThanOrEqual(unread.length);
    expect(html).toContain('raise evidenceTimeBudgetSeconds');
  });
});
