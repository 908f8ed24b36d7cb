import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, KeyFinding } from '../../src/model.js';
import type { NoticeRecord } from '../../src/notices/notice-record.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderText } from '../../src/render/text.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { keyStatuses, sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// The owner loop through the real SDK clients on the sandbox, night after night on the sandbox
// clock: a notice with a deadline, a final reminder the day before, deactivation and the action
// notice at the deadline, each stage once, and never a deactivation without a notice that was sent.

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const SENDER = 'notices@example.com';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
const DAY = 86_400_000;
const ERIN = 'AKIAERIN000000000001';
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();

const KEYS = {
  alice: 'AKIAALICE00000000001',
  bob: 'AKIABOB0000000000001',
  carol: 'AKIACAROL00000000001',
  dave: 'AKIADAVE000000000001',
} as const;

const stale = (id: string, unusedDays: number) => ({
  id,
  status: 'Active' as const,
  createDate: daysAgo(400),
  lastUsed: { date: daysAgo(unusedDays), service: 's3', region: 'us-east-1' },
});

function fixture(): FixtureInput {
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        alias: 'notices-test',
        buckets: [{ name: BUCKET }],
        topics: [{ name: 'key-hygiene-reports' }],
        ses: { identities: [SENDER] },
        users: [
          {
            name: 'alice',
            createDate: daysAgo(500),
            tags: { owner: 'alice@example.com' },
            accessKeys: [stale(KEYS.alice, 100)],
          },
          {
            name: 'bob',
            createDate: daysAgo(500),
            tags: { owner: 'bob@example.com' },
            accessKeys: [stale(KEYS.bob, 100)],
          },
          // No owner: the security team gets the notice on the report topic.
          { name: 'carol', createDate: daysAgo(500), accessKeys: [stale(KEYS.carol, 100)] },
          // In the warning window (76 days): noticed now, deadline the day it reaches 90.
          {
            name: 'dave',
            createDate: daysAgo(500),
            tags: { owner: 'dave@example.com' },
            accessKeys: [stale(KEYS.dave, 80)],
          },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let deps: AuditDeps;
let s3: S3Client;

const run = (settings: Record<string, string> = {}) =>
  auditAccount(deps, {
    settings: loadSettings({
      MODE: 'enforce',
      INVENTORY_SOURCE: 'live',
      REPORT_BUCKET: BUCKET,
      REPORT_TOPIC_ARN: TOPIC,
      NOTICE_SENDER: SENDER,
      OWNER_TRAIL_PAGES: '0',
      ...settings,
    }),
  });

const audit = async (settings: Record<string, string> = {}): Promise<AuditReport> =>
  (await run(settings)).report;

/** Moves the sandbox clock to `days` after the first night. */
async function night(days: number): Promise<void> {
  const now = new Date(Date.parse(NOW) + days * DAY).toISOString();
  await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now }) });
}

interface Email {
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
}
const emails = async (): Promise<Email[]> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }).emails;

/** What each owner was emailed, as "address: first line of each key block". */
async function stagesEmailed(): Promise<string[]> {
  return (await emails()).flatMap((e) =>
    (e.text ?? '')
      .split('\n\n')
      .filter((block) => block.includes('Key: '))
      .map((block) => `${e.to.join(',')}: ${block.split('\n')[0]} ${/Key: (\S+)/.exec(block)?.[1]}`),
  );
}

const noticesOnTopic = () =>
  env.sandbox.state.published.filter((m) => m.messageAttributes.kind?.StringValue === 'owner-notice');

async function record(accessKeyId: string): Promise<NoticeRecord> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `notices/${ACCOUNT}/${accessKeyId}.json` }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '');
}

const actionOf = (report: AuditReport, accessKeyId: string) =>
  report.actions.find((a) => a.accessKeyId === accessKeyId);
const noticeOf = (report: AuditReport, accessKeyId: string) =>
  report.findings.find(
    (f): f is KeyFinding => f.userName !== null && f.accessKeyId === accessKeyId && f.ruleId === 'unused-key',
  )?.notice;

async function useKey(accessKeyId: string): Promise<void> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    credentials: { accessKeyId, secretAccessKey: 'dummy-secret-for-the-sandbox' },
    maxAttempts: 1,
  });
  await sts.send(new GetCallerIdentityCommand({}));
}

