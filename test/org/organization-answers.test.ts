import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { answerLink } from '../../src/answer/answer-link.js';
import { createClients, signingAccessKeyId } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { runOrganizationAudit } from '../../src/org/run-organization.js';
import { organizationRunDeps } from '../../src/runtime/organization-deps.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { coldStartPage, getEvent, postEvent } from '../support/answer-page.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

// The answer page for a member account's key, through the real SDK clients on the sandbox: the
// page (deployed with the auditor) reads and changes the key in the member account through the
// member role, only in an ACTIVE account of its organization, and records the answer in the
// auditor's bucket, where the organization run's member audit reads it and honours the snooze.

const DAY_MS = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY_MS).toISOString();

const MANAGEMENT = '100000000044';
const SHOP = '200000000055';
const LEGACY = '300000000066';
const AUDITOR_KEY = 'AKIAORGANSWERAUDITOR';
const BUCKET = 'org-answer-reports';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${MANAGEMENT}:key-hygiene-org-answers`;
const SECRET = 'key-hygiene-org-answer-link';
const LINK_KEY = 'org-answer-link-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH';
const ROLE = 'KeyHygieneMemberRole';
const SHOP_KEPT = 'AKIASHOPKEPT00000001';
const SHOP_OTHER = 'AKIASHOPOTHER0000001';
const LEGACY_KEY = 'AKIALEGACYKEY0000001';

const staleUser = (name: string, keyId: string) => ({
  name,
  createDate: daysAgo(500),
  tags: { owner: `${name}@example.com` },
  accessKeys: [
    {
      id: keyId,
      status: 'Active' as const,
      createDate: daysAgo(400),
      lastUsed: { date: daysAgo(120), service: 's3', region: 'eu-west-1' },
    },
  ],
});

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
            accessKeys: [{ id: AUDITOR_KEY, status: 'Active', createDate: daysAgo(30) }],
          },
        ],
        topics: [{ name: 'key-hygiene-org-answers' }],
        buckets: [{ name: BUCKET }],
        secrets: [{ name: SECRET, value: LINK_KEY }],
      },
      {
        id: SHOP,
        alias: 'org-shop',
        roles: [ROLE],
        users: [staleUser('kim', SHOP_KEPT), staleUser('lee', SHOP_OTHER)],
      },
      {
        id: LEGACY,
        alias: 'org-legacy',
        status: 'SUSPENDED',
        roles: [ROLE],
        users: [staleUser('old', LEGACY_KEY)],
      },
    ],
  };
}

const env = useSandbox(fixture);

/** A notice's link for `userName`'s key in `accountId`, signed with the deployment's key. */
const linkFor = (accountId: string, userName: string, accessKeyId: string, nonce: string) =>
  answerLink(
    {
      baseUrl: 'https://page.example/',
      accountId,
      userName,
      accessKeyId,
      deadline: new Date(Date.parse(NOW) + 7 * DAY_MS),
      nonce,
      owner: `${userName}@example.com`,
    },
    Buffer.from(LINK_KEY),
  );

/** The page deployed in the auditor's account, signing as the auditor. */
const page = () =>
  coldStartPage(env.sandbox, {
    AWS_ACCESS_KEY_ID: AUDITOR_KEY,
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
    REPORT_BUCKET: BUCKET,
    REPORT_TOPIC_ARN: TOPIC_ARN,
    ANSWER_SECRET: SECRET,
    MEMBER_ROLE_NAME: ROLE,
  });

const s3 = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
  });

const answersInBucket = async () =>
  ((await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'answers/' }))).Contents ?? []).map(
    (o) => o.Key,
  );

/** A user's tags in an account, from the sandbox's state (any account, no credentials). */
const tagsOf = (accountId: string, userName: string) =>
  Object.fromEntries(env.sandbox.state.findUser(accountId, userName)?.tags ?? []);

/** An enforce organization run (before notices: it acts on the first night past the threshold). */
async function organizationRun(): Promise<void> {
  const region = 'us-east-1';
  const options = {
    endpoint: env.sandbox.url,
    region,
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
  };
  const clients = createClients(options);
  const deps = organizationRunDeps(
    {
      ...clients,
      region,
      clock: () => env.sandbox.state.clock.now(),
      selfAccessKeyId: await signingAccessKeyId(clients.iam),
      logger: { info: () => undefined, warn: () => undefined },
    },
    options,
  );
  await runOrganizationAudit(
    deps,
    loadSettings({
      MODE: 'enforce',
      NOTICES: 'off',
      INVENTORY_SOURCE: 'live',
      REPORT_BUCKET: BUCKET,
      REPORT_TOPIC_ARN: TOPIC_ARN,
      MEMBER_ROLE_NAME: ROLE,
      OWNER_TRAIL_PAGES: '0',
    }),
    { notify: false },
  );
}

describe("Answer page: a member account's link", () => {
  it("shows the member's key, snoozes it in the member account through the member role, and the organization run keeps it", {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const handler = await page();
    const link = linkFor(SHOP, 'kim', SHOP_KEPT, 'nonce-for-kim-shop-0001');

    // Act: the owner opens the link, then keeps the key 14 days
    const shown = await handler(getEvent(link));
    const kept = await handler(postEvent(link, { choice: 'snooze', days: '14', reason: 'quarterly export' }));

    // Assess: the key read live in the member account, the tag written there
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.body).toContain(SHOP_KEPT);
    expect(shown.body).toContain('(s3 in eu-west-1)');
    expect(kept.statusCode, kept.body).toBe(200);
    const until = new Date(Date.parse(NOW) + 14 * DAY_MS).toISOString().slice(0, 10);
    expect(tagsOf(SHOP, 'kim')['key-hygiene:snoozed']).toBe(
      `${SHOP_KEPT}:${until}:1:nonce-for-kim-shop-0001`,
    );
    // The answer, in the auditor's bucket under the member's account id.
    expect(await answersInBucket()).toEqual([`answers/${SHOP}/nonce-for-kim-shop-0001.json`]);
    const record = await s3().send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `answers/${SHOP}/nonce-for-kim-shop-0001.json` }),
    );
    expect(JSON.parse((await record.Body?.transformToString()) ?? '')).toMatchObject({
      accountId: SHOP,
      who: 'kim@example.com',
      choice: 'snooze',
      until,
      reason: 'quarterly export',
    });

    // Act: the nightly organization run
    await organizationRun();

    // Assess: the snoozed key kept (its answer read from the auditor's bucket), the other acted on
    expect(env.sandbox.state.findKey(SHOP_KEPT)?.status).toBe('Active');
    expect(env.sandbox.state.findKey(SHOP_OTHER)?.status).toBe('Inactive');
  });

  it('deactivates a member key now when its owner answers so', async () => {
    // Prepare
    const handler = await page();
    const link = linkFor(SHOP, 'lee', SHOP_OTHER, 'nonce-for-lee-shop-0001');
    // Act
    const response = await handler(postEvent(link, { choice: 'deactivate' }));
    // Assess
    expect(response.statusCode, response.body).toBe(200);
    expect(env.sandbox.state.findKey(SHOP_OTHER)?.status).toBe('Inactive');
    expect(env.sandbox.state.findKey(SHOP_KEPT)?.status).toBe('Active');
  });

  it.each([
    ['a SUSPENDED member', LEGACY, 'old', LEGACY_KEY],
    ['an account outside the organization', '999999999999', 'old', LEGACY_KEY],
  ])('refuses a link for %s, changing nothing', async (_what, accountId, userName, keyId) => {
    // Prepare
    const handler = await page();
    const link = linkFor(accountId, userName, keyId, 'nonce-for-refused-00001');
    // Act
    const shown = await handler(getEvent(link));
    const answered = await handler(postEvent(link, { choice: 'deactivate' }));
    const snoozed = await handler(postEvent(link, { choice: 'snooze', days: '5', reason: 'still needed' }));
    // Assess
    for (const response of [shown, answered, snoozed]) {
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain(`cannot act in account ${accountId}`);
    }
    expect(env.sandbox.state.findKey(LEGACY_KEY)?.status).toBe('Active');
    expect(tagsOf(LEGACY, 'old')['key-hygiene:snoozed']).toBeUndefined();
    expect(await answersInBucket()).toEqual([]);
  });
});
