import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { AuditReport } from '../../src/model.js';
import type { CallStats } from '../../src/sandbox/call-stats.js';
import {
  ANA_KEY,
  answerRecords,
  coldStartPage,
  getEvent,
  PAGE_BUCKET,
  PAGE_SECRET,
  PAGE_TOPIC_ARN,
  pageFixture,
  postEvent,
} from '../support/answer-page.js';
import { coldStart, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

// The nightly audit's notices carry the owner's answer link, wired by the audit function's own
// runtime (ANSWER_PAGE_URL and ANSWER_SECRET), and the link opens the real answer page: signed for
// that key, naming the owner it was sent to. A secret the audit cannot read costs the links, never
// the notices, and the report says why.

const SENDER = 'notices@acme.example';
const PAGE_URL = 'https://page.example/';

const env = useSandbox(() => withSender(pageFixture()));

function withSender(fixture: ReturnType<typeof pageFixture>) {
  return { accounts: fixture.accounts.map((account) => ({ ...account, ses: { identities: [SENDER] } })) };
}

interface Email {
  to: string[];
  text: string | null;
  html: string | null;
}
const emails = async (): Promise<Email[]> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }).emails;
const secretReads = async (): Promise<number> => {
  const calls = (await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as CallStats;
  return calls.services.secretsmanager?.actions.GetSecretValue?.total ?? 0;
};
const linksIn = (text: string) => text.match(/https:\/\/page\.example\/\?p=[\w-]+&s=[\w-]+/g) ?? [];

/** The first enforce night through the ad-hoc function, notices on, as deployed with the page. */
async function firstNight(settings: Record<string, string>): Promise<AuditReport> {
  const handler = await coldStart(env.sandbox, 'adhoc-audit', {
    MODE: 'enforce',
    NOTICES: 'on',
    INVENTORY_SOURCE: 'live',
    REPORT_BUCKET: PAGE_BUCKET,
    REPORT_TOPIC_ARN: PAGE_TOPIC_ARN,
    NOTICE_SENDER: SENDER,
    OWNER_TRAIL_PAGES: '0',
    ...settings,
  });
  return (await handler({}, lambdaContext)) as AuditReport;
}

describe('Answer links in the owners notices', () => {
  it("puts in the owner's notice a link that opens the answer page for that key, and the answer names the owner it was sent to", async () => {
    // Act: the first night, then the owner follows the link and keeps the key
    const report = await firstNight({ ANSWER_PAGE_URL: PAGE_URL, ANSWER_SECRET: PAGE_SECRET });
    const [toAna, ...others] = (await emails()).filter((e) => e.to.includes('ana@acme.example'));
    const [link, ...more] = linksIn(toAna?.text ?? '');
    const page = await coldStartPage(env.sandbox);
    const shown = await page(getEvent(link ?? ''));
    const answered = await page(
      postEvent(link ?? '', { choice: 'snooze', days: '14', reason: 'nightly export until the move' }),
    );

    // Assess: one message, one link for ana's one key, in both parts; the key read once for the run
    expect(others).toHaveLength(0);
    expect(more).toHaveLength(0);
    expect(toAna?.html).toContain(link?.replaceAll('&', '&amp;'));
    expect(report.errors).toEqual([]);
    expect(await secretReads()).toBe(2); // the audit's one read, then the page's own cold start
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(ANA_KEY);
    expect(answered.statusCode).toBe(200);
    expect(await answerRecords(env)).toEqual([
      expect.objectContaining({ accessKeyId: ANA_KEY, who: 'ana@acme.example', choice: 'snooze' }),
    ]);
  });

  it("gives every noticed key its own link, the security team's copy on the topic included", async () => {
    // Act
    await firstNight({ ANSWER_PAGE_URL: PAGE_URL, ANSWER_SECRET: PAGE_SECRET });

    // Assess: ana's email and the security team's copy on the topic each carry links, none shared
    const onTopic = env.sandbox.state.published
      .filter((m) => m.messageAttributes.kind?.StringValue === 'owner-notice')
      .map((m) => m.bodies.default ?? '');
    const links = [...(await emails()).flatMap((e) => linksIn(e.text ?? '')), ...onTopic.flatMap(linksIn)];
    expect(onTopic.flatMap(linksIn).length).toBeGreaterThan(0);
    expect(new Set(links).size).toBe(links.length);
    expect(new Set(links.map((l) => new URL(l).searchParams.get('p'))).size).toBe(links.length);
  });

  it('sends the notices without links when the secret cannot be read, and the report names the secret and the permission', async () => {
    // Act
    const report = await firstNight({
      ANSWER_PAGE_URL: PAGE_URL,
      ANSWER_SECRET: 'key-hygiene-no-such-secret',
    });

    // Assess: ana is still told, with no link; the report says what failed and what to grant
    const [toAna] = (await emails()).filter((e) => e.to.includes('ana@acme.example'));
    expect(toAna?.text).toContain(ANA_KEY);
    expect(linksIn(toAna?.text ?? '')).toEqual([]);
    expect(report.notices).toMatchObject({ messagesSent: 2 });
    expect(report.errors).toEqual([
      {
        userName: null,
        accessKeyId: null,
        operation: 'secretsmanager:GetSecretValue',
        code: 'ResourceNotFoundException',
        message: expect.stringMatching(
          /secret key-hygiene-no-such-secret .*went out without answer links; grant the audit role secretsmanager:GetSecretValue on the secret key-hygiene-no-such-secret/,
        ),
      },
    ]);
  });

  it('signs the links from the command line too, with ANSWER_PAGE_URL and ANSWER_SECRET in its environment', async () => {
    // Prepare: an operator's shell on the sandbox
    const settings = {
      AWS_ENDPOINT_URL: env.sandbox.url,
      MODE: '',
      NOTICES: 'on',
      REPORT_BUCKET: PAGE_BUCKET,
      REPORT_TOPIC_ARN: PAGE_TOPIC_ARN,
      NOTICE_SENDER: SENDER,
      OWNER_TRAIL_PAGES: '0',
      ANSWER_PAGE_URL: PAGE_URL,
      ANSWER_SECRET: PAGE_SECRET,
    };
    for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);

    // Act
    const code = await runCli(['audit', '--mode', 'enforce', '--yes', '--quiet'], process.env, {
      stdout: () => {},
      stderr: () => {},
    });

    // Assess: the run went through, and ana's notice carries her key's link
    const [toAna] = (await emails()).filter((e) => e.to.includes('ana@acme.example'));
    const [link] = linksIn(toAna?.text ?? '');
    const payload = JSON.parse(
      Buffer.from(new URL(link ?? '').searchParams.get('p') ?? '', 'base64url').toString(),
    );
    expect(code).toBe(0);
    expect(payload).toMatchObject({ u: 'ana', k: ANA_KEY, o: 'ana@acme.example' });
  });

  it('sends no link when the page has no address, and reads no secret', async () => {
    // Act
    await firstNight({ ANSWER_SECRET: PAGE_SECRET });

    // Assess
    const [toAna] = (await emails()).filter((e) => e.to.includes('ana@acme.example'));
    expect(toAna?.text).toContain(ANA_KEY);
    expect(toAna?.text).not.toContain('page.example');
    expect(await secretReads()).toBe(0);
  });
});
