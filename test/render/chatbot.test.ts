import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { publishReport } from '../../src/notify/publish.js';
import { CHATBOT_LIMITS, type ChatbotNotification, renderChatbot } from '../../src/render/chatbot.js';
import { auditReportSchema } from '../../src/report/schema.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { finding, largeReport, reportModeReport, sampleReport } from '../report/sample-report.js';
import { ACCOUNT, deliveriesTo, sampleArchive, startTopicSandbox } from '../support/topic-sandbox.js';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
/** The endpoint Amazon Q Developer in chat applications subscribes with. */
const CHATBOT = 'https://global.sns-api.chatbot.amazonaws.com';

let sandbox: RunningSandbox;
let sns: SNSClient;

/** What the chat service's HTTPS subscription received: the notification inside SNS's envelope. */
async function received(): Promise<ChatbotNotification[]> {
  const deliveries = await deliveriesTo(sandbox, CHATBOT);
  return deliveries.map((d) => JSON.parse(JSON.parse(d.payload).Message) as ChatbotNotification);
}

describe('Amazon Q Developer in chat applications (chatFormat: chatbot)', () => {
  beforeAll(async () => {
    ({ sandbox, sns } = await startTopicSandbox('key-hygiene-reports', [
      { protocol: 'https', endpoint: CHATBOT },
      { protocol: 'sqs', endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:findings` },
    ]));
  });

  afterAll(async () => {
    sns?.destroy();
    await sandbox?.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });

  it('sends the custom-notification schema to HTTPS subscribers and the JSON report to the others', async () => {
    // Prepare
    const report = {
      ...sampleReport(),
      archive: sampleArchive('20261120T030000Z-1a2b3c'),
    } as AuditReport;

    // Act
    await publishReport(sns, TOPIC_ARN, report, { chatFormat: 'chatbot' });

    // Assess
    const [notification] = await received();
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: 'key-hygiene-20261120T030000Z-1a2b3c',
      content: {
        textType: 'client-markdown',
        title:
          ':warning: IAM access-key audit 111111111111: 1 critical, 2 deactivated, 1 deleted, 1 failed, 9 to review',
        nextSteps: [
          'Review the <https://console.aws.amazon.com/s3/object/acme-key-hygiene-reports?prefix=reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c.html|full report>',
          "Sign in as the root user and delete the root user's access key",
          'Deactivate by hand the 1 key whose deactivation failed',
          'Review the 9 findings in the emailed report',
        ],
      },
      metadata: { threadId: 'key-hygiene-111111111111', eventType: 'KeyHygieneAudit' },
    });
    const description = notification?.content.description ?? '';
    expect(description).toMatch(/^Account 111111111111 \(enforce, as of 2026-11-20\): 2 keys deactivated/);
    expect(description).toContain('• Deactivated `carol-ci` `AKIACAROL00000000001` (unused-key)');
    expect(description).toContain('*Coming up (inside the warning window) (2)*');
    const [sqs] = sandbox.state.published;
    expect(auditReportSchema.loose().parse(JSON.parse(sqs?.bodies.sqs ?? ''))).toEqual(report);
  });

  it('stays within its size limits for a huge report, with "and N more" lines', async () => {
    // Act
    await publishReport(sns, TOPIC_ARN, largeReport(20_000), { chatFormat: 'chatbot' });

    // Assess
    const [notification] = await received();
    const content = notification?.content;
    expect(Array.from(content?.description ?? '').length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(Array.from(content?.title ?? '').length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(content?.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
    expect(content?.description).toMatch(/…and \d+ more findings in the full report/);
  });

  it('escapes what users and tags control', () => {
    // Prepare
    const report = sampleReport({
      findings: [
        finding({
          ruleId: 'unused-key',
          severity: 'high',
          userName: '<!channel>',
          accessKeyId: 'AKIAMALLORY000000001',
          controls: [],
          message: 'Key of <!channel> *x* [link](https://evil.example) <https://evil.example|x> unused.',
          action: 'deactivate',
        }),
      ],
    });

    // Act
    const notification = renderChatbot(report);

    // Assess
    const description = notification.content.description;
    expect(description).toContain('`&lt;!channel&gt;`');
    expect(description).not.toContain('<!channel>');
    expect(description).not.toContain('<https://evil');
    expect(description).toContain('∗x∗');
  });

  it('says what enforce mode would do in report mode', () => {
    // Act
    const notification = renderChatbot(reportModeReport());

    // Assess
    expect(notification.content.title).toBe(
      ':warning: IAM access-key audit 111111111111 (report mode): 1 critical, 3 to deactivate, 1 to delete, 13 to review',
    );
    expect(notification.content.description).toContain('*What enforce mode would do');
    expect(notification.content.nextSteps).toContain('Check the 3 keys enforce mode would deactivate');
  });
});
