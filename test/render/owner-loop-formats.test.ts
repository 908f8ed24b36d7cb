import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditOutcome, auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { toAsff } from '../../src/export/asff.js';
import type { KeyFinding } from '../../src/model.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { buildSlackMessage } from '../../src/render/slack-blocks.js';
import { renderText } from '../../src/render/text.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// The owner loop as each report format shows it, from one enforce night on the sandbox: alice's
// key gets its notice tonight, kept's owner snoozed theirs on the answer page, carol's key has no
// owner. Every format names, per key, the owner, when the notice went, the deadline and the snooze.

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const SENDER = 'notices@example.com';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const KEYS = { alice: 'AKIAALICE00000000001', kept: 'AKIAKEPT000000000001', carol: 'AKIACAROL00000000001' };
const NONCE = 'nonce-kept-0000000001';
const REASON = 'nightly export; moving to a role by December';

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
        topics: [{ name: 'key-hygiene-reports' }],
        ses: { identities: [SENDER] },
        users: [
          {
            name: 'alice',
            createDate: daysAgo(500),
            tags: { owner: 'alice@acme.example' },
            accessKeys: [stale(KEYS.alice)],
          },
          {
            name: 'kept',
            createDate: daysAgo(500),
            tags: {
              owner: 'kept@acme.example',
              'key-hygiene:snoozed': `${KEYS.kept}:2026-11-30:1:${NONCE}`,
            },
            accessKeys: [stale(KEYS.kept)],
          },
          { name: 'carol', createDate: daysAgo(500), accessKeys: [stale(KEYS.carol)] },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let deps: AuditDeps;

/** The answer record the page writes for kept's snooze. */
async function putSnoozeRecord(): Promise<void> {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: env.sandbox.url, forcePathStyle: true });
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `answers/${ACCOUNT}/${NONCE}.json`,
      Body: JSON.stringify({
        accountId: ACCOUNT,
        userName: 'kept',
        accessKeyId: KEYS.kept,
        nonce: NONCE,
        who: 'kept@acme.example',
        answeredAt: '2026-11-16T09:30:00.000Z',
        choice: 'snooze',
        until: '2026-11-30',
        reason: REASON,
        deadline: '2026-11-23T03:00:00.000Z',
      }),
    }),
  );
  s3.destroy();
}

/** An answer record the page writes, at the sandbox clock's `at`. */
async function putAnswer(at: string, record: Record<string, unknown>): Promise<void> {
  await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now: at }) });
  const s3 = new S3Client({ region: 'us-east-1', endpoint: env.sandbox.url, forcePathStyle: true });
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `answers/${ACCOUNT}/${record.nonce}.json`,
      Body: JSON.stringify({
        accountId: ACCOUNT,
        until: null,
        reason: null,
        deadline: '2026-11-27T03:00:00.000Z',
        ...record,
      }),
    }),
  );
  s3.destroy();
  await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now: NOW }) });
}

async function enforceNight(): Promise<AuditOutcome> {
  await putSnoozeRecord();
  return auditAccount(deps, {
    settings: loadSettings({
      MODE: 'enforce',
      INVENTORY_SOURCE: 'live',
      REPORT_BUCKET: BUCKET,
      REPORT_TOPIC_ARN: TOPIC,
      NOTICE_SENDER: SENDER,
      OWNER_TRAIL_PAGES: '0',
    }),
  });
}

/** The rows of the HTML table `id`, each as its cells' text (tags dropped, entities read back). */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  const text = (cell: string) =>
    cell
      .replace(/<span class="note">/g, ' / ')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1] ?? '')),
  );
}

