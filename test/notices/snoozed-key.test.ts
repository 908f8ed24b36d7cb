import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerLinkSource } from '../../src/answer/notice-links.js';
import { auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import {
  ANA_KEY,
  coldStartPage,
  PAGE_BUCKET,
  PAGE_SECRET,
  PAGE_TOPIC_ARN,
  pageFixture,
  postEvent,
} from '../support/answer-page.js';
import { keyStatuses, sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// The whole loop for one owner, through the real SDK clients on the sandbox: the first night's
// notice carries a link, the owner keeps the key on the answer page, and the nights up to the
// deadline neither remind them again nor deactivate the key they answered for.

const SENDER = 'notices@acme.example';
const DAY = 86_400_000;
const START = new Date();

const env = useSandbox(() => ({
  accounts: pageFixture(START).accounts.map((account) => ({ ...account, ses: { identities: [SENDER] } })),
}));
let deps: AuditDeps;

interface Email {
  to: string[];
  subject: string | null;
  text: string | null;
}
const emailsTo = async (address: string): Promise<Email[]> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }).emails.filter(
    (e) => e.to.includes(address),
  );

/** The nightly audit, `days` after the first night, on the sandbox clock. */
async function nightAfter(days: number): Promise<AuditReport> {
  if (days > 0) {
    const now = new Date(START.getTime() + days * DAY).toISOString();
    await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now }) });
  }
  const settings = loadSettings({
    MODE: 'enforce',
    NOTICES: 'on',
    INVENTORY_SOURCE: 'live',
    REPORT_BUCKET: PAGE_BUCKET,
    REPORT_TOPIC_ARN: PAGE_TOPIC_ARN,
    NOTICE_SENDER: SENDER,
    OWNER_TRAIL_PAGES: '0',
    ANSWER_PAGE_URL: 'https://page.example/',
    ANSWER_SECRET: PAGE_SECRET,
  });
  const secrets = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    maxAttempts: 1,
  });
  return (
    await auditAccount({ ...deps, answerLinks: answerLinkSource(settings, () => secrets) }, { settings })
  ).report;
}

describe('Notices: an owner who answered', () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
  });

  it('gets no final reminder for the key they kept, and the key stays active past the deadline', async () => {
    // Prepare: the first night's notice, and ana keeps her key from its link
    await nightAfter(0);
    const [notice] = await emailsTo('ana@acme.example');
    const link = /https:\/\/page\.example\/\?\S+/.exec(notice?.text ?? '')?.[0] ?? '';
    const page = await coldStartPage(env.sandbox);
    const kept = await page(
      postEvent(link, { choice: 'snooze', days: '14', reason: 'monthly billing export' }),
    );
    expect(kept.statusCode).toBe(200);

    // Act: the night before the deadline, then the deadline
    const reminderNight = await nightAfter(6);
    const deadlineNight = await nightAfter(7);

    // Assess: one message only, the notice; the key kept, saying by whom and why
    expect((await emailsTo('ana@acme.example')).map((e) => e.subject)).toEqual([notice?.subject]);
    expect(reminderNight.errors).toEqual([]);
    expect(await keyStatuses(env.iam, 'ana')).toEqual({ [ANA_KEY]: 'Active' });
    expect(deadlineNight.actions.find((a) => a.accessKeyId === ANA_KEY)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(
        /^snoozed until \d{4}-\d{2}-\d{2} by ana@acme\.example .*monthly billing export$/,
      ),
    });
  });
});
