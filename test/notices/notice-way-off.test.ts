import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { createOwnerClients } from '../../src/aws/owner-clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { composeNotice } from '../../src/notices/compose-notice.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

// Issue 23's last piece, through the real SDK clients on the sandbox: a key whose CloudTrail usage
// points to a profile gets the way off that profile in its owner's notice, in the text part and the
// HTML part; a key without evidence gets none.

const NOW = '2026-11-20T03:00:00Z';
const ACCOUNT = '111111111111';
const BUCKET = 'acme-reports';
const SENDER = 'notices@example.com';
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
const CI_KEY = 'AKIABUILD00000000001';
const QUIET_KEY = 'AKIAQUIET00000000001';
const GITHUB_CLI =
  'aws-cli/2.17.50 md/awscrt#0.21.2 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/GitHubActions cfg/retry-mode#standard';

function fixture(): FixtureInput {
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        buckets: [{ name: BUCKET }],
        ses: { identities: [SENDER] },
        users: [
          {
            // In the warning window (80 days idle): noticed tonight; CloudTrail saw a pipeline.
            name: 'build',
            createDate: daysAgo(500),
            tags: { owner: 'build@example.com' },
            accessKeys: [
              {
                id: CI_KEY,
                status: 'Active',
                createDate: daysAgo(400),
                lastUsed: { date: daysAgo(80), service: 'sts', region: 'us-east-1' },
              },
            ],
          },
          {
            // Idle for 120 days: beyond the evidence window, so no profile and no way off.
            name: 'quiet',
            createDate: daysAgo(500),
            tags: { owner: 'quiet@example.com' },
            accessKeys: [
              {
                id: QUIET_KEY,
                status: 'Active',
                createDate: daysAgo(400),
                lastUsed: { date: daysAgo(120), service: 's3', region: 'us-east-1' },
              },
            ],
          },
        ],
        cloudTrailHistories: [
          {
            accessKeyId: CI_KEY,
            userName: 'build',
            from: daysAgo(89),
            to: daysAgo(80),
            events: 40,
            sourceIPs: ['198.51.100.14'],
            userAgents: [GITHUB_CLI],
            calls: [{ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' }],
            regions: ['us-east-1'],
          },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
let deps: AuditDeps;

interface Email {
  to: string[];
  text: string | null;
  html: string | null;
}
const emailTo = async (address: string): Promise<Email | undefined> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/emails`)).json()) as { emails: Email[] }).emails.find(
    (e) => e.to.includes(address),
  );

describe("Notices: the way off in the owner's notice", () => {
  beforeAll(() => {
    const options = { endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 };
    deps = sandboxAuditDeps(env.sandbox, createClients(options), {
      ...createOwnerClients(options),
      evidenceTrail: (region: string) => new CloudTrailClient({ ...options, region }),
      sleep: async (ms) => {
        env.sandbox.state.clock.advance(ms);
      },
    });
  });

  it('tells the owner of a key CloudTrail saw used by a pipeline to move it to an OIDC role, in both parts', async () => {
    // Act
    const report = await runAudit(deps, {
      settings: loadSettings({
        MODE: 'enforce',
        INVENTORY_SOURCE: 'live',
        REPORT_BUCKET: BUCKET,
        NOTICE_SENDER: SENDER,
        OWNER_TRAIL_PAGES: '0',
        EVIDENCE: 'on',
      }),
    });
    // Assess
    expect(report.evidence?.map((e) => [e.accessKeyId, e.profile])).toEqual([[CI_KEY, 'pipeline']]);
    const mail = await emailTo('build@example.com');
    const text = (mail?.text ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Way off (used as: pipeline): Replace the key with');
    expect(text).toMatch(/OIDC/);
    expect(text).toContain(
      'How: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
    );
    expect(mail?.html).toContain('<th style="padding:4px 8px');
    expect(mail?.html).toMatch(/>Way off<\/th><td[^>]*>Used as: pipeline\. Replace the key with/);
    expect(mail?.html).toContain(
      '<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"',
    );
    const quiet = await emailTo('quiet@example.com');
    expect(quiet?.text).toContain(QUIET_KEY);
    expect(quiet?.text).not.toContain('Way off');
    expect(quiet?.html).not.toContain('Way off');
  });
});

describe('Function: composeNotice', () => {
  it('escapes a way off in the HTML part and cleans it in the text part', () => {
    // Act
    const message = composeNotice(
      [
        {
          stage: 'notice',
          userName: 'ana',
          accessKeyId: 'AKIAANA0000000000001',
          deadline: '2026-11-27',
          usage: 'not used for 80 days',
          answerLink: null,
          wayOff: {
            profile: 'person',
            line: 'Use <b>Identity Center</b>\u0007.',
            url: 'https://x.example/"a',
          },
        },
      ],
      { accountId: ACCOUNT, runId: 'r1', contact: 'the security team', ownerNote: 'You own these.' },
    );
    // Assess
    expect(message.html).toContain('Used as: person. Use &lt;b&gt;Identity Center&lt;/b&gt;');
    expect(message.html).toContain('href="https://x.example/&quot;a"');
    expect(message.text).toContain('Way off (used as: person): Use <b>Identity Center</b>');
    expect(message.text).not.toContain('\u0007');
  });
});
