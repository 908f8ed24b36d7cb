import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { toAsff } from '../../src/export/asff.js';
import type { AuditReport } from '../../src/model.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { buildSlackMessage } from '../../src/render/slack-blocks.js';
import { renderText } from '../../src/render/text.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// The nightly audit and the owners' snoozes, through the real SDK clients on the sandbox: a snooze
// the answer page recorded (user tag + answer record) keeps a stale key until its date; an expired
// one, or a tag no record backs, keeps nothing.

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const KEYS = {
  kept: 'AKIAKEPT000000000001',
  lapsed: 'AKIALAPSED0000000001',
  forged: 'AKIAFORGED0000000001',
  leaked: 'AKIALEAKED0000000001',
};
const NONCES = {
  kept: 'nonce-kept-0000000001',
  lapsed: 'nonce-lapsed-00000001',
  forged: 'nonce-forged-00000001',
  leaked: 'nonce-leaked-00000001',
};

const stale = (id: string) => ({
  id,
  status: 'Active' as const,
  createDate: daysAgo(400),
  lastUsed: { date: daysAgo(120), service: 's3', region: 'us-east-1' },
});

function fixture(): FixtureInput {
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        buckets: [{ name: BUCKET }],
        users: [
          {
            name: 'kept',
            createDate: daysAgo(500),
            tags: {
              owner: 'kept@acme.example',
              'key-hygiene:snoozed': `${KEYS.kept}:2026-11-30:1:${NONCES.kept}`,
            },
            accessKeys: [stale(KEYS.kept)],
          },
          {
            name: 'lapsed',
            createDate: daysAgo(500),
            tags: { 'key-hygiene:snoozed': `${KEYS.lapsed}:2026-11-19:1:${NONCES.lapsed}` },
            accessKeys: [stale(KEYS.lapsed)],
          },
          {
            // Snoozed by its owner, then found in public by AWS: the snooze never holds back an exposed key.
            name: 'leaked',
            createDate: daysAgo(500),
            attachedPolicies: ['AWSCompromisedKeyQuarantineV3'],
            tags: {
              'key-hygiene:snoozed': `${KEYS.leaked}:2026-11-30:1:${NONCES.leaked}`,
              [`key-hygiene:exposed-${KEYS.leaked}`]: '2026-11-19 20261119T100700Z-a1b2c3',
            },
            accessKeys: [stale(KEYS.leaked)],
          },
          {
            name: 'forged',
            createDate: daysAgo(500),
            tags: { 'key-hygiene:snoozed': `${KEYS.forged}:2027-01-01:1:${NONCES.forged}` },
            accessKeys: [stale(KEYS.forged)],
          },
        ],
      },
    ],
  };
}

/** The answer record the page writes for a snooze. */
const record = (userName: string, accessKeyId: string, nonce: string, until: string) => ({
  accountId: ACCOUNT,
  userName,
  accessKeyId,
  nonce,
  who: `${userName}@acme.example`,
  answeredAt: '2026-11-16T09:30:00.000Z',
  choice: 'snooze',
  until,
  reason: 'nightly export; moving to a role by December',
  deadline: '2026-11-18T03:00:00.000Z',
});

const env = useSandbox(fixture);
let deps: AuditDeps;

async function putRecords(): Promise<void> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  const put = (r: ReturnType<typeof record>) =>
    s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `answers/${ACCOUNT}/${r.nonce}.json`,
        Body: JSON.stringify(r),
      }),
    );
  await put(record('kept', KEYS.kept, NONCES.kept, '2026-11-30'));
  await put(record('lapsed', KEYS.lapsed, NONCES.lapsed, '2026-11-19'));
  await put(record('leaked', KEYS.leaked, NONCES.leaked, '2026-11-30'));
  s3.destroy();
}

const audited = async () =>
  auditAccount(deps, {
    // Notices off: here the snooze alone decides (the notice gate has its own night-by-night tests).
    settings: loadSettings({
      MODE: 'enforce',
      INVENTORY_SOURCE: 'live',
      REPORT_BUCKET: BUCKET,
      NOTICES: 'off',
    }),
  });
