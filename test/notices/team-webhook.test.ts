import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditOutcome, auditAccount } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js';

// The team's Slack webhook, through the real SDK clients on the sandbox and a local stand-in for
// Slack: when the team directory names a webhook for a team, the stages that went out tonight for
// its users' keys are posted there, one post per team, and never the same stage twice.

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const SENDER = 'notices@example.com';
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
const KEYS = { alice: 'AKIAALICE00000000001', ana: 'AKIAANA0000000000001', bob: 'AKIABOB0000000000001' };
const WEBHOOK_PARAMETER = '/key-hygiene/slack/payments';

const stale = (id: string) => ({
  id,
  status: 'Active' as const,
  createDate: daysAgo(400),
  lastUsed: { date: daysAgo(100), service: 's3', region: 'us-east-1' },
});

let slack: WebhookServer;
// Slack's stand-in starts first: its URL goes into the fixture's SecureString.
beforeAll(async () => {
  slack = await startWebhookServer();
});
afterAll(async () => {
  await slack.close();
});

function fixture(): FixtureInput {
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        buckets: [{ name: BUCKET }],
        ses: { identities: [SENDER] },
        parameters: [
          {
            name: '/key-hygiene/owners/teams',
            type: 'String',
            value: JSON.stringify({
              payments: { emails: ['payments@example.com'], slackWebhookParameter: WEBHOOK_PARAMETER },
              data: { emails: ['data@example.com'] },
            }),
          },
          { name: WEBHOOK_PARAMETER, type: 'SecureString', value: slack.url },
        ],
        users: [
          {
            name: 'alice',
            createDate: daysAgo(500),
            tags: { team: 'payments', owner: 'alice@example.com' },
            accessKeys: [stale(KEYS.alice)],
          },
          // No owner tag: the team directory's address is the owner.
          {
            name: 'ana',
            createDate: daysAgo(500),
            tags: { team: 'payments' },
            accessKeys: [stale(KEYS.ana)],
          },
          { name: 'bob', createDate: daysAgo(500), tags: { team: 'data' }, accessKeys: [stale(KEYS.bob)] },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let deps: AuditDeps;

const audit = (): Promise<AuditOutcome> =>
  auditAccount(deps, {
    settings: loadSettings({
      MODE: 'enforce',
      INVENTORY_SOURCE: 'live',
      REPORT_BUCKET: BUCKET,
      NOTICE_SENDER: SENDER,
      OWNER_TRAIL_PAGES: '0',
      TEAM_DIRECTORY: 'ssm:/key-hygiene/owners/teams',
    }),
  });

async function night(days: number): Promise<void> {
  const now = new Date(Date.parse(NOW) + days * DAY).toISOString();
  await fetch(`${env.sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now }) });
}

/** Each post's lines that name a key, as "key: what". */
const postedLines = (): string[][] =>
  (slack.bodies as { blocks?: { type: string; text?: { text: string } }[] }[]).map((body) =>
    (body.blocks ?? [])
      .filter((b) => b.type === 'section')
      .flatMap((b) => (b.text?.text ?? '').split('\n'))
      .filter((line) => line.startsWith('• ')),
  );

describe("Notices: the team's Slack webhook", () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), createOwnerClients(options));
  });

  it("posts tonight's notices of a team's keys to its webhook in one post, and nothing for a team without one", async () => {
    // Prepare
    slack.bodies.length = 0;
    // Act
    const { report } = await audit();
    // Assess
    expect(report.errors).toEqual([]);
    expect(postedLines()).toEqual([
      [
        `• \`${KEYS.alice}\` of alice: will be deactivated unless used, on or after 2026-11-27 (told: alice@example.com)`,
        `• \`${KEYS.ana}\` of ana: will be deactivated unless used, on or after 2026-11-27 (told: payments@example.com)`,
      ],
    ]);
    expect(JSON.stringify(slack.bodies)).not.toContain(KEYS.bob);
    expect(JSON.stringify(slack.bodies)).toContain(`team payments in AWS account ${ACCOUNT}`);
  });

  it('never posts the same stage twice: not on a second run the same night, only the final reminder the day before', async () => {
    // Prepare
    slack.bodies.length = 0;
    await audit();
    // Act
    await audit();
    await night(3);
    await audit();
    const beforeReminder = postedLines().length;
    await night(6);
    await audit();
    // Assess
    expect(beforeReminder).toBe(1);
    expect(postedLines()).toHaveLength(2);
    expect(postedLines()[1]).toEqual([
      `• \`${KEYS.alice}\` of alice: final reminder: deactivated unless used on 2026-11-27 (told: alice@example.com)`,
      `• \`${KEYS.ana}\` of ana: final reminder: deactivated unless used on 2026-11-27 (told: payments@example.com)`,
    ]);
  });

  it('posts each stage once when two runs overlap', async () => {
    // Prepare
    slack.bodies.length = 0;
    // Act
    await Promise.all([audit(), audit()]);
    // Assess
    const keys = postedLines()
      .flat()
      .map((line) => /`(\w+)`/.exec(line)?.[1]);
    expect(keys.sort()).toEqual([KEYS.alice, KEYS.ana]);
  });

  it('reports a webhook Slack refuses, naming the team and the parameter but never the URL, and still counts the notices sent', async () => {
    // Prepare
    slack.bodies.length = 0;
    slack.answer(404, 'no_service');
    // Act
    const { report } = await audit();
    slack.answer(200);
    // Assess
    const error = report.errors.find((e) => e.operation === 'slack:team-webhook');
    expect(error?.message).toContain(`team payments (account ${ACCOUNT})`);
    expect(error?.message).toContain(WEBHOOK_PARAMETER);
    expect(JSON.stringify(report)).not.toContain(slack.secret);
    expect(report.notices).toMatchObject({ messagesSent: 3, stagesSent: 3 });
  });
});
