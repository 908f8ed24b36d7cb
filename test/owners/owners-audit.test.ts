import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { type AuditReport, type KeyFinding, reportSchema } from '../../src/model.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { buildSlackMessage } from '../../src/render/slack-blocks.js';
import { renderText } from '../../src/render/text.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// Owner resolution through the real SDK clients on the sandbox: IAM tags, the team directory in
// SSM or S3, CloudTrail's CreateAccessKey events, and the security team when none of them answers.

const NOW = '2026-11-20T00:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-directory';
const PARAMETER = '/key-hygiene/owners/teams';
const SSO_ROLE = 'AWSReservedSSO_Developer_0123456789abcdef';
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

const DIRECTORY = JSON.stringify({
  payments: { emails: ['payments-oncall@example.com'], slackWebhookParameter: '/key-hygiene/slack/payments' },
});

/** A stale key (unused-key) created `created` days ago, or a never-used one when `used` is null. */
const key = (id: string, created: number, used: number | null = 200) => ({
  id,
  status: 'Active' as const,
  createDate: daysAgo(created),
  lastUsed: used === null ? null : { date: daysAgo(used), service: 's3', region: 'us-east-1' },
});

/** The CloudTrail record of CreateAccessKey for `userName`'s key `keyId`, by `caller`. */
const created = (
  userName: string,
  keyId: string,
  days: number,
  caller: { userName: string } | { assumedRole: { roleName: string; sessionName: string } },
) => ({
  eventTime: daysAgo(days),
  eventName: 'CreateAccessKey',
  eventSource: 'iam.amazonaws.com',
  accessKeyId: 'ASIACALLER0000000001',
  ...caller,
  sourceIPAddress: '198.51.100.7',
  requestParameters: { userName },
  responseElements: { accessKey: { userName, accessKeyId: keyId, status: 'Active', createDate: 'n/a' } },
});

