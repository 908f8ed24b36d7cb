import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, KeyFinding } from '../../src/model.js';
import { buildSlackMessage } from '../../src/render/slack-blocks.js';
import { renderText } from '../../src/render/text.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { POLICIES_FIXTURE } from '../sandbox/policies-fixture.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

const BUCKET = 'policies-key-hygiene-reports';

function fixture(): FixtureInput {
  const base = structuredClone(POLICIES_FIXTURE);
  const account = base.accounts[0];
  if (!account) throw new Error('fixture without an account');
  account.buckets = [{ name: BUCKET }];
  return base;
}

const env = useSandbox(fixture);
let deps: AuditDeps;

const audit = (settings: Record<string, string> = {}, users?: string[]) =>
  runAudit(deps, { settings: loadSettings({ REPORT_BUCKET: BUCKET, ...settings }), users });

/** The IAM calls that read one user's own policies: the listing gives them for every user. */
const PER_USER_READS = [
  'GetUser',
  'ListAttachedUserPolicies',
  'ListUserPolicies',
  'GetUserPolicy',
  'ListGroupsForUser',
];
const perUserReads = () => {
  const actions = env.sandbox.state.calls().services.iam?.actions ?? {};
  return PER_USER_READS.reduce((sum, action) => sum + (actions[action]?.total ?? 0), 0);
};
const privilegeOf = (report: AuditReport) =>
  Object.fromEntries(keyFindings(report).map((f) => [f.userName, [f.privilege?.level, f.privilege?.source]]));

const keyFindings = (report: AuditReport) =>
  report.findings.filter((f): f is KeyFinding => f.userName !== null && f.ruleId === 'unused-key');
const byUser = (report: AuditReport, userName: string) =>
  keyFindings(report).find((f) => f.userName === userName);

/** An archived object of the run, as text. */
function archived(report: AuditReport, suffix: string): string {
  const bucket = env.sandbox.state.buckets.get(BUCKET);
  const key = [...(bucket?.objects.keys() ?? [])].find((k) => k.includes(report.runId) && k.endsWith(suffix));
  return key ? (bucket?.objects.get(key)?.body.toString('utf8') ?? '') : '';
}

describe('Severity follows privilege, in an audit and in every report format', () => {
  beforeAll(() => {
    const clients = createClients({ endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 });
    deps = sandboxAuditDeps(env.sandbox, clients);
  });

  it("reads each flagged user's privilege, through groups, managed and inline policies and a boundary", async () => {
    // Act
    const report = await audit();
    // Assess
    const privileges = Object.fromEntries(
      keyFindings(report).map((f) => [f.userName, [f.privilege?.level, f.privilege?.source]]),
    );
    expect(privileges).toMatchObject({
      'root-like': ['admin', 'AdministratorAccess via group Admins'],
      'ci-deployer': ['privilege-escalation', 'deploy-lambda'],
      operator: ['privilege-escalation', 'inline policy rotate-keys via group Ops'],
      'bounded-admin': ['write', 'AdministratorAccess'],
      reader: ['read-only', 'ReadOnlyAccess'],
      nobody: ['none', null],
    });
    expect(report.privilegeWeighting).toBe('on');
  });

  it.each([
    ['live', 'live-api'],
    ['credential-report', 'credential-report'],
  ])(
    "takes the users' own policies from the %s listing, with no IAM call per flagged user",
    async (source, kind) => {
      // Arrange
      const before = perUserReads();
      // Act
      const report = await audit({ INVENTORY_SOURCE: source });
      // Assess
      expect(report.source.kind).toBe(kind);
      expect(privilegeOf(report)).toMatchObject({
        'root-like': ['admin', 'AdministratorAccess via group Admins'],
        operator: ['privilege-escalation', 'inline policy rotate-keys via group Ops'],
        'bounded-admin': ['write', 'AdministratorAccess'],
      });
      expect(perUserReads() - before).toBe(0);
    },
  );

  it('reads the policies of named users one by one, to the same privilege', async () => {
    // Arrange
    const listed = privilegeOf(await audit());
    const before = perUserReads();
    // Act
    const report = await audit({}, Object.keys(listed));
    // Assess
    expect(privilegeOf(report)).toEqual(listed);
    expect(perUserReads() - before).toBeGreaterThan(0);
  });

  it('raises the stale key of an administrator and lowers that of a user who can do nothing, riskiest first', async () => {
    // Act
    const report = await audit();
    // Assess: the same rule, three severities
    const admin = byUser(report, 'root-like');
    const reader = byUser(report, 'reader');
    const nobody = byUser(report, 'nobody');
    expect(reader?.ruleSeverity).toBeUndefined();
    expect(admin?.ruleSeverity).toBe(reader?.severity);
    expect([admin?.severity, reader?.severity, nobody?.severity]).toEqual(['critical', 'high', 'medium']);
    // Within a severity, the riskiest privilege comes first
    const high = keyFindings(report)
      .filter((f) => f.severity === 'critical')
      .map((f) => f.privilege?.level);
    expect(high.slice(0, 1)).toEqual(['admin']);
  });

  it('shows the privilege and where it comes from in the text, HTML, CSV, JSON and Slack reports, and which ranking applied', async () => {
    // Act
    const report = await audit();
    const text = renderText(report).replace(/\s+/g, ' ');
    const slack = JSON.stringify(buildSlackMessage(report));
    const html = archived(report, '.html');
    const csv = archived(report, '.csv');
    const json = JSON.parse(archived(report, '.json')) as AuditReport;
    // Assess
    const admin = 'admin: AdministratorAccess via group Admins';
    expect(text).toContain(`Privilege: ${admin}; severity raised from high.`);
    expect(text).toContain('Privilege weighting on:');
    expect(html).toContain(admin);
    expect(html).toContain('Privilege weighting on:');
    expect(csv.split('\r\n')[0]?.split(',')).toContain('privilege');
    expect(csv).toContain(admin);
    expect(json.findings.find((f) => f.userName === 'root-like')).toMatchObject({
      privilege: { level: 'admin', source: 'AdministratorAccess via group Admins' },
      ruleSeverity: 'high',
    });
    expect(slack).toContain(`_${admin}; severity raised from high_`);
    expect(slack).toContain('Privilege weighting on');
    // HTML and Slack lead with the riskiest key: the administrator's
    expect(html.indexOf(admin)).toBeLessThan(html.indexOf('privilege-escalation: deploy-lambda'));
    expect(slack.indexOf(`_${admin}`)).toBeLessThan(slack.indexOf('_privilege-escalation: deploy-lambda'));
  });

  it('keeps the rules’ severities with privilegeWeighting off, still showing the privilege, and says so', async () => {
    // Act
    const report = await audit({ PRIVILEGE_WEIGHTING: 'off' });
    // Assess
    const admin = byUser(report, 'root-like');
    expect(admin?.severity).toBe('high');
    expect(admin?.privilege?.level).toBe('admin');
    expect(report.privilegeWeighting).toBe('off');
    expect(renderText(report)).toContain("Privilege weighting off: severities are the rules' own");
  });
});