describe('Notices: no deactivation without a notice sent to the owner', () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
    s3 = new S3Client({ ...options, forcePathStyle: true });
  });

  it('notices on the first night and deactivates nothing, reminds the day before, then acts at the deadline and says so', async () => {
    // Act: night 1
    const first = await audit();

    // Assess: nothing deactivated, each owner told once, the security team on the topic
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(await keyStatuses(env.iam, 'bob')).toEqual({ [KEYS.bob]: 'Active' });
    expect(actionOf(first, KEYS.alice)).toMatchObject({
      status: 'skipped',
      reason:
        "owner notified 2026-11-20 (tonight's notice); deadline 2026-11-27: not deactivated before then",
    });
    expect((await stagesEmailed()).sort()).toEqual([
      `alice@example.com: Will be deactivated unless used: ${KEYS.alice}`,
      `bob@example.com: Will be deactivated unless used: ${KEYS.bob}`,
      `dave@example.com: Will be deactivated unless used: ${KEYS.dave}`,
    ]);
    expect(noticesOnTopic()).toHaveLength(1);
    expect(noticeOf(first, KEYS.alice)).toEqual({
      sentAt: '2026-11-20T03:00:00.000Z',
      deadline: '2026-11-27',
      tonight: 'notice',
      channel: 'email',
    });
    // dave reaches 90 unused days on 2026-11-30, later than a week from now
    expect(noticeOf(first, KEYS.dave)?.deadline).toBe('2026-11-30');
    expect(first.notices).toMatchObject({ ownersEmailed: true, messagesSent: 4, stagesSent: 4 });

    // Act: nights 2 to 6 send nothing new; night 7 (the day before the deadline) the final reminder
    for (const day of [1, 2, 3, 4, 5]) {
      await night(day);
      await audit();
    }
    expect(await emails()).toHaveLength(3);
    await night(6);
    const seventh = await audit();

    // Assess
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(actionOf(seventh, KEYS.alice)?.reason).toBe(
      'owner notified 2026-11-20; deadline 2026-11-27: not deactivated before then',
    );
    expect((await stagesEmailed()).slice(3).sort()).toEqual([
      `alice@example.com: Final reminder: deactivated tomorrow unless used: ${KEYS.alice}`,
      `bob@example.com: Final reminder: deactivated tomorrow unless used: ${KEYS.bob}`,
    ]);

    // Act: night 8, the deadline
    await night(7);
    const eighth = await audit();

    // Assess: deactivated, the action notice sent with the way back; dave still waits for his day
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'carol')).toEqual({ [KEYS.carol]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'dave')).toEqual({ [KEYS.dave]: 'Active' });
    expect(actionOf(eighth, KEYS.alice)?.status).toBe('applied');
    const action = (await emails()).filter((e) => e.to.includes('alice@example.com')).at(-1);
    expect(action?.text).toContain(`Deactivated:\n  Key: ${KEYS.alice}`);
    expect(action?.text).toContain(`key-hygiene undo ${eighth.runId}`);
    expect((await record(KEYS.alice)).current.closed?.reason).toBe('acted-on');

    // Act: night 9 sends nothing more for the deactivated keys
    const before = (await emails()).length;
    await night(8);
    await audit();
    expect((await emails()).slice(before).map((e) => e.to.join())).not.toContain('alice@example.com');
  });

  it('notices every stale key of the credential report, more of them than maxActionsPerRun, and deactivates none', async () => {
    // Act: the default inventory of a whole-account audit names keys by slot only; one action a run
    const report = await audit({ INVENTORY_SOURCE: 'credential-report', MAX_ACTIONS_PER_RUN: '1' });

    // Assess: each unused key got its notice, named by its id, though only one could be acted on
    expect((await stagesEmailed()).sort()).toEqual([
      `alice@example.com: Will be deactivated unless used: ${KEYS.alice}`,
      `bob@example.com: Will be deactivated unless used: ${KEYS.bob}`,
      `dave@example.com: Will be deactivated unless used: ${KEYS.dave}`,
    ]);
    expect(noticesOnTopic()).toHaveLength(1);
    expect(noticeOf(report, KEYS.carol)?.deadline).toBe('2026-11-27');
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(await keyStatuses(env.iam, 'carol')).toEqual({ [KEYS.carol]: 'Active' });
  });

  it('keeps a key used after its notice, and asks for a fresh notice before it may go when it is idle again', async () => {
    // Prepare: night 1's notice, then bob uses his key on day 3
    await audit();
    await night(2);
    await useKey(KEYS.bob);

    // Act: the deadline passes
    await night(7);
    const atDeadline = await audit();

    // Assess: kept
    expect(await keyStatuses(env.iam, 'bob')).toEqual({ [KEYS.bob]: 'Active' });
    expect(actionOf(atDeadline, KEYS.bob)).toBeUndefined();

    // Act: bob's key idle past its threshold again; the old notice (sent before the use) no longer counts
    await night(2 + 95);
    const later = await audit();

    // Assess
    expect(await keyStatuses(env.iam, 'bob')).toEqual({ [KEYS.bob]: 'Active' });
    expect(actionOf(later, KEYS.bob)?.status).toBe('skipped');
    const bob = await record(KEYS.bob);
    expect(bob.earlier.map((c) => c.closed?.reason)).toEqual(['used-after-notice']);
    expect(bob.current.stages.notice?.state).toBe('sent');
    expect(bob.current.deadline).toBe('2027-03-04');
  });

  it('sends each stage once when two runs overlap', async () => {
    // Prepare: latency, so the two runs interleave
    env.sandbox.faults.configure({ latencyMs: 5 });
    try {
      // Act: night 1, twice at once
      await Promise.all([audit(), audit()]);
      const afterFirst = await stagesEmailed();

      // Act: the deadline, twice at once
      await night(7);
      const [one, two] = await Promise.all([audit(), audit()]);

      // Assess
      expect(afterFirst.sort()).toEqual([
        `alice@example.com: Will be deactivated unless used: ${KEYS.alice}`,
        `bob@example.com: Will be deactivated unless used: ${KEYS.bob}`,
        `dave@example.com: Will be deactivated unless used: ${KEYS.dave}`,
      ]);
      const actionNotices = (await stagesEmailed()).filter((line) => line.includes('Deactivated:'));
      expect(actionNotices.sort()).toEqual([
        `alice@example.com: Deactivated: ${KEYS.alice}`,
        `bob@example.com: Deactivated: ${KEYS.bob}`,
      ]);
      expect(noticesOnTopic()).toHaveLength(2);
      expect([one, two].some((r) => actionOf(r, KEYS.alice)?.status === 'applied')).toBe(true);
    } finally {
      env.sandbox.faults.configure({ latencyMs: 0 });
    }
  });

  it('does not count a notice whose send failed: no deactivation at its deadline, sent again the next night', async () => {
    // Prepare: SES refuses every message of night 1
    env.sandbox.faults.add({
      operation: 'ses:SendEmail',
      code: 'ServiceFailure',
      until: '2026-11-20T12:00:00Z',
    });

    // Act: night 1
    const first = await audit();

    // Assess: nothing went, the stage is recorded as failed, the run says so
    expect(await emails()).toEqual([]);
    expect((await record(KEYS.alice)).current.stages.notice?.state).toBe('failed');
    expect(first.errors.some((e) => e.operation === 'ses:SendEmail' && e.accessKeyId !== null)).toBe(true);

    // Act: night 2 sends it again, with a deadline a week from then
    await night(1);
    const second = await audit();
    expect((await stagesEmailed()).filter((l) => l.startsWith('alice')).length).toBe(1);
    expect(noticeOf(second, KEYS.alice)?.deadline).toBe('2026-11-28');

    // Act: the deadline night 1's notice would have had
    await night(7);
    const eighth = await audit();

    // Assess: not yet
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(actionOf(eighth, KEYS.alice)?.reason).toBe(
      'owner notified 2026-11-21; deadline 2026-11-28: not deactivated before then',
    );

    // Act: a week after the notice that went
    await night(8);
    await audit();
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Inactive' });
  });

  it('never deactivates on a notice claimed but never sent, however old the claim', async () => {
    // Prepare: SES refuses every message
    env.sandbox.faults.add({ operation: 'ses:SendEmail', code: 'ServiceFailure' });
    await audit();

    // Act: the deadline night 1's claim named
    await night(7);
    const eighth = await audit();

    // Assess
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(actionOf(eighth, KEYS.alice)?.reason).toBe(
      'the notice of 2026-11-20 was not sent (its send failed or never finished): sent again tonight, and not deactivated before its new deadline',
    );
    expect(await emails()).toEqual([]);
  });

  it("shows each key's notice and deadline in the text report and the CSV", async () => {
    // Act
    const { report, users } = await run();
    const text = renderText(report).replace(/\s+/g, ' ');
    const csv = renderCsv(buildKeyRows(users, report)).split('\r\n');

    // Assess
    expect(text).toContain(
      "Owners' notices: 4 messages sent tonight (4 key stages). Owners were emailed from notices@example.com",
    );
    expect(text).toContain('Notice: sent 2026-11-20 by email; deadline 2026-11-27 (tonight: notice).');
    expect(text).toContain(
      'Notice: sent 2026-11-20 to the report topic; deadline 2026-11-27 (tonight: notice).',
    );
    expect(csv[0]?.endsWith(',notice_sent,notice_deadline,snoozed_until')).toBe(true);
    expect(
      csv
        .find((line) => line.startsWith(`alice,${KEYS.alice},`))
        ?.endsWith(',2026-11-20T03:00:00.000Z,2026-11-27,'),
    ).toBe(true);
  });

  it('without a sender, sends every notice to the report topic and says owners were not emailed', async () => {
    // Act
    const { report } = await run({ NOTICE_SENDER: '' });

    // Assess
    expect(await emails()).toEqual([]);
    const topic = noticesOnTopic();
    expect(topic).toHaveLength(4);
    expect(topic.map((m) => m.bodies.email).join('\n')).toContain(`Key: ${KEYS.alice}`);
    expect(report.notices).toMatchObject({ ownersEmailed: false, messagesSent: 4 });
    expect(renderText(report).replace(/\s+/g, ' ')).toContain(
      'Owners were not emailed: no noticeSender is set',
    );
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
  });

  it('deactivates nothing when the ledger cannot be read, and says why', async () => {
    // Prepare: night 1's notices, then the deadline with the ledger refused
    await audit();
    await night(7);
    env.sandbox.faults.add({ operation: 's3:ListObjectsV2', code: 'AccessDenied' });

    // Act
    const report = await audit();

    // Assess
    expect(await keyStatuses(env.iam, 'alice')).toEqual({ [KEYS.alice]: 'Active' });
    expect(actionOf(report, KEYS.alice)?.reason).toMatch(
      /^the notice ledger s3:\/\/acme-reports\/notices\/111111111111\/ could not be listed \(AccessDenied/,
    );
    expect(report.errors.map((e) => e.code)).toContain('NoticeLedgerUnreadable');
  });

  it('sends nothing and writes no notice in report mode', async () => {
    // Act
    const report = await audit({ MODE: 'report' });

    // Assess
    expect(await emails()).toEqual([]);
    expect(noticesOnTopic()).toEqual([]);
    expect(report.notices).toBeUndefined();
    await expect(record(KEYS.alice)).rejects.toThrow();
  });
});