function fixture(): FixtureInput {
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        alias: 'owners-test',
        buckets: [{ name: BUCKET }],
        parameters: [{ name: PARAMETER, type: 'String', value: DIRECTORY }],
        users: [
          {
            name: 'tina',
            createDate: daysAgo(500),
            tags: { owner: 'tina@example.com' },
            accessKeys: [key('AKIATINA000000000001', 300)],
          },
          {
            name: 'carl',
            createDate: daysAgo(500),
            tags: { owner: 'Platform people', contact: 'carl@example.com', team: 'payments' },
            accessKeys: [key('AKIACARL000000000001', 300)],
          },
          {
            name: 'pat',
            createDate: daysAgo(500),
            tags: { team: 'payments', email: 'pat at example' },
            accessKeys: [key('AKIAPAT0000000000001', 300)],
          },
          {
            name: 'sam',
            createDate: daysAgo(500),
            tags: { team: 'mobile' },
            accessKeys: [key('AKIASAM0000000000001', 10, null)],
          },
          {
            name: 'una',
            createDate: daysAgo(500),
            accessKeys: [key('AKIAUNA0000000000001', 20, null)],
          },
          {
            name: 'svc-build',
            createDate: daysAgo(500),
            tags: { team: 'ci' },
            accessKeys: [key('AKIABUILD00000000001', 15, null)],
          },
          // Created inside CloudTrail's 90 days, by a call CloudTrail does not hold (another region).
          {
            name: 'ghost',
            createDate: daysAgo(500),
            tags: { team: 'ci' },
            accessKeys: [key('AKIAGHOST00000000001', 25, null)],
          },
          {
            name: 'nobody',
            createDate: daysAgo(500),
            accessKeys: [key('AKIANOBODY0000000001', 400)],
          },
        ],
        cloudTrailEvents: [
          // Newer keys of other users: more than one page (50 events) before the flagged keys' events.
          ...Array.from({ length: 60 }, (_, i) =>
            created(`temp-${i}`, `AKIATEMP${String(i).padStart(12, '0')}`, 1 + i / 100, { userName: 'tina' }),
          ),
          // Older ones after them: a page the run need not read once every flagged key is found.
          ...Array.from({ length: 60 }, (_, i) =>
            created(`old-${i}`, `AKIAOLD${String(i).padStart(13, '0')}`, 30 + i, { userName: 'tina' }),
          ),
          created('sam', 'AKIASAM0000000000001', 10, {
            assumedRole: { roleName: SSO_ROLE, sessionName: 'sam@example.com' },
          }),
          created('una', 'AKIAUNA0000000000001', 20, { userName: 'tina' }),
          created('svc-build', 'AKIABUILD00000000001', 15, {
            assumedRole: { roleName: 'terraform', sessionName: 'terraform-ci' },
          }),
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let deps: AuditDeps;

const audit = async (settings: Record<string, string> = {}) =>
  auditAccount(deps, {
    settings: loadSettings({
      INVENTORY_SOURCE: 'live',
      TEAM_DIRECTORY: `ssm:${PARAMETER}`,
      REPORT_BUCKET: BUCKET,
      ...settings,
    }),
  });

/** Each flagged key's owner, by user: [emails, how found, unowned, created by]. */
function owners(report: AuditReport): Record<string, unknown[]> {
  const keyFindings = report.findings.filter((f): f is KeyFinding => f.userName !== null);
  return Object.fromEntries(
    keyFindings.map((f) => [
      f.userName,
      [f.owner?.emails, f.owner?.source, f.owner?.unowned, f.owner?.createdBy],
    ]),
  );
}

const calls = (service: string, action: string) =>
  env.sandbox.state.calls().services[service]?.actions[action]?.total ?? 0;

async function putDirectory(key: string, body: string): Promise<void> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

describe('Owner resolution: who answers for each flagged key, and how that was found', () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
  });

  it('tries the owner tags, the team directory, the CreateAccessKey caller, then the security team', async () => {
    // Act
    const { report } = await audit();

    // Assess
    expect(owners(report)).toEqual({
      tina: [['tina@example.com'], 'tag:owner', false, null],
      carl: [['carl@example.com'], 'tag:contact', false, null],
      pat: [['payments-oncall@example.com'], 'team-directory:payments', false, null],
      sam: [
        ['sam@example.com'],
        'cloudtrail:CreateAccessKey',
        false,
        `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/sam@example.com`,
      ],
      una: [['tina@example.com'], 'cloudtrail:CreateAccessKey', false, `arn:aws:iam::${ACCOUNT}:user/tina`],
      'svc-build': [[], 'security-team', true, `arn:aws:sts::${ACCOUNT}:assumed-role/terraform/terraform-ci`],
      ghost: [[], 'security-team', true, null],
      nobody: [[], 'security-team', true, null],
    });
  });

  it('reports an owner tag that is not an email address, naming the user, the tag and the value', async () => {
    // Act
    const { report } = await audit();

    // Assess
    const tagErrors = report.errors.filter((e) => e.code === 'OwnerTagNotEmail');
    expect(tagErrors.map((e) => [e.userName, e.operation])).toEqual([
      ['carl', 'owner-tag'],
      ['pat', 'owner-tag'],
    ]);
    expect(tagErrors[0]?.message).toContain('"owner" tag of user carl is "Platform people"');
    expect(tagErrors[1]?.message).toContain('"email" tag of user pat is "pat at example"');
    expect(report.complete).toBe(true);
  });

  it('reads the directory from an S3 object as well', async () => {
    // Prepare
    await putDirectory('owners/teams.json', JSON.stringify({ payments: { emails: ['pay@example.com'] } }));

    // Act
    const { report } = await audit({ TEAM_DIRECTORY: `s3://${BUCKET}/owners/teams.json` });

    // Assess
    expect(owners(report).pat).toEqual([['pay@example.com'], 'team-directory:payments', false, null]);
    expect(report.errors.filter((e) => e.operation === 's3:GetObject')).toEqual([]);
  });

  it('reads the directory once and CloudTrail only as far as needed, and neither when the tags answer', async () => {
    // Act
    await audit();
    const directoryReads = calls('ssm', 'GetParameter');
    const trailPages = calls('cloudtrail', 'LookupEvents');
    await fetch(`${env.sandbox.url}/_sandbox/reset`, { method: 'POST' });
    await auditAccount(deps, {
      settings: loadSettings({ INVENTORY_SOURCE: 'live', TEAM_DIRECTORY: `ssm:${PARAMETER}` }),
      users: ['tina'],
    });

    // Assess
    expect([directoryReads, trailPages]).toEqual([1, 2]);
    expect([calls('ssm', 'GetParameter'), calls('cloudtrail', 'LookupEvents')]).toEqual([0, 0]);
  });

  it('reads no CloudTrail with ownerTrailPages 0: the keys it would have owned are unowned', async () => {
    // Act
    const { report } = await audit({ OWNER_TRAIL_PAGES: '0' });

    // Assess
    expect(calls('cloudtrail', 'LookupEvents')).toBe(0);
    expect(owners(report).sam).toEqual([[], 'security-team', true, null]);
  });

  it('reads at most ownerTrailPages pages of CloudTrail: a creator further back is not found', async () => {
    // Act
    const { report } = await audit({ OWNER_TRAIL_PAGES: '1' });

    // Assess
    expect(calls('cloudtrail', 'LookupEvents')).toBe(1);
    expect(owners(report).sam).toEqual([[], 'security-team', true, null]);
  });

  it('a directory the role may not read is an error naming it, and the run completes with its keys falling through', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'ssm:GetParameter', code: 'AccessDenied' });

    // Act
    const { report } = await audit();

    // Assess
    const error = report.errors.find((e) => e.operation === 'ssm:GetParameter');
    expect(error?.code).toBe('AccessDeniedException');
    expect(error?.message).toContain(`The team directory ssm:${PARAMETER} could not be read`);
    expect(report.complete).toBe(true);
    expect(owners(report).pat).toEqual([[], 'security-team', true, null]);
    expect(owners(report).tina?.[1]).toBe('tag:owner');
  });

  it('a directory that is not JSON, or not the format, is an error naming it and what is wrong', async () => {
    // Prepare
    await putDirectory('owners/broken.json', '{ "payments": ');
    await putDirectory('owners/wrong.json', JSON.stringify({ payments: { emails: ['payments team'] } }));

    // Act
    const broken = (await audit({ TEAM_DIRECTORY: `s3://${BUCKET}/owners/broken.json` })).report;
    const wrong = (await audit({ TEAM_DIRECTORY: `s3://${BUCKET}/owners/wrong.json` })).report;

    // Assess
    for (const report of [broken, wrong]) {
      expect(report.complete).toBe(true);
      expect(owners(report).pat).toEqual([[], 'security-team', true, null]);
    }
    expect(broken.errors.find((e) => e.code === 'InvalidTeamDirectory')?.message).toContain(
      `The team directory s3://${BUCKET}/owners/broken.json is not JSON`,
    );
    expect(wrong.errors.find((e) => e.code === 'InvalidTeamDirectory')?.message).toContain(
      '"payments.emails.0": "payments team" is not an email address',
    );
  });

  it('a CloudTrail that cannot be read is an error, and the keys it would have owned are unowned', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'cloudtrail:LookupEvents', code: 'AccessDenied' });

    // Act
    const { report } = await audit();

    // Assess
    expect(report.errors.find((e) => e.operation === 'cloudtrail:LookupEvents')?.code).toBe(
      'AccessDeniedException',
    );
    expect(owners(report).sam).toEqual([[], 'security-team', true, null]);
  });

  it('shows each key’s owner in every format, and lists the unowned keys', async () => {
    // Act
    const { report, users } = await audit();
    const rows = buildKeyRows(users, report);
    const text = renderText(report);
    const html = renderHtml(report, rows);
    const csv = renderCsv(rows).split('\r\n');
    const slack = JSON.stringify(buildSlackMessage(report));
    const json = reportSchema.parse(JSON.parse(JSON.stringify(report)));

    // Assess
    expect(text).toContain('Owner: payments-oncall@example.com (team-directory:payments).');
    expect(text).toContain(
      [
        'UNOWNED KEYS (3)',
        '- nobody, AKIANOBODY0000000001',
        '- ghost, AKIAGHOST00000000001',
        '- svc-build, AKIABUILD00000000001',
        '  Created by arn:aws:sts::111111111111:assumed-role/terraform/terraform-ci.',
      ].join('\n'),
    );
    expect(html).toContain('<h2 id="unowned-title">Unowned keys (3)</h2>');
    expect(html).toContain('sam@example.com<span class="note">cloudtrail:CreateAccessKey</span>');
    expect(csv[0]?.endsWith(',owner,owner_source,unowned')).toBe(true);
    expect(
      csv.find((line) => line.startsWith('nobody,'))?.endsWith(',the security team,security-team,true'),
    ).toBe(true);
    expect(csv.find((line) => line.startsWith('tina,'))?.endsWith(',tina@example.com,tag:owner,false')).toBe(
      true,
    );
    expect(slack).toContain('owner carl@example.com (tag:contact)');
    expect(slack).toContain('Unowned keys (the security team answers for them) (3)');
    expect(json.findings.find((f) => f.userName === 'una')).toMatchObject({
      owner: { emails: ['tina@example.com'], source: 'cloudtrail:CreateAccessKey', unowned: false },
    });
  });

  it('sends the owner to Security Hub in ProductFields, leaving Note to the customer', async () => {
    // Act
    await audit({ SECURITY_HUB: 'on' });

    // Assess
    const findings = env.sandbox.state.securityHub.findings(ACCOUNT) as unknown as AwsSecurityFinding[];
    const ofUser = (name: string) =>
      findings.find((f) => f.Resources?.some((r) => r.Id === `arn:aws:iam::${ACCOUNT}:user/${name}`));
    const nobody = ofUser('nobody');
    const carl = ofUser('carl');
    expect(nobody?.ProductFields).toMatchObject({
      'key-hygiene/Owner': 'the security team',
      'key-hygiene/OwnerSource': 'security-team',
      'key-hygiene/Unowned': 'true',
    });
    expect(carl?.ProductFields).toMatchObject({
      'key-hygiene/Owner': 'carl@example.com',
      'key-hygiene/OwnerSource': 'tag:contact',
    });
    expect(findings.every((f) => f.Note === undefined)).toBe(true);
  });
});
