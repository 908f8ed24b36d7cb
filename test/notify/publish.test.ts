import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { DeliveryError } from '../../src/notify/errors.js';
import { publishReport } from '../../src/notify/publish.js';
import { buildSubject } from '../../src/notify/sns-message.js';
import { renderText } from '../../src/render/text.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { type PublishedMessage, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { largeReport, sampleReport } from '../report/sample-report.js';
import { closedPort } from '../support/topic-sandbox.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:key-hygiene-reports';

let sandbox: RunningSandbox;
let sns: SNSClient;

async function published(): Promise<PublishedMessage[]> {
  const response = await fetch(`${sandbox.url}/_sandbox/published`);
  return ((await response.json()) as { messages: PublishedMessage[] }).messages;
}

describe('Function: publishReport', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({
      fixture: {
        accounts: [
          {
            id: '111111111111',
            topics: [
              {
                name: 'key-hygiene-reports',
                subscriptions: [
                  { protocol: 'email', endpoint: 'secops@example.com' },
                  { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:111111111111:key-hygiene-findings' },
                ],
              },
            ],
          },
        ],
      },
    });
    sns = new SNSClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  });

  afterAll(async () => {
    sns?.destroy();
    await sandbox?.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });

  it('publishes one message per protocol with the subject and the filter attributes', async () => {
    // Prepare
    const report = sampleReport();

    // Act
    const { messageId } = await publishReport(sns, TOPIC_ARN, report);

    // Assess
    const [message, ...others] = await published();
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      messageId,
      topicArn: TOPIC_ARN,
      subject: buildSubject(report),
      messageStructure: 'json',
      messageAttributes: {
        accountId: { DataType: 'String', StringValue: '111111111111' },
        highestSeverity: { DataType: 'String', StringValue: 'critical' },
        actionsApplied: { DataType: 'Number', StringValue: '3' },
        mode: { DataType: 'String', StringValue: 'enforce' },
      },
    });
    expect(message?.bodies.email).toBe(renderText(report));
    expect(message?.bodies.default).toMatch(/^key-hygiene: Account 111111111111 \(enforce/);
    for (const protocol of ['sqs', 'lambda', 'http', 'https'] as const) {
      expect(auditReportSchema.parse(JSON.parse(message?.bodies[protocol] ?? ''))).toEqual(report);
    }
  });

  it('gets a 50,000-finding report past the service size check, shortened', async () => {
    // Prepare
    const report = largeReport(50_000);

    // Act
    await publishReport(sns, TOPIC_ARN, report);

    // Assess
    const [message] = await published();
    const delivered = auditReportSchema.parse(JSON.parse(message?.bodies.sqs ?? '')) as AuditReport & {
      truncated?: { findingsOmitted: number };
    };
    const omitted = delivered.truncated?.findingsOmitted ?? 0;
    expect(omitted).toBe(50_000 - delivered.findings.length);
    expect(message?.bodies.email.replace(/\n/g, ' ')).toContain(`${omitted} more findings not shown`);
  });

  it('fails with a DeliveryError that points at the topic when it does not exist', async () => {
    // Prepare
    const missing = 'arn:aws:sns:us-east-1:111111111111:no-such-topic';

    // Act
    const error = await publishReport(sns, missing, sampleReport()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.topicArn).toBe(missing);
    expect(delivery.message).toContain(`to ${missing}: NotFoundException`);
    expect(delivery.message).toContain('Likely cause: the topic does not exist');
    expect(delivery.message).toMatch(/topic exists.*sns:Publish.*key policy/);
    expect((delivery.cause as Error).name).toBe('NotFoundException');
    expect(await published()).toEqual([]);
  });

  it('fails with a DeliveryError when SNS cannot be reached at all', async () => {
    // Prepare
    const unreachable = new SNSClient({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
      maxAttempts: 1,
    });

    // Act
    const error = await publishReport(unreachable, TOPIC_ARN, sampleReport()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.topicArn).toBe(TOPIC_ARN);
    expect(delivery.message).toContain(TOPIC_ARN);
    expect(delivery.message).toContain('run 20261120T030000Z-1a2b3c');
    expect(delivery.message).toMatch(/topic exists.*sns:Publish.*key policy/);
    expect(delivery.cause).toBeInstanceOf(Error);
    unreachable.destroy();
  });
});
