import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { deliverReport } from '../../src/deliver.js';
import type { AuditReport } from '../../src/model.js';
import type { SlackMessage } from '../../src/render/slack-blocks.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { finding, hostileReport, largeReport, teamReport } from '../report/sample-report.js';
import {
  ACCOUNT,
  closedPort,
  deliveriesTo,
  sampleArchive,
  startTopicSandbox,
} from '../support/topic-sandbox.js';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-test-reports`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:key-hygiene-test-slackNotifier`;
const PARAMETER = '/key-hygiene/slack-webhook';

const context = {
  functionName: 'key-hygiene-test-slackNotifier',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Handler = (
  event: unknown,
  context: Context,
) => Promise<{ posted: number; rejected: number; skipped?: number }>;

let sandbox: RunningSandbox;
let webhook: WebhookServer;
let sns: SNSClient;
let logs: string[];

const silent = { info: () => undefined, warn: () => undefined };

/** Imports the handler fresh, as a cold start would, with its output captured. */
async function coldStart(): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL', sandbox.url);
  vi.stubEnv('SLACK_WEBHOOK_PARAMETER', PARAMETER);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('MODE', 'report');
  const module = await import('../../handlers/slack-notifier.js');
  return module.handler as unknown as Handler;
}

/** Publishes the report as the audit does and returns the Lambda event the Slack subscription got. */
async function publishAndReceive(report: AuditReport, maxTeamMessages = 50): Promise<unknown[]> {
  const settings = { ...loadSettings({ REPORT_TOPIC_ARN: TOPIC_ARN }), maxTeamMessages };
  await deliverReport({ sns, region: 'us-east-1', logger: silent }, settings, report);
  return (await deliveriesTo(sandbox, FUNCTION_ARN)).map((d) => JSON.parse(d.payload));
}

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
}

