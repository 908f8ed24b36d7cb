/**
 * The way off in every report format, from the acme account audited through the sandbox with
 * EVIDENCE=on (its CI, laptop and Lambda keys have CloudTrail histories), and nothing of it when
 * evidence is off.
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

let on: { report: AuditReport; rows: KeyRow[] };
let off: { report: AuditReport; rows: KeyRow[] };

beforeAll(async () => {
  [on, off] = await Promise.all([
    auditAcme({ env: { EVIDENCE: 'on', INVENTORY_SOURCE: 'live' } }),
    auditAcme({ env: { INVENTORY_SOURCE: 'live' } }),
  ]);
}, 120_000);

/** A minimal RFC 4180 reader: enough for the export's quoting. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return records;
}

describe('The way off in the reports (EVIDENCE=on)', () => {
  it('says under each finding of a key with evidence its usage, the way off and a docs link (text)', () => {
    // Act
    const text = renderText(on.report);
    // Assess
    expect(text).toContain('  Usage: pipeline (100 % of calls from infrastructure or CI tools;');
    expect(text).toContain(
      '  Way off: Replace the key with an IAM OIDC identity provider and a role the\n  pipeline assumes (GitHub Actions).',
    );
    expect(text).toContain(
      '\n  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html\n',
    );
    expect(text).toContain('  Usage: person (');
    expect(text).toContain('IAM Identity Center');
    expect(text).toContain('  Usage: workload-on-aws (');
    expect(text).toContain('Lambda function execution role');
    expect(text.split('\n').filter((line) => line.length > 78 && line.trim().includes(' '))).toEqual([]);
  });

  it('adds usage_profile and way_off columns to the CSV, filled for keys with evidence only', () => {
    // Act
    const [header = [], ...records] = parseCsv(renderCsv(on.rows));
    // Assess
    expect(header.slice(-2)).toEqual(['usage_profile', 'way_off']);
    const byKey = new Map(records.map((record) => [record[1], record]));
    expect(byKey.get('AKIADEPLOYER00000001')?.slice(-2)).toEqual([
      'pipeline',
      'Replace the key with an IAM OIDC identity provider and a role the pipeline assumes (GitHub Actions).',
    ]);
    expect(byKey.get('AKIAIVAN000000000001')?.at(-2)).toBe('person');
    expect(byKey.get('AKIAJUDY000000000001')?.at(-2)).toBe('workload-on-aws');
    expect(byKey.get('AKIABOB0000000000001')?.slice(-2)).toEqual(['', '']);
    expect(records.every((record) => record.length === header.length)).toBe(true);
  });

  it('gives the HTML report a "Long-term keys and the way off" section: keys per profile, worst first, each snippet in a <pre>', () => {
    // Act
    const html = renderHtml(on.report, on.rows);
    // Assess
    expect(html).toContain('<h2 id="way-off-title">Long-term keys and the way off (5)</h2>');
    expect(html).toContain('<a href="#way-off">');
    const order = [
      ...html.matchAll(/<article class="way-off" data-profile="([^"]+)" data-key="([^"]+)">/g),
    ].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toHaveLength(5);
    expect(new Set(order.map((o) => o.split(' ')[0]))).toEqual(
      new Set(['pipeline', 'person', 'workload-on-aws', 'unknown']),
    );
    // Keys of one profile stand together.
    const profiles = order.map((o) => o.split(' ')[0]);
    expect(profiles.filter((p, i) => i > 0 && p !== profiles[i - 1]).length).toBe(new Set(profiles).size - 1);
    expect(html).toContain(
      '&quot;token.actions.githubusercontent.com:aud&quot;: &quot;sts.amazonaws.com&quot;',
    );
    expect(html).toMatch(/<pre><code>[^<]*\n[^<]*<\/code><\/pre>/);
    // The findings table has a Usage column.
    expect(html).toContain(
      'data-label="Usage" data-sort="pipeline">pipeline<span class="note">Replace the key with an IAM OIDC',
    );
  });

  it('escapes a user name planted with markup everywhere the advice names it (HTML)', () => {
    // Prepare: IAM refuses such a name; the renderer must survive it anyway.
    const hostile = 'svc-deployer"><script>window.__pwned=1</script>';
    const rename = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll('"svc-deployer"', JSON.stringify(hostile)));
    // Act
    const html = renderHtml(rename(on.report), rename(on.rows));
    // Assess
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('svc-deployer&quot;&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('--user-name svc-deployer&quot;&gt;&lt;script&gt;');
  });

  it('puts the way off in Security Hub Remediation (at most 512 characters, its docs page as Url), and the findings stay valid ASFF', () => {
    // Act
    const findings = toAsff({
      report: on.report,
      users: [],
      thresholds: loadSettings({}).rules,
      region: 'us-east-1',
      now: new Date(on.report.asOf),
      existing: new Map(),
    });
    // Assess
    for (const finding of findings)
      expect(asffProblem(finding as unknown as Record<string, unknown>)).toBeNull();
    const ci = findings.find((f) =>
      f.Resources?.some((r) => r.Details?.AwsIamAccessKey?.AccessKeyId === 'AKIADEPLOYER00000001'),
    );
    expect(ci?.Remediation?.Recommendation?.Text).toMatch(
      /^Replace the key with an IAM OIDC identity provider and a role the pipeline assumes \(GitHub Actions\)\. Usage from CloudTrail: pipeline \(/,
    );
    expect(ci?.Remediation?.Recommendation?.Url).toBe(
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
    );
    expect(findings.every((f) => (f.Remediation?.Recommendation?.Text ?? '').length <= 512)).toBe(true);
    const bob = findings.find((f) =>
      f.Resources?.some((r) => r.Details?.AwsIamAccessKey?.AccessKeyId === 'AKIABOB0000000000001'),
    );
    expect(bob?.Remediation?.Recommendation?.Url).toBe(
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    );
  });

  it('shows nothing of usage or the way off when evidence is off', () => {
    // Act
    const text = renderText(off.report);
    const html = renderHtml(off.report, off.rows);
    const [header] = parseCsv(renderCsv(off.rows));
    // Assess
    expect(text).not.toContain('Usage:');
    expect(text).not.toContain('Way off:');
    expect(html).not.toContain('id="way-off"');
    expect(html).not.toContain('data-label="Usage"');
    expect(header).not.toContain('usage_profile');
  });
});
