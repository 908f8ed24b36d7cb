/**
 * The HTML report of an enforce night with the owner loop (a key noticed tonight, a snoozed key, an
 * unowned key, an owner's "deactivate now") in Chromium at a phone's width and a desktop's: the
 * Owners view reads as tables a screen reader names, the page never scrolls sideways, and axe-core
 * finds no accessibility violation. When Chromium is missing these tests fail (scripts/chromium.ts).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.js';
import { auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { renderHtml } from '../../src/render/html.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const SENDER = 'notices@example.com';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const stale = (id: string) => ({
  id,
  status: 'Active' as const,
  createDate: daysAgo(400),
  lastUsed: { date: daysAgo(120), service: 's3', region: 'us-east-1' },
});
const WIDTHS = [390, 1280] as const;

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
            accessKeys: [stale('AKIAALICE00000000001')],
          },
          {
            name: 'kept',
            createDate: daysAgo(500),
            tags: {
              owner: 'kept@acme.example',
              'key-hygiene:snoozed': 'AKIAKEPT000000000001:2026-11-30:1:nonce-kept-0000000001',
            },
            accessKeys: [stale('AKIAKEPT000000000001')],
          },
          { name: 'carol', createDate: daysAgo(500), accessKeys: [stale('AKIACAROL00000000001')] },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let browser: Browser;
let html = '';

async function putAnswer(record: Record<string, unknown>): Promise<void> {
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
        answeredAt: '2026-11-19T20:00:00.000Z',
        ...record,
      }),
    }),
  );
  s3.destroy();
}

async function open(width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

describe('The Owners view in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    await putAnswer({
      userName: 'kept',
      accessKeyId: 'AKIAKEPT000000000001',
      nonce: 'nonce-kept-0000000001',
      who: 'kept@acme.example',
      choice: 'snooze',
      until: '2026-11-30',
      reason: 'nightly export <until December>',
      answeredAt: '2026-11-16T09:30:00.000Z',
    });
    await putAnswer({
      userName: 'alice',
      accessKeyId: 'AKIAALICE00000000001',
      nonce: 'nonce-alice-000000001',
      who: 'alice@acme.example',
      choice: 'deactivate',
    });
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    const deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
    const { report, users } = await auditAccount(deps, {
      settings: loadSettings({
        MODE: 'enforce',
        INVENTORY_SOURCE: 'live',
        REPORT_BUCKET: BUCKET,
        REPORT_TOPIC_ARN: TOPIC,
        NOTICE_SENDER: SENDER,
        OWNER_TRAIL_PAGES: '0',
      }),
    });
    html = renderHtml(report, buildKeyRows(users, report));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('names the Owners view tables for a screen reader and shows the answers as text', async () => {
    // Prepare
    const page = await open(1280);
    // Act
    const answers = page.getByRole('table', { name: 'Answers received' });
    // Assess
    await expect(page.getByRole('heading', { name: 'Owners (3)' }).count()).resolves.toBe(1);
    await expect(page.getByRole('table', { name: 'Owners', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('table', { name: 'Notices sent tonight' }).count()).resolves.toBe(1);
    await expect(answers.getByRole('row').count()).resolves.toBe(3);
    await expect(answers.innerText()).resolves.toContain('nightly export <until December>');
    await expect(answers.innerText()).resolves.toContain('deactivate now');
    await page.context().close();
  });

  for (const width of WIDTHS) {
    it(`fits the report with its Owners view in ${width} px and finds no accessibility violation (axe-core)`, async () => {
      // Prepare
      const page = await open(width);
      await page.evaluate(axe.source);
      // Act
      const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
      const violations = (await page.evaluate(
        'axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))',
      )) as Array<{ id: string; nodes: string[] }>;
      // Assess
      expect(scrollWidth).toBeLessThanOrEqual(width);
      expect(violations).toEqual([]);
      await page.context().close();
    });
  }
});