describe('Handler: slackNotifier against the sandbox and a local webhook', () => {
  beforeAll(async () => {
    webhook = await startWebhookServer();
    ({ sandbox, sns } = await startTopicSandbox(
      'key-hygiene-test-reports',
      [
        {
          protocol: 'lambda',
          endpoint: FUNCTION_ARN,
          filterPolicy: { team: [{ exists: false }], mode: ['report', 'enforce'] },
        },
      ],
      [{ name: PARAMETER, type: 'SecureString', value: webhook.url }],
    ));
  });

  afterAll(async () => {
    sns?.destroy();
    await sandbox?.close();
    await webhook?.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    webhook.bodies.length = 0;
    webhook.answer(200);
    logs = [];
    const capture = (chunk: unknown) => {
      logs.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('posts the full report once, not the team copies, with header, actions, findings, coming up and archive link', async () => {
    // Prepare
    const report = {
      ...teamReport(),
      archive: sampleArchive('20261120T030000Z-1a2b3c'),
    } as AuditReport;
    const handler = await coldStart();

    // Act
    const events = await publishAndReceive(report);
    const results = [];
    for (const event of events) results.push(await handler(event, context));

    // Assess
    expect(events).toHaveLength(1);
    expect(results).toEqual([{ posted: 1, rejected: 0, skipped: 0 }]);
    const [message] = webhook.bodies as SlackMessage[];
    const header = message?.blocks[0];
    expect(header).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        emoji: true,
        text: 'key-hygiene 111111111111: 1 critical, 2 deactivated, 1 deleted, 1 failed, 9 to review',
      },
    });
    const text = sectionTexts(message as SlackMessage).join('\n');
    expect(text).toContain('*What was done (4)*');
    expect(text).toContain('• Deactivated `alice` `AKIAALICE00000000001` (unused-key)');
    expect(text).toContain(
      '• :x: Failed to deactivate `bob` `AKIABOB0000000000001` (unused-key): AccessDenied',
    );
    expect(text).toContain(
      '• :red_circle: *critical* `&lt;root_account&gt;` `AKIAROOTKEY000000001` · root-access-key',
    );
    expect(text).toContain('*Coming up (inside the warning window) (2)*');
    expect(text).toContain('• `gina` `AKIAGINA000000000001`: Key unused for 80 days');
    const link = (ext: string) =>
      `https://console.aws.amazon.com/s3/object/acme-key-hygiene-reports?prefix=reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c.${ext}`;
    expect(text).toContain(
      `:file_folder: Archived report: <${link('html')}|full report (HTML)> · <${link('json')}|JSON> · <${link('csv')}|CSV>`,
    );
    expect(message?.text).toMatch(/^key-hygiene: Account 111111111111 \(enforce/);
  });

  it('keeps to Slack limits for a 50,000-finding report cut by SNS, saying how many more there are', async () => {
    // Prepare
    const handler = await coldStart();
    const [event] = await publishAndReceive(largeReport(50_000), 0);

    // Act
    await handler(event, context);

    // Assess
    const [message] = webhook.bodies as SlackMessage[];
    expect(message?.blocks.length).toBeLessThanOrEqual(50);
    for (const block of message?.blocks ?? []) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    }
    const findings = sectionTexts(message as SlackMessage).filter((t) => t.startsWith('*Top findings'));
    const shown = findings
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('• ')).length;
    expect(findings[0]).toMatch(/^\*Top findings \(\d+\)\*/);
    const total = Number(/^\*Top findings \((\d+)\)/.exec(findings[0] ?? '')?.[1]);
    expect(total).toBeGreaterThan(40_000);
    expect(findings.join('\n')).toContain(`…and ${total - shown} more findings in the full report`);
  });

  it('escapes user names and tag values: no mention, no link, no formatting from the account', async () => {
    // Prepare
    const hostile = hostileReport();
    const report: AuditReport = {
      ...hostile,
      findings: [
        finding({
          ruleId: 'unused-key',
          severity: 'high',
          userName: '<!channel>',
          accessKeyId: 'AKIAMALLORY000000002',
          controls: [],
          message: 'Key of <!channel> *bold* _it_ ~strike~ `code` @here unused.',
          action: 'deactivate',
        }),
        ...hostile.findings,
      ],
      exempt: [
        { ...(hostile.exempt[0] as AuditReport['exempt'][number]), reason: '<https://evil.example|x> & *_~' },
      ],
    };
    const handler = await coldStart();

    // Act
    for (const event of await publishAndReceive(report, 0)) await handler(event, context);

    // Assess
    const [message] = webhook.bodies as SlackMessage[];
    const texts = [
      ...sectionTexts(message as SlackMessage),
      ...(message?.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [])) ?? []),
    ];
    const all = texts.join('\n');
    expect(all).toContain('`&lt;!channel&gt;`');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil');
    expect(all).toContain('&lt;https://evil.example|x&gt; &amp; ∗＿∼');
    expect(all).toContain('@\u2060here');
    for (const text of texts) {
      // Outside code spans, no formatting character comes from the account.
      const outside = text
        .replace(/`[^`]*`/g, '')
        .replace(/:[a-z_]+:/g, '')
        .replace(
          /\*(Top findings|What was done|Exempt|Coming up[^*]*|high|critical|medium|low|info|Incomplete run)[^*]*\*/g,
          '',
        );
      expect(outside, text).not.toMatch(/[<>]/);
      expect(outside, text).not.toMatch(/[*_~]/);
    }
  });

  it('logs a 4xx with Slack’s answer and does not throw; never logs the webhook URL', async () => {
    // Prepare
    webhook.answer(400, 'invalid_payload');
    const handler = await coldStart();
    const [event] = await publishAndReceive(teamReport(), 0);

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({ posted: 0, rejected: 1, skipped: 0 });
    const line = logs.find((l) => l.includes('Slack refused the report'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'ERROR',
      status: 400,
      slackResponse: 'invalid_payload',
    });
    expect(logs.join('')).not.toContain(webhook.secret);
  });

  it('is not sent undo notices, and logs and skips any message that is not an audit report', async () => {
    // Prepare
    const handler = await coldStart();
    const publish = (mode: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: TOPIC_ARN,
          Message: '{"kind": "something else"}',
          MessageAttributes: { mode: { DataType: 'String', StringValue: mode } },
        }),
      );
    await publish('undo');
    await publish('report');
    const events = (await deliveriesTo(sandbox, FUNCTION_ARN)).map((d) => JSON.parse(d.payload));

    // Act
    const results = [];
    for (const event of events) results.push(await handler(event, context));

    // Assess
    expect(results).toEqual([{ posted: 0, rejected: 0, skipped: 1 }]);
    expect(webhook.bodies).toEqual([]);
    expect(logs.some((l) => l.includes('is not a key-hygiene audit report'))).toBe(true);
  });

  it('throws on a 5xx so SNS and Lambda retry, without the URL in the error', async () => {
    // Prepare
    webhook.answer(503, 'service_unavailable');
    const handler = await coldStart();
    const [event] = await publishAndReceive(teamReport(), 0);

    // Act
    const error = (await handler(event, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('SlackDeliveryError');
    expect(error.message).toContain('Slack answered 503 (service_unavailable)');
    expect(error.message).not.toContain(webhook.secret);
    expect(webhook.bodies).toHaveLength(1);
  });

  it.each([302, 307])(
    'refuses a %s redirect: the report goes nowhere else, and the invocation fails so it is retried and alarmed',
    async (status) => {
      // Prepare
      const elsewhere = await startWebhookServer();
      webhook.redirect(status, elsewhere.url);
      const handler = await coldStart();
      const [event] = await publishAndReceive(teamReport(), 0);

      // Act
      const error = (await handler(event, context).catch((e: unknown) => e)) as Error;
      await elsewhere.close();

      // Assess
      expect(error.name).toBe('SlackDeliveryError');
      expect(error.message).toContain(`Slack answered ${status}, a redirect`);
      expect(error.message).not.toContain(webhook.secret);
      expect(webhook.bodies).toHaveLength(1);
      expect(elsewhere.bodies).toEqual([]);
    },
  );

  it('throws when the webhook cannot be reached at all', async () => {
    // Prepare
    await fetch(`${sandbox.url}/_sandbox/parameters`, {
      method: 'POST',
      body: JSON.stringify({
        name: PARAMETER,
        value: `http://127.0.0.1:${await closedPort()}/services/T0/B0/XXsecretXX`,
      }),
    });
    const handler = await coldStart();
    const [event] = await publishAndReceive(teamReport(), 0);

    // Act
    const error = (await handler(event, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('SlackDeliveryError');
    expect(error.message).toMatch(/to Slack failed \(ECONNREFUSED\)/);
    expect(error.message).not.toContain('XXsecretXX');
  });

  it('reads the parameter once per cold start and reuses it across invocations', async () => {
    // Prepare
    const handler = await coldStart();
    const [event] = await publishAndReceive(teamReport(), 0);

    // Act
    await handler(event, context);
    await handler(event, context);
    await handler(event, context);

    // Assess
    const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as {
      services: Record<string, { actions: Record<string, { total: number }> }>;
    };
    expect(calls.services.ssm?.actions.GetParameter?.total).toBe(1);
    expect(webhook.bodies).toHaveLength(3);
  });

  it('fails with the parameter named when it does not exist', async () => {
    // Prepare
    vi.stubEnv('SLACK_WEBHOOK_PARAMETER', '/no/such/parameter');
    vi.resetModules();
    vi.stubEnv('AWS_ENDPOINT_URL', sandbox.url);
    vi.stubEnv('MODE', 'report');
    const handler = (await import('../../handlers/slack-notifier.js')).handler as unknown as Handler;
    const [event] = await publishAndReceive(teamReport(), 0);

    // Act
    const error = (await handler(event, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.message).toContain('SSM parameter /no/such/parameter');
    expect(error.message).toContain('ssm:GetParameter');
    expect(webhook.bodies).toEqual([]);
  });
});
