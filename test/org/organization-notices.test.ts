import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINK_PARAMS, verifyAnswerLink } from '../../src/answer/answer-link.js';
import { createClients, signingAccessKeyId } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, KeyFinding } from '../../src/model.js';
import type { OrganizationReport } from '../../src/org/organization-report.js';
import { runOrganizationAudit } from '../../src/org/run-organization.js';
import { organizationRunDeps } from '../../src/runtime/organization-deps.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

// The owner loop in an organization run, through the real SDK clients on the sandbox, the member
// audits running at once (as the Distributed Map runs them) with latency injected: one sender for
// the organization (the auditor's SES identity, from the auditor's account), the ledger in the
// auditor's bucket under each member's account id, and the member's keys switched off through the
// member role only after their owners' deadline.

const NOW = '2026-11-20T03:00:00Z';
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();

const MANAGEMENT = '100000000011';
const SHOP = '200000000022';
const DATA = '300000000033';
const AUDITOR_KEY = 'AKIAORGNOTICEAUDITOR';
const BUCKET = 'org-notice-reports';
const TOPIC_NAME = 'key-hygiene-org-notices';
const SENDER = 'notices@example.com';
const ROLE = 'KeyHygieneMemberRole';

const KEYS = {
  shopPat: 'AKIASHOPPAT000000001',
  shopSam: 'AKIASHOPSAM000000001',
  shopNobody: 'AKIASHOPNOBODY000001',
  dataPat: 'AKIADATAPAT000000001',
  dataRia: 'AKIADATARIA000000001',
} as const;

/** A user with one active key, unused for 100 days, owned by `owner` (no tag: nobody). */
const staleUser = (name: string, keyId: string, owner: string | null) => ({
  name,
  createDate: daysAgo(500),
  ...(owner ? { tags: { owner } } : {}),
  accessKeys: [
    {
      id: keyId,
      status: 'Active' as const,
      createDate: daysAgo(400),
      lastUsed: { date: daysAgo(100), service: 's3', region: 'us-east-1' },
    },
  ],
});

/**
 * The auditor's account (bucket, topic, and the one verified SES identity) and two members with
 * the member role; pat owns a key in each member.
 */
function fixture(): FixtureInput {
  return {
    now: NOW,
    organization: { managementAccountId: MANAGEMENT },
    accounts: [
      {
        id: MANAGEMENT,
        alias: 'org-management',
        users: [
          {
            name: 'key-hygiene-auditor',
            createDate: daysAgo(40),
            accessKeys: [
              {
                id: AUDITOR_KEY,
                status: 'Active',
                createDate: daysAgo(30),
                lastUsed: { date: daysAgo(0), service: 'iam', region: 'N/A' },
              },
            ],
          },
        ],
        topics: [{ name: TOPIC_NAME }],
        buckets: [{ name: BUCKET }],
        ses: { identities: [SENDER] },
      },
      {
        id: SHOP,
        alias: 'org-shop',
        roles: [ROLE],
        users: [
          staleUser('pat', KEYS.shopPat, 'pat@example.com'),
          staleUser('sam', KEYS.shopSam, 'sam@example.com'),
          staleUser('nobody', KEYS.shopNobody, null),
        ],
      },
      {
        id: DATA,
        alias: 'org-data',
        roles: [ROLE],
        users: [
          staleUser('pat', KEYS.dataPat, 'pat@example.com'),
          staleUser('ria', KEYS.dataRia, 'ria@example.com'),
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);

interface Email {
  accountId: string;
  from: string;
  to: string[];
  text: string | null;
}
const emails = async (): Promise<Email[]> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }).emails;

/** Moves the sandbox clock to `days` after the first night. */
async function night(days: number): Promise<void> {
  const now = new Date(Date.parse(NOW) + days * DAY).toISOString();
  await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now }) });
}

const keyStatus = (keyId: string) => env.sandbox.state.findKey(keyId)?.status;

const s3 = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
  });

/** Every object under notices/ of the auditor's bucket. */
async function ledgerKeys(): Promise<string[]> {
  const out = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'notices/' }));
  return (out.Contents ?? []).map((object) => object.Key ?? '').sort();
}

