import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { deliverReport } from '../../src/deliver.js';
import { auditReportSchema } from '../../src/report/schema.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { teamReport } from '../report/sample-report.js';
import { ACCOUNT, deliveriesTo, startTopicSandbox } from '../support/topic-sandbox.js';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
const QUEUE = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

let sandbox: RunningSandbox;
let sns: SNSClient;

const received = (endpoint: string) => deliveriesTo(sandbox, endpoint);

const warnings: Array<[string, Record<string, unknown>]> = [];
const logger = {
  info: () => undefined,
  warn: (message: string, extra: Record<string, unknown>) => {
    warnings.push([message, extra]);
  },
};

describe('Per-team routing through SNS filter policies', () => {
  beforeAll(async () => {
    ({ sandbox, sns } = await startTopicSandbox('key-hygiene-reports', [
      { protocol: 'sqs', endpoint: QUEUE('payments'), filterPolicy: { team: ['payments'] } },
      { protocol: 'sqs', endpoint: QUEUE('data'), filterPolicy: { team: ['data-platform'] } },
      { protocol: 'email', endpoint: 'secops@example.com', filterPolicy: { team: [{ exists: false }] } },
      { protocol: 'sqs', endpoint: QUEUE('everything') },
    ]));
  });

  afterAll(async () => {
    sns?.destroy();
    await sandbox?.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    warnings.length = 0;
  });

  it('gives each team only its own findings, actions and exemptions, and the security team only the full report', async () => {
    // Prepare
    const report = teamReport();
    const settings = loadSettings({ REPORT_TOPIC_ARN: TOPIC_ARN });

    // Act
    const delivery = await deliverReport({ sns, region: 'us-east-1', logger }, settings, report);

    // Assess
    expect(delivery.teamMessages?.map((m) => m.team)).toEqual(['payments', 'data-platform']);
    const [payments, ...morePayments] = await received(QUEUE('payments'));
    expect(morePayments).toEqual([]);
    expect(payments?.messageAttributes.team).toEqual({ DataType: 'String', StringValue: 'payments' });
    expect(payments?.subject).toBe(
      '[key-hygiene] 111111111111 team payments: 1 deactivated, 1 failed, 2 to review',
    );
    const sent = auditReportSchema.parse(JSON.parse(JSON.parse(payments?.payload ?? '{}').Message));
    expect(sent.team).toBe('payments');
    expect(new Set(sent.findings.map((f) => f.userName))).toEqual(new Set(['alice', 'bob', 'dave']));
    expect(sent.actions.map((a) => a.userName).sort()).toEqual(['alice', 'bob', 'dave']);
    expect(sent.exempt.map((e) => e.userName)).toEqual(['judy']);
    expect(sent.summary.findings).toBe(sent.findings.length);
    expect(sent.summary.highestSeverity).toBe('high');

    const data = await received(QUEUE('data'));
    expect(data.map((d) => d.subject)).toEqual([
      '[key-hygiene] 111111111111 team data-platform: 1 deactivated, 1 to review',
    ]);

    const email = await received('secops@example.com');
    expect(email).toHaveLength(1);
    expect(email[0]?.messageAttributes.team).toBeUndefined();
    expect(email[0]?.payload).toContain('Account 111111111111 (enforce');
    expect(email[0]?.payload).toContain('svc-legacy-ftp');

    expect((await received(QUEUE('everything'))).map((d) => d.messageAttributes.team?.StringValue)).toEqual([
      undefined,
      'payments',
      'data-platform',
    ]);
  });

  it('names the team in the email text of its copy', async () => {
    // Act
    await deliverReport(
      { sns, region: 'us-east-1', logger },
      loadSettings({ REPORT_TOPIC_ARN: TOPIC_ARN }),
      teamReport(),
    );

    // Assess
    const [message] = sandbox.state.published.filter(
      (m) => m.messageAttributes.team?.StringValue === 'payments',
    );
    expect(message?.bodies.email).toContain(
      'Team payments, account 111111111111 (enforce, as of 2026-11-20)',
    );
    expect(message?.bodies.email).not.toContain('gina');
    expect(message?.bodies.default).toMatch(/^key-hygiene: Team payments, account 111111111111/);
  });

  it('sends at most maxTeamMessages team copies, the most urgent first, and warns about the rest', async () => {
    // Act
    const delivery = await deliverReport(
      { sns, region: 'us-east-1', logger },
      loadSettings({ REPORT_TOPIC_ARN: TOPIC_ARN, MAX_TEAM_MESSAGES: '1' }),
      teamReport(),
    );

    // Assess
    expect(delivery.teamMessages?.map((m) => m.team)).toEqual(['payments']);
    expect(sandbox.state.published).toHaveLength(2);
    expect(warnings).toEqual([
      [
        'more teams than team messages allowed; the full report still has them',
        expect.objectContaining({ maxTeamMessages: 1, omittedTeams: 1, firstOmitted: ['data-platform'] }),
      ],
    ]);
  });

  it('sends only the full report when routing is off or nobody is tagged', async () => {
    // Act
    await deliverReport(
      { sns, region: 'us-east-1', logger },
      loadSettings({ REPORT_TOPIC_ARN: TOPIC_ARN, MAX_TEAM_MESSAGES: '0' }),
      teamReport(),
    );

    // Assess
    expect(sandbox.state.published).toHaveLength(1);
    expect(await received(QUEUE('payments'))).toEqual([]);
  });
});
