/**
 * The answer page in a real browser: Debian's Chromium, headless, driven by playwright-core, served
 * locally by an HTTP server wrapping the page's Lambda handler, which talks to the sandbox through
 * the real SDK clients. An owner opens the link from a notice, reads the key and the deadline,
 * keeps the key, and a second use of the link is refused. When Chromium is missing these tests fail
 * (see scripts/chromium.ts); they are never skipped.
 */
import { ListUserTagsCommand } from '@aws-sdk/client-iam';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.js';
import { type ServedPage, serveAnswerPage } from '../../scripts/serve-answer-page.js';
import { ANA_KEY, answerRecords, coldStartPage, linkFor, pageFixture } from '../support/answer-page.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

/** A phone's width in CSS pixels. */
const PHONE = { width: 390, height: 844 };
const DEADLINE = new Date('2030-03-01T03:00:00Z');

async function violations(page: Page): Promise<Array<{ id: string; nodes: string[] }>> {
  // Evaluated by the browser's debugger protocol, which the page's policy does not govern.
  await page.evaluate(axe.source);
  return (await page.evaluate(
    'axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))',
  )) as Array<{ id: string; nodes: string[] }>;
}

describe('Answer page in Chromium', () => {
  const env = useSandbox(() => pageFixture());
  let browser: Browser;
  let served: ServedPage;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    await served?.close();
  });

  async function openLink(): Promise<{ page: Page; link: string; cspViolations: string[] }> {
    served = await serveAnswerPage(await coldStartPage(env.sandbox));
    const link = linkFor({ baseUrl: served.url, deadline: DEADLINE });
    const page = await browser.newPage({ viewport: PHONE, locale: 'en-US' });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(link);
    return { page, link, cspViolations };
  }

  it('shows the key and the deadline, lets the owner keep the key, and refuses a second use of the link', async () => {
    // Prepare
    const { page, link } = await openLink();

    // Act: read, then answer "keep it for 10 days"
    const keyId = await page.locator('#key-id').textContent();
    const deadline = await page.locator('#deadline').textContent();
    await page.getByLabel('Keep it for more days').check();
    await page.getByLabel('Days to keep it (1 to 30)').fill('10');
    await page
      .getByLabel('Why it is still needed (required to keep it)')
      .fill('quarterly export, moving to a role');
    await page.getByRole('button', { name: 'Send answer' }).click();
    const kept = await page.getByRole('heading', { level: 1 }).textContent();
    // ...then open the same link again and answer once more
    await page.goto(link);
    await page.getByLabel('Deactivate it now').check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    const second = await page.getByRole('heading', { level: 1 }).textContent();
    const secondMessage = await page.getByRole('alert').textContent();

    // Assess
    expect(keyId).toBe(ANA_KEY);
    expect(deadline).toBe('2030-03-01 03:00 UTC');
    expect(kept).toBe('Key kept');
    expect(second).toBe('Link already used');
    expect(secondMessage).toContain('This link has already been used: each link works once.');
    const tags = await env.iam.send(new ListUserTagsCommand({ UserName: 'ana' }));
    expect(tags.Tags?.find((t) => t.Key === 'key-hygiene:snoozed')?.Value).toMatch(
      new RegExp(`^${ANA_KEY}:\\d{4}-\\d{2}-\\d{2}:1:nonce-for-ana-key-0001$`),
    );
    expect((await answerRecords(env)).map((r) => r.choice)).toEqual(['snooze']);
    await page.close();
  });

  it('finds no accessibility violation on the form, the answer and a refusal (axe-core), at a phone width', async () => {
    // Prepare
    const { page } = await openLink();
    // Act
    const onForm = await violations(page);
    await page.getByLabel('It is not mine (the security team is told)').check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    const onAnswer = await violations(page);
    await page.goto(`${served.url}?p=e30&s=forged`);
    const onRefusal = await violations(page);
    // Assess
    expect({ onForm, onAnswer, onRefusal }).toEqual({ onForm: [], onAnswer: [], onRefusal: [] });
    await page.close();
  });

  it('loads nothing but the page itself, and its stylesheet passes its own CSP (no sideways scrolling on a phone)', async () => {
    // Prepare
    const { page, cspViolations } = await openLink();
    // Act
    const button = await page.evaluate('getComputedStyle(document.querySelector("button")).backgroundColor');
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    // Assess: the style applied means the CSP's hash matches it; no request left the page's origin.
    expect(button).toBe('rgb(11, 92, 173)');
    expect(cspViolations).toEqual([]);
    expect(overflow).toBe(0);
    expect(served.requests).toEqual(['GET /']);
    await page.close();
  });
});