async function ledgerRecord(accountId: string, keyId: string): Promise<{ accountId: string }> {
  const object = await s3().send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `notices/${accountId}/${keyId}.json` }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '');
}

/** One enforce organization run with notices on, the member audits three at a time. */
async function organizationNight(): Promise<{
  report: OrganizationReport;
  audits: Map<string, AuditReport>;
}> {
  const region = 'us-east-1';
  const options = {
    endpoint: env.sandbox.url,
    region,
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
  };
  // The clients the account-audit function builds: the audit's and owner resolution's (SES).
  const clients = { ...createClients(options), ...createOwnerClients(options) };
  const deps = organizationRunDeps(
    {
      ...clients,
      region,
      clock: () => env.sandbox.state.clock.now(),
      selfAccessKeyId: await signingAccessKeyId(clients.iam),
      logger: { info: () => undefined, warn: () => undefined },
      // Signed links with a test key, as the deployed functions sign them with the page's secret.
      answerLinks: { pageUrl: PAGE_URL, secretId: 'answer-link-key', key: async () => LINK_KEY },
    },
    options,
  );
  const settings = loadSettings({
    MODE: 'enforce',
    NOTICES: 'on',
    NOTICE_SENDER: SENDER,
    INVENTORY_SOURCE: 'live',
    REPORT_BUCKET: BUCKET,
    // The deployed functions name the topic: it is the auditor's, whichever account a key is in.
    REPORT_TOPIC_NAME: TOPIC_NAME,
    MEMBER_ROLE_NAME: ROLE,
    ORGANIZATION_CONCURRENCY: '3',
    OWNER_TRAIL_PAGES: '0',
  });
  const audits = new Map<string, AuditReport>();
  const { report } = await runOrganizationAudit(deps, settings, {
    notify: false,
    onAudit: (accountId, audit) => audits.set(accountId, audit.report),
  });
  return { report, audits };
}

const PAGE_URL = 'https://answer.example/';
const LINK_KEY = Buffer.alloc(32, 7);

/** The account and key each answer link of a notice names, read back through the signature check. */
function linkedKeys(text: string): { accountId: string; accessKeyId: string }[] {
  const links = text.match(/https:\/\/answer\.example\/\S+/g) ?? [];
  return links.map((link) => {
    const url = new URL(link);
    const verdict = verifyAnswerLink(
      {
        payload: url.searchParams.get(LINK_PARAMS.payload) ?? undefined,
        signature: url.searchParams.get(LINK_PARAMS.signature) ?? undefined,
      },
      LINK_KEY,
      new Date(0),
    );
    if (!verdict.ok) throw new Error(`notice link refused: ${verdict.message}`);
    return { accountId: verdict.link.accountId, accessKeyId: verdict.link.accessKeyId };
  });
}

const noticeOf = (report: AuditReport | undefined, keyId: string) =>
  report?.findings.find(
    (f): f is KeyFinding => f.userName !== null && f.accessKeyId === keyId && f.ruleId === 'unused-key',
  )?.notice;

const noticesOnTopic = () =>
  env.sandbox.state.published.filter((m) => m.messageAttributes.kind?.StringValue === 'owner-notice');