const enforce = async (): Promise<AuditReport> => (await audited()).report;

const statusOf = async (userName: string) =>
  (await env.iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.[0]?.Status;

describe('Planner: snoozes recorded by the answer page', () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
  });

  it('keeps a snoozed key until its date, saying until when, by whom and why', async () => {
    // Prepare
    await putRecords();
    // Act
    const report = await enforce();
    // Assess
    const action = report.actions.find((a) => a.userName === 'kept');
    expect([action?.status, action?.reason]).toEqual([
      'skipped',
      'snoozed until 2026-11-30 by kept@acme.example (answered 2026-11-16 on the answer page): nightly export; moving to a role by December',
    ]);
    expect(await statusOf('kept')).toBe('Active');
  });

  it('ignores an expired snooze and says so on the finding', async () => {
    // Prepare
    await putRecords();
    // Act
    const report = await enforce();
    // Assess
    expect(report.actions.find((a) => a.userName === 'lapsed')?.status).toBe('applied');
    expect(await statusOf('lapsed')).toBe('Inactive');
    const finding = report.findings.find((f) => f.userName === 'lapsed' && f.ruleId === 'unused-key');
    expect(finding?.message).toContain('Note: its snooze expired on 2026-11-19.');
  });

  it('ignores a snooze tag that no answer record confirms (a tag anyone allowed to tag users can write)', async () => {
    // Prepare
    await putRecords();
    // Act
    const report = await enforce();
    // Assess
    expect(report.actions.find((a) => a.userName === 'forged')?.status).toBe('applied');
    expect(await statusOf('forged')).toBe('Inactive');
    const finding = report.findings.find((f) => f.userName === 'forged' && f.ruleId === 'unused-key');
    expect(finding?.message).toContain(
      'no answer record in the report bucket confirms that, so it is ignored',
    );
  });

  it('leaves a snoozed key alone when its answer record cannot be read, with the error in the report', async () => {
    // Prepare
    await putRecords();
    env.sandbox.faults.add({
      operation: 's3:GetObject',
      params: { Key: `answers/${ACCOUNT}/${NONCES.kept}.json` },
      code: 'ServiceFailure',
    });
    // Act
    const report = await enforce();
    // Assess
    const action = report.actions.find((a) => a.userName === 'kept');
    expect([action?.status, action?.reason?.startsWith('an error occurred reading this key')]).toEqual([
      'skipped',
      true,
    ]);
    expect(await statusOf('kept')).toBe('Active');
    expect(
      report.errors.filter((e) => e.operation === 's3:GetObject').map((e) => [e.userName, e.accessKeyId]),
    ).toEqual([['kept', KEYS.kept]]);
  });

  it('never holds back an exposed key, snoozed or not', async () => {
    // Prepare
    await putRecords();
    // Act
    const report = await enforce();
    // Assess
    expect(report.actions.find((a) => a.userName === 'leaked')).toMatchObject({
      ruleId: 'exposed-key',
      status: 'applied',
    });
    expect(await statusOf('leaked')).toBe('Inactive');
  });

  it('shows "snoozed until" in the JSON, text, CSV, HTML and Slack reports and in Security Hub', async () => {
    // Prepare
    await putRecords();
    // Act
    const { report, users } = await audited();
    // Assess
    const rows = buildKeyRows(users, report);
    const formats = {
      json: JSON.stringify(report),
      text: renderText(report),
      csv: renderCsv(rows),
      html: renderHtml(report, rows),
      slack: JSON.stringify(buildSlackMessage(report)),
      asff: JSON.stringify(
        toAsff({
          report,
          users,
          thresholds: loadSettings({}).rules,
          region: 'us-east-1',
          now: new Date(NOW),
          existing: new Map(),
        }),
      ),
    };
    for (const [format, text] of Object.entries(formats)) {
      expect(text, format).toContain('snoozed until 2026-11-30 by kept@acme.example');
    }
  });
});