describe('Reports: the owner loop in every format', () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
  });

  it("records each key's notice and snooze in the JSON report", async () => {
    // Act
    const { report } = await enforceNight();
    // Assess
    const unused = (userName: string) =>
      report.findings.find((f): f is KeyFinding => f.userName === userName && f.ruleId === 'unused-key');
    expect(unused('alice')?.notice).toEqual({
      sentAt: '2026-11-20T03:00:00.000Z',
      deadline: '2026-11-27',
      tonight: 'notice',
      channel: 'email',
    });
    expect(unused('alice')?.snooze).toBeUndefined();
    expect(unused('kept')?.snooze).toEqual({
      until: '2026-11-30',
      who: 'kept@acme.example',
      reason: REASON,
      answeredAt: '2026-11-16T09:30:00.000Z',
    });
    expect(unused('carol')?.owner).toMatchObject({ unowned: true, source: 'security-team' });
  });

  it('says in the text report, per key, the owner, the notice, the deadline and the snooze', async () => {
    // Act
    const text = renderText((await enforceNight()).report);
    // Assess
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Owner: alice@acme.example (tag:owner).');
    expect(flat).toContain('Notice: sent 2026-11-20 by email; deadline 2026-11-27 (tonight: notice).');
    expect(flat).toContain(`Snoozed until 2026-11-30 by kept@acme.example (answered 2026-11-16): ${REASON}.`);
  });

  it('gives the CSV a notice, deadline and snoozed-until column, filled per key', async () => {
    // Act
    const { report, users } = await enforceNight();
    const [header, ...lines] = renderCsv(buildKeyRows(users, report)).trimEnd().split('\r\n');
    // Assess
    const columns = (header ?? '').split(',');
    const cells = (user: string) => {
      const line = (lines.find((l) => l.startsWith(`${user},`)) ?? '').split(',');
      return ['owner', 'notice_sent', 'notice_deadline', 'snoozed_until'].map(
        (column) => line[columns.indexOf(column)],
      );
    };
    expect(cells('alice')).toEqual(['alice@acme.example', '2026-11-20T03:00:00.000Z', '2026-11-27', '']);
    expect(cells('kept')?.[0]).toBe('kept@acme.example');
    expect(cells('kept')?.[3]).toBe('2026-11-30');
  });

  it('shows notice sent, deadline and snoozed until in the HTML findings table', async () => {
    // Act
    const { report, users } = await enforceNight();
    const html = renderHtml(report, buildKeyRows(users, report));
    // Assess
    const [head, ...rows] = tableRows(html, 'findings-table');
    const at = (name: string) => (head ?? []).indexOf(name);
    const row = (user: string) => rows.find((r) => r[at('User')]?.startsWith(user)) ?? [];
    expect([at('Notice sent'), at('Deadline'), at('Snoozed until')].every((i) => i > 0)).toBe(true);
    expect([row('alice')[at('Notice sent')], row('alice')[at('Deadline')]]).toEqual([
      'sent 2026-11-20 by email / tonight: notice',
      '2026-11-27',
    ]);
    expect(row('kept')[at('Snoozed until')]).toBe('2026-11-30 / kept@acme.example');
  });

  it('gives the HTML report an Owners view: keys per owner, notices sent tonight, answers received, unowned keys', async () => {
    // Act
    const { report, users } = await enforceNight();
    const html = renderHtml(report, buildKeyRows(users, report));
    // Assess
    expect(html).toContain('<a href="#owners">Owners (3)</a>');
    expect(tableRows(html, 'owners-table')).toEqual([
      ['Owner', 'Keys', 'Which', 'Notices tonight', 'Snoozed'],
      ['alice@acme.example / tag:owner', '1', `alice ${KEYS.alice}`, '1', '0'],
      // a key its owner kept is sent no notice while the snooze holds
      ['kept@acme.example / tag:owner', '1', `kept ${KEYS.kept}`, '0', '1'],
      ['Unowned: the security team / security-team', '1', `carol ${KEYS.carol}`, '1', '0'],
    ]);
    const noticed = tableRows(html, 'owners-notices-table');
    expect(noticed[0]).toEqual(['User', 'Key', 'Owner', 'Stage', 'Deadline', 'Sent by']);
    expect(noticed).toContainEqual([
      'alice',
      KEYS.alice,
      'alice@acme.example / tag:owner',
      'notice',
      '2026-11-27',
      'email',
    ]);
    expect(noticed).toContainEqual([
      'carol',
      KEYS.carol,
      'Unowned: the security team / security-team',
      'notice',
      '2026-11-27',
      'report topic',
    ]);
    expect(tableRows(html, 'owners-answers-table')).toEqual([
      ['User', 'Key', 'Answer', 'By', 'Answered', 'Reason'],
      ['kept', KEYS.kept, 'keep until 2026-11-30', 'kept@acme.example', '2026-11-16', REASON],
    ]);
    expect(html).toContain('<a href="#unowned">1 key has no owner but the security team.</a>');
  });

  it("lists the last day's answers in the Owners view: deactivate now and not mine beside the snoozes", async () => {
    // Prepare: two answers since the last night, one from three days ago
    const answer = (userName: string, choice: string, nonce: string, answeredAt: string) => ({
      userName,
      accessKeyId: KEYS[userName as keyof typeof KEYS],
      choice,
      nonce,
      who: `${userName}@acme.example`,
      answeredAt,
    });
    await putAnswer(
      '2026-11-17T08:00:00Z',
      answer('carol', 'not-mine', 'nonce-old-00000000001', '2026-11-17T08:00:00.000Z'),
    );
    await putAnswer(
      '2026-11-19T18:00:00Z',
      answer('alice', 'deactivate', 'nonce-alice-000000001', '2026-11-19T18:00:00.000Z'),
    );
    await putAnswer(
      '2026-11-19T20:00:00Z',
      answer('carol', 'not-mine', 'nonce-carol-000000001', '2026-11-19T20:00:00.000Z'),
    );
    // Act
    const { report, users } = await enforceNight();
    const html = renderHtml(report, buildKeyRows(users, report));
    // Assess
    // kept's snooze record was written tonight too (enforceNight), so it counts as received
    expect(report.answers?.map((a) => [a.userName, a.choice])).toEqual([
      ['kept', 'snooze'],
      ['alice', 'deactivate'],
      ['carol', 'not-mine'],
    ]);
    expect(tableRows(html, 'owners-answers-table')).toEqual([
      ['User', 'Key', 'Answer', 'By', 'Answered', 'Reason'],
      ['kept', KEYS.kept, 'keep until 2026-11-30', 'kept@acme.example', '2026-11-16', REASON],
      ['alice', KEYS.alice, 'deactivate now', 'alice@acme.example', '2026-11-19', '-'],
      ['carol', KEYS.carol, 'not mine', 'carol@acme.example', '2026-11-19', '-'],
    ]);
  });

  it("shows each finding's notice, deadline and snooze in the Slack message", async () => {
    // Act
    const slack = JSON.stringify(buildSlackMessage((await enforceNight()).report));
    // Assess
    expect(slack).toContain(
      'owner alice@acme.example (tag:owner) · notice sent 2026-11-20 by email, deadline 2026-11-27',
    );
    expect(slack).toContain('· snoozed until 2026-11-30');
  });

  it('puts the notice, the deadline and the snooze in Security Hub ProductFields, never in Note', async () => {
    // Act
    const { report, users } = await enforceNight();
    const findings = toAsff({
      report,
      users,
      thresholds: loadSettings({}).rules,
      region: 'us-east-1',
      now: new Date(NOW),
      existing: new Map(),
    });
    // Assess
    const unused = (key: string) =>
      findings.find(
        (f) => f.Resources?.some((r) => r.Id?.includes(key)) && f.GeneratorId?.endsWith('unused-key'),
      );
    expect(unused(KEYS.alice)?.ProductFields).toMatchObject({
      'key-hygiene/Owner': 'alice@acme.example',
      'key-hygiene/NoticeSent': '2026-11-20T03:00:00.000Z',
      'key-hygiene/Deadline': '2026-11-27',
    });
    expect(unused(KEYS.alice)?.ProductFields?.['key-hygiene/SnoozedUntil']).toBeUndefined();
    expect(unused(KEYS.kept)?.ProductFields).toMatchObject({
      'key-hygiene/SnoozedUntil': '2026-11-30',
      'key-hygiene/SnoozedBy': 'kept@acme.example',
    });
    expect(findings.every((f) => f.Note === undefined)).toBe(true);
  });
});
