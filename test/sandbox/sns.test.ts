import { CreateTopicCommand, PublishCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { SNS_MAX_MESSAGE_BYTES } from '../../src/sandbox/index.js';
import { errorOf, PROD, snsClient, useAcmeSandbox } from './helpers.js';

const DEMO_TOPIC = `arn:aws:sns:us-east-1:${PROD}:key-hygiene-demo-reports`;

describe('Sandbox SNS', () => {
  const sandbox = useAcmeSandbox();
  let sns: SNSClient;

  beforeAll(() => {
    sns = snsClient(sandbox);
  });

  it('creates a topic idempotently, named by region, account and name', async () => {
    const eu = snsClient(sandbox, { region: 'eu-west-1' });
    const first = await eu.send(new CreateTopicCommand({ Name: 'key-hygiene-reports' }));
    const again = await eu.send(new CreateTopicCommand({ Name: 'key-hygiene-reports' }));
    expect(first.TopicArn).toBe(`arn:aws:sns:eu-west-1:${PROD}:key-hygiene-reports`);
    expect(again.TopicArn).toBe(first.TopicArn);
    const bad = await errorOf(eu.send(new CreateTopicCommand({ Name: 'no spaces allowed' })));
    expect(bad).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('subscribes: pending confirmation for email and HTTPS, an ARN for SQS and Lambda', async () => {
    const subscribe = (Protocol: string, Endpoint: string, ReturnSubscriptionArn?: boolean) =>
      sns.send(new SubscribeCommand({ TopicArn: DEMO_TOPIC, Protocol, Endpoint, ReturnSubscriptionArn }));
    expect((await subscribe('email', 'oncall@acme.example')).SubscriptionArn).toBe('pending confirmation');
    expect((await subscribe('email-json', 'bots@acme.example')).SubscriptionArn).toBe('pending confirmation');
    expect((await subscribe('https', 'https://hooks.acme.example/sns')).SubscriptionArn).toBe(
      'pending confirmation',
    );
    expect((await subscribe('http', 'http://hooks.acme.example/sns', true)).SubscriptionArn).toMatch(
      new RegExp(`^${DEMO_TOPIC}:[0-9a-f-]{36}$`),
    );
    expect((await subscribe('sqs', `arn:aws:sqs:us-east-1:${PROD}:findings`)).SubscriptionArn).toMatch(
      new RegExp(`^${DEMO_TOPIC}:[0-9a-f-]{36}$`),
    );
    expect(
      (await subscribe('lambda', `arn:aws:lambda:us-east-1:${PROD}:function:ticketer`)).SubscriptionArn,
    ).toMatch(/^arn:aws:sns:/);
    const badProtocol = await errorOf(subscribe('carrier-pigeon', 'coop'));
    expect(badProtocol).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const badEndpoint = await errorOf(subscribe('sqs', 'not-an-arn'));
    expect(badEndpoint.name).toBe('InvalidParameterException');
    const noTopic = await errorOf(
      sns.send(
        new SubscribeCommand({ TopicArn: `${DEMO_TOPIC}-gone`, Protocol: 'email', Endpoint: 'a@b.c' }),
      ),
    );
    expect(noTopic).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('publishes a JSON-structured message and resolves each protocol’s body', async () => {
    // Prepare
    const structure = { default: 'short', email: 'the long plain-text report', https: '{"version":"1.0"}' };
    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: DEMO_TOPIC,
        Subject: 'IAM access-key audit: 3 findings',
        Message: JSON.stringify(structure),
        MessageStructure: 'json',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'high' },
          findings: { DataType: 'Number', StringValue: '3' },
          teams: { DataType: 'String.Array', StringValue: '["payments","web"]' },
        },
      }),
    );
    // Assess
    const [message] = sandbox.state.published;
    expect(message?.messageId).toBe(MessageId);
    expect(message).toMatchObject({
      topicArn: DEMO_TOPIC,
      accountId: PROD,
      subject: 'IAM access-key audit: 3 findings',
      messageStructure: 'json',
      messageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        findings: { DataType: 'Number', StringValue: '3' },
        teams: { DataType: 'String.Array', StringValue: '["payments","web"]' },
      },
      bodies: {
        default: 'short',
        email: 'the long plain-text report',
        'email-json': 'short',
        sqs: 'short',
        lambda: 'short',
        http: 'short',
        https: '{"version":"1.0"}',
      },
    });
    expect(message?.deliveries.email).toMatch(
      /^the long plain-text report\n\n--\nIf you wish to stop receiving/,
    );
    const sqs = JSON.parse(message?.deliveries.sqs ?? '{}');
    expect(sqs).toMatchObject({
      Type: 'Notification',
      TopicArn: DEMO_TOPIC,
      Subject: 'IAM access-key audit: 3 findings',
      Message: 'short',
      MessageAttributes: { severity: { Type: 'String', Value: 'high' } },
    });
    const lambda = JSON.parse(message?.deliveries.lambda ?? '{}');
    expect(lambda.Records[0]).toMatchObject({ EventSource: 'aws:sns', Sns: { Message: 'short' } });
  });

  it('rejects a bad Subject with InvalidParameter "Invalid parameter: Subject"', async () => {
    for (const Subject of ['line\nbreak', 'x'.repeat(100), 'caf\u00e9', ' leading space', '']) {
      const error = await errorOf(
        sns.send(new PublishCommand({ TopicArn: DEMO_TOPIC, Subject, Message: 'm' })),
      );
      expect(error).toMatchObject({
        name: 'InvalidParameterException',
        status: 400,
        message: 'Invalid parameter: Subject',
      });
    }
    await sns.send(new PublishCommand({ TopicArn: DEMO_TOPIC, Subject: 'x'.repeat(99), Message: 'm' }));
    expect(sandbox.state.published).toHaveLength(1);
  });

  it('rejects a JSON structure without default, not an object, or with non-string values', async () => {
    for (const Message of [
      '{"email":"only email"}',
      '["default"]',
      '{"default":"x","email":3}',
      'not json',
    ]) {
      const error = await errorOf(
        sns.send(new PublishCommand({ TopicArn: DEMO_TOPIC, Message, MessageStructure: 'json' })),
      );
      expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400 });
      expect(error.message).toMatch(/^Invalid parameter: Message Structure/);
    }
    expect(sandbox.state.published).toEqual([]);
  });

  it('counts message attributes toward the 262,144-byte limit', async () => {
    const attributes = { note: { DataType: 'String', StringValue: 'abcd' } };
    const overhead = 'note'.length + 'String'.length + 'abcd'.length;
    await sns.send(
      new PublishCommand({
        TopicArn: DEMO_TOPIC,
        Message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES - overhead),
        MessageAttributes: attributes,
      }),
    );
    const error = await errorOf(
      sns.send(
        new PublishCommand({
          TopicArn: DEMO_TOPIC,
          Message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES - overhead + 1),
          MessageAttributes: attributes,
        }),
      ),
    );
    expect(error).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid parameter: Message too long',
    });
    expect(sandbox.state.published).toHaveLength(1);
  });

  it('answers NotFound 404 "Topic does not exist" for an unknown topic', async () => {
    const error = await errorOf(
      sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${PROD}:nope`, Message: 'm' })),
    );
    expect(error).toMatchObject({ name: 'NotFoundException', status: 404, message: 'Topic does not exist' });
  });

  it('rejects bad message attributes', async () => {
    const error = await errorOf(
      sns.send(
        new PublishCommand({
          TopicArn: DEMO_TOPIC,
          Message: 'm',
          MessageAttributes: { count: { DataType: 'Number', StringValue: 'three' } },
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
  });
});