describe('Organization run: the owner loop per member account', () => {
  beforeEach(() => {
    // Every answer takes a few ms, so the member audits overlap.
    env.sandbox.faults.configure({ latencyMs: 5 });
  });
  afterEach(() => {
    env.sandbox.faults.configure({ latencyMs: 0 });
  });

  it("notices the members' key owners on the first night from the auditor's SES identity, and deactivates nothing", {
    timeout: 60_000,
  }, async () => {
    // Act
    const { report, audits } = await organizationNight();

    // Assess: every account audited, nothing deactivated anywhere
    expect(report.accounts.map((a) => [a.accountId, a.status]).sort()).toEqual([
      [MANAGEMENT, 'audited'],
      [SHOP, 'audited'],
      [DATA, 'audited'],
    ]);
    for (const keyId of Object.values(KEYS)) expect(keyStatus(keyId)).toBe('Active');
    expect(report.totals.keysDeactivated).toBe(0);
    // One sender for the organization: every message from the auditor's identity, sent in the
    // auditor's account (the members verify no identity: their SES would refuse it).
    const sent = await emails();
    expect(sent).toHaveLength(4);
    expect(sent.map((e) => [e.accountId, e.from])).toEqual(sent.map(() => [MANAGEMENT, SENDER]));
    // Per account run, one message per owner: pat, with a key in each member, gets one from each,
    // each naming its own account's key only, with a link for that account.
    const byRecipient = sent.map((e) => `${e.to.join(',')} ${accountOf(e.text)}`).sort();
    expect(byRecipient).toEqual([
      `pat@example.com ${SHOP}`,
      `pat@example.com ${DATA}`,
      `ria@example.com ${DATA}`,
      `sam@example.com ${SHOP}`,
    ]);
    const toPat = sent.filter((e) => e.to.includes('pat@example.com'));
    for (const email of toPat) {
      const keyId = accountOf(email.text) === SHOP ? KEYS.shopPat : KEYS.dataPat;
      const other = keyId === KEYS.shopPat ? KEYS.dataPat : KEYS.shopPat;
      expect(email.text).toContain(keyId);
      expect(email.text).not.toContain(other);
      expect(linkedKeys(email.text ?? '')).toEqual([
        { accountId: accountOf(email.text), accessKeyId: keyId },
      ]);
    }
    // The unowned member key: to the security team on the auditor's topic.
    expect(noticesOnTopic().map((m) => m.topicArn)).toEqual([
      `arn:aws:sns:us-east-1:${MANAGEMENT}:${TOPIC_NAME}`,
    ]);
    expect(noticesOnTopic()[0]?.bodies.default).toContain(KEYS.shopNobody);
    // Each account's records under its own prefix of the auditor's bucket.
    expect(await ledgerKeys()).toEqual(
      [
        `notices/${SHOP}/${KEYS.shopNobody}.json`,
        `notices/${SHOP}/${KEYS.shopPat}.json`,
        `notices/${SHOP}/${KEYS.shopSam}.json`,
        `notices/${DATA}/${KEYS.dataPat}.json`,
        `notices/${DATA}/${KEYS.dataRia}.json`,
      ].sort(),
    );
    expect(await ledgerRecord(DATA, KEYS.dataPat)).toMatchObject({ accountId: DATA });
    expect(noticeOf(audits.get(SHOP), KEYS.shopPat)).toMatchObject({
      deadline: '2026-11-27',
      tonight: 'notice',
      channel: 'email',
    });
  });

  it("deactivates the members' keys through the member role after the deadline, and tells each owner once per account", {
    timeout: 60_000,
  }, async () => {
    // Prepare: the first night's notices
    await organizationNight();
    // Act: a second run the same night changes nothing and sends nothing again
    await organizationNight();
    const firstNight = await emails();
    // Act: the night after the deadline
    await night(7);
    const { report } = await organizationNight();

    // Assess
    expect(firstNight).toHaveLength(4);
    for (const keyId of Object.values(KEYS)) expect(keyStatus(keyId)).toBe('Inactive');
    expect(report.accounts.find((a) => a.accountId === SHOP)?.keysDeactivated).toBe(3);
    expect(report.accounts.find((a) => a.accountId === DATA)?.keysDeactivated).toBe(2);
    // Per account and owner one message a night: on the deadline each owner gets the action
    // notice from each account their keys are in.
    const later = (await emails()).slice(firstNight.length);
    expect(later.map((e) => `${e.to.join(',')} ${accountOf(e.text)}`).sort()).toEqual([
      `pat@example.com ${SHOP}`,
      `pat@example.com ${DATA}`,
      `ria@example.com ${DATA}`,
      `sam@example.com ${SHOP}`,
    ]);
  });
});

/** The account a notice's text names (each account's run sends its own). */
function accountOf(text: string | null): string | null {
  return /account (\d{12})/.exec(text ?? '')?.[1] ?? null;
}
