import { ListAccessKeysCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  ANA_KEY,
  answerRecords,
  BEN_KEY,
  coldStartPage,
  getEvent,
  linkFor,
  PAGE_TOPIC_ARN,
  pageFixture,
  pageState,
  postEvent,
} from '../support/answer-page.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const DAY_MS = 86_400_000;
const isoDay = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

describe('Handler: answerPage (function URL) on the sandbox', () => {
  const env = useSandbox(() => pageFixture());

  const snoozedTag = async (userName: string) =>
    (await env.iam.send(new ListUserTagsCommand({ UserName: userName }))).Tags?.find(
      (t) => t.Key === 'key-hygiene:snoozed',
    )?.Value;

  it('GET shows the key, its user, its live last use and the deadline, and changes nothing', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const deadline = new Date('2030-01-15T03:00:00Z');
    const before = await pageState(env);
    // Act
    const response = await handler(getEvent(linkFor({ deadline })));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(ANA_KEY);
    expect(response.body).toContain('<dd id="user-name">ana</dd>');
    expect(response.body).toMatch(
      /<dd id="last-used">\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(s3 in eu-west-1\)<\/dd>/,
    );
    expect(response.body).toContain('2030-01-15 03:00 UTC');
    expect(response.body).toContain('max="30"');
    expect(await pageState(env)).toEqual(before);
  });

  it('sends a strict CSP and the headers that keep the link and the page private', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    // Act
    const { headers } = await handler(getEvent(linkFor()));
    // Assess
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/,
    );
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

  it.each([
    ['forged (signed with another key)', () => linkFor({ key: 'not-the-deployment-key-0123456789abcdef' })],
    ['expired', () => linkFor({ deadline: new Date(Date.now() - 60_000) })],
    [
      'altered (another key named)',
      () => {
        const url = new URL(linkFor());
        const payload = JSON.parse(Buffer.from(url.searchParams.get('p') ?? '', 'base64url').toString());
        url.searchParams.set(
          'p',
          Buffer.from(JSON.stringify({ ...payload, k: BEN_KEY, u: 'ben' })).toString('base64url'),
        );
        return url.toString();
      },
    ],
    ['unsigned', () => 'https://page.example/?p=e30'],
  ])('refuses a %s link with 403 on GET and POST, and changes nothing', async (_label, link) => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const before = await pageState(env);
    // Act
    const got = await handler(getEvent(link()));
    const posted = await Promise.all(
      ['snooze', 'deactivate', 'not-mine'].map((choice) =>
        handler(postEvent(link(), { choice, days: '10', reason: 'still needed' })),
      ),
    );
    // Assess
    for (const response of [got, ...posted]) {
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('Link refused');
      // No detail of the key or the check leaks to whoever holds a bad link.
      expect(response.body).not.toContain(BEN_KEY);
      expect(response.body).not.toMatch(/hmac|signature|stack/i);
    }
    expect(await pageState(env)).toEqual(before);
  });

  it('refuses a link for another account, changing nothing', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const before = await pageState(env);
    // Act
    const response = await handler(
      postEvent(linkFor({ accountId: '222222222222' }), { choice: 'deactivate' }),
    );
    // Assess
    expect(response.statusCode).toBe(403);
    expect(await pageState(env)).toEqual(before);
  });

  it('POST snooze writes the snooze tag and the answer record (who, when, choice, until, why)', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const deadline = new Date(Date.now() + 3 * DAY_MS);
    // Act
    const response = await handler(
      postEvent(linkFor({ deadline }), {
        choice: 'snooze',
        days: '14',
        reason: 'nightly export; moving to a role',
      }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`stays active until ${isoDay(14)}`);
    expect(await snoozedTag('ana')).toBe(`${ANA_KEY}:${isoDay(14)}:1:nonce-for-ana-key-0001`);
    const [record, ...others] = await answerRecords(env);
    expect(others).toEqual([]);
    expect(record).toEqual({
      accountId: '111111111111',
      userName: 'ana',
      accessKeyId: ANA_KEY,
      nonce: 'nonce-for-ana-key-0001',
      who: 'ana@acme.example',
      answeredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      choice: 'snooze',
      until: isoDay(14),
      reason: 'nightly export; moving to a role',
      deadline: deadline.toISOString(),
    });
  });

  it('refuses a second use of the link with a plain message, and the second answer changes nothing', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const link = linkFor();
    await handler(postEvent(link, { choice: 'snooze', days: '7', reason: 'release week' }));
    const afterFirst = await pageState(env);
    // Act
    const second = await handler(postEvent(link, { choice: 'deactivate' }));
    // Assess
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('This link has already been used: each link works once.');
    expect(await pageState(env)).toEqual(afterFirst);
    const keys = await env.iam.send(new ListAccessKeysCommand({ UserName: 'ana' }));
    expect(keys.AccessKeyMetadata?.[0]?.Status).toBe('Active');
  });

  it('lets exactly one of two concurrent answers act (the conditional write decides)', async () => {
    // Prepare: every call takes 150 ms, so both requests pass their checks before either writes.
    const handler = await coldStartPage(env.sandbox);
    const link = linkFor();
    env.sandbox.faults.configure({ latencyMs: 150 });
    // Act
    const responses = await Promise.all([
      handler(postEvent(link, { choice: 'deactivate' })),
      handler(postEvent(link, { choice: 'snooze', days: '30', reason: 'racing answer' })),
    ]);
    env.sandbox.faults.configure({ latencyMs: 0 });
    // Assess
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const records = await answerRecords(env);
    expect(records).toHaveLength(1);
    const winner = records[0]?.choice;
    const status = (await env.iam.send(new ListAccessKeysCommand({ UserName: 'ana' }))).AccessKeyMetadata?.[0]
      ?.Status;
    const tag = await snoozedTag('ana');
    // Only the winner's change happened.
    expect(winner === 'deactivate' ? [status, tag] : [status, tag !== undefined]).toEqual(
      winner === 'deactivate' ? ['Inactive', undefined] : ['Active', true],
    );
  });

  it('POST deactivate makes the key inactive and records the answer', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    // Act
    const response = await handler(postEvent(linkFor(), { choice: 'deactivate' }));
    // Assess
    expect(response.statusCode).toBe(200);
    const keys = await env.iam.send(new ListAccessKeysCommand({ UserName: 'ana' }));
    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).toEqual([[ANA_KEY, 'Inactive']]);
    expect((await answerRecords(env)).map((r) => [r.choice, r.until, r.reason])).toEqual([
      ['deactivate', null, null],
    ]);
  });

  it('says the answer was recorded but not carried out when IAM refuses the change, and the link stays used', async () => {
    // Prepare: as IAM would for a user the role's Deny on exempt users covers
    const handler = await coldStartPage(env.sandbox);
    env.sandbox.faults.add({ operation: 'iam:UpdateAccessKey', code: 'AccessDenied' });
    const link = linkFor();
    // Act
    const response = await handler(postEvent(link, { choice: 'deactivate' }));
    const again = await handler(postEvent(link, { choice: 'deactivate' }));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain(
      `Your answer (deactivate) for key ${ANA_KEY} of ana was recorded, but it could not be carried out.`,
    );
    expect(response.body).not.toMatch(/AccessDenied|not authorized/i);
    expect(again.statusCode).toBe(409);
    expect((await answerRecords(env)).map((r) => r.choice)).toEqual(['deactivate']);
  });

  it('answers 503 with a plain message when its link key cannot be read, naming no secret', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox, { ANSWER_SECRET: 'key-hygiene-test-missing-secret' });
    const before = await pageState(env);
    // Act
    const response = await handler(postEvent(linkFor(), { choice: 'deactivate' }));
    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('The page cannot check links right now.');
    expect(response.body).not.toContain('secret');
    expect(await pageState(env)).toEqual(before);
  });

  it('POST "not mine" tells the security team on the report topic and leaves the key alone', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    // Act
    const response = await handler(postEvent(linkFor(), { choice: 'not-mine' }));
    // Assess
    expect(response.statusCode).toBe(200);
    const published = (await (
      await fetch(`${env.sandbox.url}/_sandbox/published?topicArn=${encodeURIComponent(PAGE_TOPIC_ARN)}`)
    ).json()) as { messages: { subject: string; message: string }[] };
    expect(published.messages).toHaveLength(1);
    expect(published.messages[0]?.message).toContain(
      `ana@acme.example answered "not mine" for access key ${ANA_KEY} of IAM user ana in account 111111111111.`,
    );
    const keys = await env.iam.send(new ListAccessKeysCommand({ UserName: 'ana' }));
    expect(keys.AccessKeyMetadata?.[0]?.Status).toBe('Active');
  });

  it.each([
    ['more days than snoozeMaxDays', { choice: 'snooze', days: '31', reason: 'x' }, 'at most 30 days'],
    ['no reason', { choice: 'snooze', days: '5', reason: '   ' }, 'Say why the key is still needed.'],
    ['zero days', { choice: 'snooze', days: '0', reason: 'x' }, 'at least 1 day'],
    ['no choice', {}, 'Choose one of the three answers.'],
  ])('refuses a snooze with %s (400), without using up the link', async (_label, fields, message) => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const before = await pageState(env);
    // Act
    const refused = await handler(postEvent(linkFor(), fields));
    // Assess
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(message);
    expect(await pageState(env)).toEqual(before);
    const retried = await handler(postEvent(linkFor(), { choice: 'snooze', days: '30', reason: 'fixed it' }));
    expect(retried.statusCode).toBe(200);
  });

  it('allows one snooze per key by default: a key kept once cannot be kept again, and nothing changes', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const link = linkFor({ userName: 'ben', accessKeyId: BEN_KEY, nonce: 'nonce-for-ben-key-0001' });
    const before = await pageState(env);
    // Act
    const page = await handler(getEvent(link));
    const posted = await handler(postEvent(link, { choice: 'snooze', days: '5', reason: 'again' }));
    // Assess
    expect(page.body).toContain('This key was already kept once');
    expect(page.body).not.toContain('id="choice-snooze"');
    expect(posted.statusCode).toBe(409);
    expect(await pageState(env)).toEqual(before);
  });

  it('lets the security team allow a second snooze (SNOOZE_LIMIT=2), counted in the tag', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox, { SNOOZE_LIMIT: '2' });
    const link = linkFor({ userName: 'ben', accessKeyId: BEN_KEY, nonce: 'nonce-for-ben-key-0002' });
    // Act
    const posted = await handler(postEvent(link, { choice: 'snooze', days: '5', reason: 'quarter end' }));
    // Assess
    expect(posted.statusCode).toBe(200);
    expect(await snoozedTag('ben')).toBe(`${BEN_KEY}:${isoDay(5)}:2:nonce-for-ben-key-0002`);
  });

  it('answers 410 for a key that no longer belongs to the link user, changing nothing', async () => {
    // Prepare
    const handler = await coldStartPage(env.sandbox);
    const before = await pageState(env);
    // Act: a link naming ana with ben's key (signed: a mistake, not a forgery)
    const response = await handler(postEvent(linkFor({ accessKeyId: BEN_KEY }), { choice: 'deactivate' }));
    // Assess
    expect(response.statusCode).toBe(410);
    expect(await pageState(env)).toEqual(before);
  });
});
