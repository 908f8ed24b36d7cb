import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { type OrganizationReport, organizationReportSchema } from '../../src/org/organization-report.js';
import type { PublishedMessage } from '../../src/sandbox/index.js';
import {
  ANALYTICS,
  LEGACY,
  MANAGEMENT,
  MEMBER_ROLE,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
  PAYMENTS_OU,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => organizationFixture());

async function command(
  argv: string[],
  subcommand: 'audit' | 'org' = 'audit',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([subcommand, ...argv], process.env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** Each key's status in an account, read from the sandbox's state (any account, no credentials). */
function keyStatus(accountId: string, keyId: string): string | undefined {
  const key = env.sandbox.state.findKey(keyId);
  expect(key?.accountId).toBe(accountId);
  return key?.status;
}

const published = (): PublishedMessage[] => env.sandbox.state.published;

function organizationMessage(): { message: PublishedMessage; report: OrganizationReport } {
  const messages = published().filter((m) => m.messageAttributes.scope?.StringValue === 'organization');
  expect(messages).toHaveLength(1);
  const message = messages[0] as PublishedMessage;
  return { message, report: organizationReportSchema.parse(JSON.parse(message.bodies.sqs)) };
}

const byAccount = (report: OrganizationReport, accountId: string) =>
  report.accounts.find((account) => account.accountId === accountId);

describe('Organization audit through the local runner (npm run audit -- --org)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    // The auditor signs as its user in the management account.
    vi.stubEnv('AWS_ACCESS_KEY_ID', ORG_AUDITOR_KEY);
    vi.stubEnv('MODE', '');
    vi.stubEnv('REPORT_TOPIC_ARN', ORG_TOPIC_ARN);
    vi.stubEnv('REPORT_BUCKET', ORG_BUCKET);
    vi.stubEnv('NOTIFY_ACCOUNTS', 'true');
    // Written before notices: enforce acts on the first night (the notice loop: test/notices/).
    vi.stubEnv('NOTICES', 'off');
  });

  it('reports every account in report mode: audited, not covered (missing role) and skipped (suspended)', async () => {
    // Act
    const { code, stdout, stderr } = await command(['--org', '--notify']);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const { report, message } = organizationMessage();
    expect(report).toMatchObject({
      scope: 'organization',
      mode: 'report',
      orchestratorAccountId: MANAGEMENT,
    });
    expect(byAccount(report, MANAGEMENT)).toMatchObject({
      name: 'org-management',
      status: 'audited',
      reason: null,
    });
    expect(byAccount(report, PAYMENTS)).toMatchObject({
      name: 'org-payments',
      status: 'audited',
      keysDeactivated: 0,
    });
    expect(byAccount(report, PAYMENTS)?.summary?.findingsByRule['unused-key']).toBe(2);
    const missingRole = `arn:aws:iam::${ANALYTICS}:role/key-hygiene/${MEMBER_ROLE}`;
    expect(byAccount(report, ANALYTICS)).toMatchObject({
      status: 'failed',
      summary: null,
      reason: expect.stringMatching(
        new RegExp(`^could not assume ${missingRole}: AccessDenied: .*${missingRole}`),
      ),
    });
    expect(byAccount(report, LEGACY)).toMatchObject({
      status: 'skipped',
      reason: 'the account is SUSPENDED in the organization',
    });
    // The blind spot is a critical finding of its own, and the worst account comes first.
    expect(report.findings).toEqual([
      {
        ruleId: 'not-covered',
        severity: 'critical',
        accountId: ANALYTICS,
        message: expect.stringContaining(
          `Account ${ANALYTICS} (org-analytics) is not covered: could not assume ${missingRole}`,
        ),
      },
    ]);
    expect(report.accounts[0]?.accountId).toBe(ANALYTICS);
    expect(report.totals).toMatchObject({
      accounts: 4,
      audited: 2,
      failed: 1,
      skipped: 1,
      keysDeactivated: 0,
    });
    expect(report.totals.findingsBySeverity.critical).toBeGreaterThanOrEqual(1);
    expect(message.subject).toMatch(
      /^key-hygiene organization: 4 accounts: 2 audited, 1 not covered, 1 skipped/,
    );
    expect(stdout).toContain(`${ANALYTICS} org-analytics [failed]`);
    // Nothing changed anywhere.
    expect(keyStatus(MANAGEMENT, 'AKIAMGMTSTALE0000001')).toBe('Active');
    expect(keyStatus(PAYMENTS, 'AKIAPAYSTALE00000001')).toBe('Active');
    // Each audited account's own report, with its accountId attribute, to the organization's topic.
    const accountMessages = published().filter(
      (m) => m.messageAttributes.scope === undefined && m.messageAttributes.team === undefined,
    );
    expect(
      accountMessages.map((m) => [m.topicArn, m.messageAttributes.accountId?.StringValue]).sort(),
    ).toEqual([
      [ORG_TOPIC_ARN, MANAGEMENT],
      [ORG_TOPIC_ARN, PAYMENTS],
    ]);
    expect(byAccount(report, PAYMENTS)?.messageId).toBe(
      accountMessages.find((m) => m.messageAttributes.accountId?.StringValue === PAYMENTS)?.messageId,
    );
  });

  it('reaches members through the member role with session key-hygiene-<runId>, the auditor account with its own key', async () => {
    // Act
    const { code, stderr } = await command(['--org', '--notify']);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const { report } = organizationMessage();
    const sessions = [...env.sandbox.state.sessions.values()];
    expect(sessions.map((s) => [s.accountId, s.roleName, s.sessionName])).toEqual([
      [PAYMENTS, MEMBER_ROLE, `key-hygiene-${report.runId}`],
    ]);
  });

  it('archives each account report and the organization report (JSON and HTML) in the bucket', async () => {
    // Act
    const { code, stderr } = await command(['--org']);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const s3 = new S3Client({ region: 'us-east-1', endpoint: env.sandbox.url, forcePathStyle: true });
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: ORG_BUCKET }));
    const keys = Contents.map((object) => object.Key ?? '');
    for (const prefix of [`reports/${MANAGEMENT}/`, `reports/${PAYMENTS}/`]) {
      expect(keys.some((key) => key.startsWith(prefix) && key.endsWith('.json'))).toBe(true);
    }
    const organizationJson = keys.find(
      (key) => key.startsWith('reports/organization/') && key.endsWith('.json'),
    );
    expect(keys.some((key) => key.startsWith('reports/organization/') && key.endsWith('.html'))).toBe(true);
    const object = await s3.send(new GetObjectCommand({ Bucket: ORG_BUCKET, Key: organizationJson }));
    const archived = organizationReportSchema.parse(
      JSON.parse((await object.Body?.transformToString()) ?? ''),
    );
    expect(archived.archive?.html?.s3Uri).toMatch(/^s3:\/\/org-key-hygiene-reports\/reports\/organization\//);
    expect(byAccount(archived, PAYMENTS)?.archive?.json?.s3Uri).toMatch(new RegExp(`/reports/${PAYMENTS}/`));
    // No message without --notify.
    expect(published()).toHaveLength(0);
  });

  it('deactivates stale keys in each covered account in enforce mode, and nothing elsewhere', async () => {
    // Act
    const { code, stderr } = await command(['--org', '--mode', 'enforce', '--yes', '--notify']);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    expect(keyStatus(MANAGEMENT, 'AKIAMGMTSTALE0000001')).toBe('Inactive');
    expect(keyStatus(MANAGEMENT, ORG_AUDITOR_KEY)).toBe('Active');
    expect(keyStatus(PAYMENTS, 'AKIAPAYSTALE00000001')).toBe('Inactive');
    expect(keyStatus(PAYMENTS, 'AKIAPAYUNUSED0000001')).toBe('Inactive');
    expect(keyStatus(PAYMENTS, 'AKIAPAYHEALTHY000001')).toBe('Active');
    // The account without the role and the suspended one are untouched.
    expect(keyStatus(ANALYTICS, 'AKIAANASTALE00000001')).toBe('Active');
    expect(keyStatus(LEGACY, 'AKIALEGACYSTALE00001')).toBe('Active');
    const { report } = organizationMessage();
    expect(report.mode).toBe('enforce');
    expect(byAccount(report, MANAGEMENT)?.keysDeactivated).toBe(1);
    expect(byAccount(report, PAYMENTS)?.keysDeactivated).toBe(2);
    expect(report.totals.keysDeactivated).toBe(3);
    expect(report.cap).toEqual({ limit: 100, keysDeactivated: 3, reached: false });
    const paymentsMessage = published().find(
      (m) =>
        m.messageAttributes.accountId?.StringValue === PAYMENTS && m.messageAttributes.scope === undefined,
    );
    expect(paymentsMessage?.messageAttributes.actionsApplied?.StringValue).toBe('2');
  });

  it('stops enforcing once the organization cap is used up: the rest only reports, with a critical finding', async () => {
    // Prepare: one account at a time, so the order is known (the management account first).
    vi.stubEnv('MAX_ACTIONS_PER_ORGANIZATION_RUN', '1');
    // Act
    const { code, stderr } = await command([
      '--org',
      '--mode',
      'enforce',
      '--yes',
      '--concurrency',
      '1',
      '--notify',
    ]);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    expect(keyStatus(MANAGEMENT, 'AKIAMGMTSTALE0000001')).toBe('Inactive');
    expect(keyStatus(PAYMENTS, 'AKIAPAYSTALE00000001')).toBe('Active');
    expect(keyStatus(PAYMENTS, 'AKIAPAYUNUSED0000001')).toBe('Active');
    const { report } = organizationMessage();
    expect(report.cap).toEqual({ limit: 1, keysDeactivated: 1, reached: true });
    expect(byAccount(report, PAYMENTS)).toMatchObject({
      status: 'audited',
      mode: 'report',
      reason: 'organization cap of 1 deactivations reached: audited in report mode',
    });
    expect(report.findings.find((f) => f.ruleId === 'organization-cap')).toMatchObject({
      severity: 'critical',
      message: expect.stringContaining(PAYMENTS),
    });
  });

  it('holds the organization cap across accounts audited at once', async () => {
    // Prepare: 3 stale keys in two accounts, a cap of 2, every account at once.
    // Which account gets the budget first is a race; the cap holds whichever wins.
    vi.stubEnv('MAX_ACTIONS_PER_ORGANIZATION_RUN', '2');
    // Act
    const { code, stderr } = await command([
      '--org',
      '--mode',
      'enforce',
      '--yes',
      '--concurrency',
      '4',
      '--notify',
    ]);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const inactive = [
      keyStatus(MANAGEMENT, 'AKIAMGMTSTALE0000001'),
      keyStatus(PAYMENTS, 'AKIAPAYSTALE00000001'),
      keyStatus(PAYMENTS, 'AKIAPAYUNUSED0000001'),
    ].filter((status) => status === 'Inactive').length;
    expect(inactive).toBeGreaterThan(0);
    expect(inactive).toBeLessThanOrEqual(2);
    const { report } = organizationMessage();
    expect(report.cap).toEqual({ limit: 2, keysDeactivated: inactive, reached: true });
    expect(report.totals.keysDeactivated).toBe(inactive);
  });

  it('keeps every other account when one account’s audit throws', async () => {
    // Prepare: the third GetCallerIdentity (run start, management audit, then the payments audit) is refused.
    env.sandbox.faults.add({ operation: 'sts:GetCallerIdentity', code: 'AccessDenied', after: 2, times: 1 });
    // Act
    const { code, stderr } = await command([
      '--org',
      '--mode',
      'enforce',
      '--yes',
      '--concurrency',
      '1',
      '--notify',
    ]);
    // Assess
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const { report } = organizationMessage();
    expect(byAccount(report, PAYMENTS)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^the audit failed: AccessDenied/),
    });
    expect(byAccount(report, MANAGEMENT)).toMatchObject({ status: 'audited', keysDeactivated: 1 });
    expect(report.findings.map((f) => [f.ruleId, f.accountId]).sort()).toEqual([
      ['not-covered', PAYMENTS],
      ['not-covered', ANALYTICS],
    ]);
    expect(keyStatus(PAYMENTS, 'AKIAPAYSTALE00000001')).toBe('Active');
  });

  it('audits exactly the accounts setting, minus excludeAccounts, without calling Organizations', async () => {
    // Prepare
    vi.stubEnv('ACCOUNTS', `${MANAGEMENT},${PAYMENTS},${ANALYTICS}`);
    vi.stubEnv('EXCLUDE_ACCOUNTS', ANALYTICS);
    // Act
    const { code, stderr } = await command(['--org', '--notify']);
    // Assess
    expect(code, stderr).toBe(0);
    const { report } = organizationMessage();
    expect(report.accounts.map((a) => [a.accountId, a.status]).sort()).toEqual([
      [MANAGEMENT, 'audited'],
      [PAYMENTS, 'audited'],
    ]);
    expect(env.sandbox.state.calls().services.organizations).toBeUndefined();
  });

  it('lists only includeAccounts from Organizations', async () => {
    // Prepare
    vi.stubEnv('INCLUDE_ACCOUNTS', `${PAYMENTS},${LEGACY}`);
    // Act
    const { code, stderr } = await command(['--org', '--notify']);
    // Assess
    expect(code, stderr).toBe(0);
    const { report } = organizationMessage();
    expect(report.accounts.map((a) => [a.accountId, a.name, a.status]).sort()).toEqual([
      [PAYMENTS, 'org-payments', 'audited'],
      [LEGACY, 'org-legacy', 'skipped'],
    ]);
    expect(env.sandbox.state.calls().services.organizations?.total).toBe(1);
  });

  it('audits only the accounts of organizationUnitIds', async () => {
    // Prepare
    vi.stubEnv('ORGANIZATION_UNIT_IDS', PAYMENTS_OU);
    // Act
    const { code, stderr } = await command(['--org', '--notify']);
    // Assess
    expect(code, stderr).toBe(0);
    const { report } = organizationMessage();
    expect(report.accounts.map((a) => [a.accountId, a.status])).toEqual([[PAYMENTS, 'audited']]);
  });

  it('sends each audited account’s findings to that account’s own Security Hub, through its member role', async () => {
    // Prepare
    vi.stubEnv('SECURITY_HUB', 'on');
    // Act
    const { code, stderr } = await command(['--org']);
    // Assess: Security Hub takes a finding only from the account it is about.
    expect(code, stderr).toBe(3); // incomplete: ANALYTICS is not covered
    const payments = env.sandbox.state.securityHub.findings(PAYMENTS);
    expect(payments.length).toBeGreaterThan(0);
    for (const finding of payments) expect(finding.AwsAccountId).toBe(PAYMENTS);
    expect(
      env.sandbox.state.securityHub.findings(MANAGEMENT).every((f) => f.AwsAccountId === MANAGEMENT),
    ).toBe(true);
    expect(stderr).not.toMatch(/Security Hub/);
  });

  it('prints its usage with examples on org --help, and refuses a single-account flag with --org, naming it', async () => {
    // Act
    const help = await command(['--help'], 'org');
    const singleAccount = await command(['--org', '--users', 'alice']);
    // Assess
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: key-hygiene org \[options\]/);
    expect(help.stdout).toContain('key-hygiene org --mode enforce --yes');
    expect(singleAccount.code).toBe(1);
    expect(singleAccount.stderr).toMatch(/--users/);
    expect(env.sandbox.state.calls().total).toBe(0);
  });

  it('refuses bad options and settings with exit code 1, naming the field, before any AWS call', async () => {
    // Prepare
    const cases: Array<[Record<string, string>, string[], RegExp]> = [
      [
        { INCLUDE_ACCOUNTS: '20000000000x' },
        [],
        /Invalid setting INCLUDE_ACCOUNTS \(includeAccounts\): expected an AWS account id: 12 digits, got "20000000000x"/,
      ],
      [
        { ORGANIZATION_ROLE_ARN: 'OrgReader' },
        [],
        /Invalid setting ORGANIZATION_ROLE_ARN \(organizationRoleArn\): expected an IAM role ARN/,
      ],
      [
        { ORGANIZATION_UNIT_IDS: 'payments' },
        [],
        /ORGANIZATION_UNIT_IDS \(organizationUnitIds\): expected an organizational unit id/,
      ],
      [{}, ['--concurrency', '0'], /Invalid option --concurrency: expected an integer from 1 to 1000/],
      [{}, ['--member-role', 'no/slash'], /Invalid option --member-role: expected an IAM role name/],
      [{}, ['--mode', 'enforse'], /Invalid option --mode: expected "report" or "enforce"/],
    ];
    for (const [variables, flags, error] of cases) {
      vi.unstubAllEnvs();
      vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
      vi.stubEnv('MODE', '');
      for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
      // Act
      const { code, stderr } = await command(['--org', ...flags]);
      // Assess
      expect(code, String(error)).toBe(1);
      expect(stderr).toMatch(error);
    }
    expect(env.sandbox.state.calls().total).toBe(0);
  });
});