describe('Notices: an exposed key', () => {
  const exposed = useSandbox(() => ({
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        buckets: [{ name: BUCKET }],
        topics: [{ name: 'key-hygiene-reports' }],
        ses: { identities: [SENDER] },
        users: [
          {
            name: 'erin',
            createDate: daysAgo(500),
            // AWS quarantined erin, and the responder recorded her key as the exposed one.
            tags: {
              owner: 'erin@example.com',
              [`key-hygiene:exposed-${ERIN}`]: '2026-11-19 20261119T100700Z-a1b2c3',
            },
            attachedPolicies: ['AWSCompromisedKeyQuarantineV2'],
            accessKeys: [stale(ERIN, 1)],
          },
        ],
      },
    ],
  }));

  it('is deactivated at once, and its owner told the same night', async () => {
    // Prepare
    const options = { endpoint: exposed.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    const exposedDeps = sandboxAuditDeps(
      exposed.sandbox,
      createClients(options),
      createOwnerClients(options),
    );

    // Act
    const { report } = await auditAccount(exposedDeps, {
      settings: loadSettings({
        MODE: 'enforce',
        INVENTORY_SOURCE: 'live',
        REPORT_BUCKET: BUCKET,
        REPORT_TOPIC_ARN: TOPIC,
        NOTICE_SENDER: SENDER,
        OWNER_TRAIL_PAGES: '0',
      }),
    });

    // Assess
    expect(await keyStatuses(exposed.iam, 'erin')).toEqual({ [ERIN]: 'Inactive' });
    expect(report.actions.find((a) => a.accessKeyId === ERIN)).toMatchObject({
      ruleId: 'exposed-key',
      status: 'applied',
    });
    const sent = (
      (await (await fetch(`${exposed.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }
    ).emails;
    expect(sent.map((e) => [e.to, e.text?.includes(`Deactivated:\n  Key: ${ERIN}`)])).toEqual([
      [['erin@example.com'], true],
    ]);
  });
});
