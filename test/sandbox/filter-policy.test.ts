import {
  PublishCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesFilterPolicy, parseFilterPolicy } from '../../src/sandbox/filter-policy.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { MessageAttributeValue } from '../../src/sandbox/sns-state.js';
import { deliveriesTo } from '../support/topic-sandbox.js';
import { errorOf, PROD, snsClient, useAcmeSandbox } from './helpers.js';

const TOPIC = `arn:aws:sns:us-east-1:${PROD}:key-hygiene-demo-reports`;
const str = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const num = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });

describe('Function: matchesFilterPolicy', () => {
  it('matches exact strings and numbers, any value of a key and every key', () => {
    // Prepare
    const policy = parseFilterPolicy('{"team": ["payments", "risk"], "actionsApplied": [0]}');
    // Assess
    expect(matchesFilterPolicy(policy, { team: str('risk'), actionsApplied: num(0) })).toBe(true);
    expect(matchesFilterPolicy(policy, { team: str('risk'), actionsApplied: num(2) })).toBe(false);
    expect(matchesFilterPolicy(policy, { team: str('Risk'), actionsApplied: num(0) })).toBe(false);
    expect(matchesFilterPolicy(policy, { actionsApplied: num(0) })).toBe(false);
    expect(matchesFilterPolicy(null, {})).toBe(true);
  });

  it('matches an absent attribute only with exists: false', () => {
    // Prepare
    const absent = parseFilterPolicy('{"team": [{"exists": false}]}');
    const present = parseFilterPolicy('{"team": [{"exists": true}]}');
    // Assess
    expect(matchesFilterPolicy(absent, { mode: str('report') })).toBe(true);
    expect(matchesFilterPolicy(absent, { team: str('payments') })).toBe(false);
    expect(matchesFilterPolicy(present, { team: str('payments') })).toBe(true);
    expect(matchesFilterPolicy(present, {})).toBe(false);
  });

  it('applies anything-but, prefix, suffix, equals-ignore-case and numeric ranges', () => {
    // Prepare
    const cases: Array<[string, Record<string, MessageAttributeValue>, boolean]> = [
      ['{"s": [{"anything-but": ["low", "info"]}]}', { s: str('high') }, true],
      ['{"s": [{"anything-but": ["low", "info"]}]}', { s: str('low') }, false],
      ['{"s": [{"anything-but": "low"}]}', {}, false],
      ['{"s": [{"anything-but": {"prefix": "dev-"}}]}', { s: str('dev-1') }, false],
      ['{"s": [{"prefix": "pay"}]}', { s: str('payments') }, true],
      ['{"s": [{"suffix": "ments"}]}', { s: str('payments') }, true],
      ['{"s": [{"equals-ignore-case": "PAYMENTS"}]}', { s: str('payments') }, true],
      ['{"n": [{"numeric": [">", 0, "<=", 5]}]}', { n: num(5) }, true],
      ['{"n": [{"numeric": [">", 0]}]}', { n: num(0) }, false],
      ['{"n": [{"numeric": [">", 0]}]}', { n: str('3') }, false],
      ['{"s": ["b"]}', { s: { DataType: 'String.Array', StringValue: '["a","b"]' } }, true],
    ];
    // Assess
    for (const [policy, attributes, expected] of cases) {
      expect(matchesFilterPolicy(parseFilterPolicy(policy), attributes), policy).toBe(expected);
    }
  });

  it('refuses malformed policies with InvalidParameter', () => {
    for (const bad of [
      'not json',
      '[]',
      '{"team": "payments"}',
      '{"team": []}',
      '{"n": [{"numeric": ["~", 1]}]}',
    ]) {
      expect(() => parseFilterPolicy(bad), bad).toThrow(/Invalid parameter: Filter policy/);
    }
  });
});

describe('Sandbox SNS filter policies', () => {
  const sandbox = useAcmeSandbox();
  let sns: SNSClient;

  beforeAll(() => {
    sns = snsClient(sandbox);
  });

  const deliveries = (endpoint: string) => deliveriesTo(sandbox, endpoint);

  it('delivers each message only to the subscriptions whose policy it passes', async () => {
    // Prepare
    const payments = `arn:aws:sqs:us-east-1:${PROD}:payments`;
    const everything = `arn:aws:sqs:us-east-1:${PROD}:everything`;
    const fullOnly = `arn:aws:lambda:us-east-1:${PROD}:function:slack`;
    await sns.send(
      new SubscribeCommand({
        TopicArn: TOPIC,
        Protocol: 'sqs',
        Endpoint: payments,
        Attributes: { FilterPolicy: '{"team": ["payments"]}' },
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: everything }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: TOPIC,
        Protocol: 'lambda',
        Endpoint: fullOnly,
        Attributes: { FilterPolicy: '{"team": [{"exists": false}]}', FilterPolicyScope: 'MessageAttributes' },
      }),
    );
    const publish = (Subject: string, team?: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: TOPIC,
          Subject,
          Message: Subject,
          MessageAttributes: team ? { team: { DataType: 'String', StringValue: team } } : {},
        }),
      );

    // Act
    await publish('full');
    await publish('payments', 'payments');
    await publish('risk', 'risk');

    // Assess
    expect((await deliveries(payments)).map((d) => d.subject)).toEqual(['payments']);
    expect((await deliveries(everything)).map((d) => d.subject)).toEqual(['full', 'payments', 'risk']);
    const slack = await deliveries(fullOnly);
    expect(slack.map((d) => d.subject)).toEqual(['full']);
    expect(JSON.parse(slack[0]?.payload ?? '{}').Records[0].Sns.Message).toBe('full');
    const [first] = sandbox.state.published;
    expect(first?.subscriptions.find((s) => s.endpoint === payments)).toMatchObject({
      filterPolicy: '{"team": ["payments"]}',
      delivered: false,
    });
  });

  it('changes a policy with SetSubscriptionAttributes and refuses bad ones on the wire', async () => {
    // Prepare
    const queue = `arn:aws:sqs:us-east-1:${PROD}:findings`;
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: queue }),
    );

    // Act
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: '{"highestSeverity": ["critical"]}',
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Message: 'low',
        MessageAttributes: { highestSeverity: { DataType: 'String', StringValue: 'low' } },
      }),
    );
    const bad = await errorOf(
      sns.send(
        new SubscribeCommand({
          TopicArn: TOPIC,
          Protocol: 'sqs',
          Endpoint: `${queue}-2`,
          Attributes: { FilterPolicy: '{"team": "payments"}' },
        }),
      ),
    );
    const changed = await errorOf(
      sns.send(
        new SubscribeCommand({
          TopicArn: TOPIC,
          Protocol: 'sqs',
          Endpoint: queue,
          Attributes: { FilterPolicy: '{"team": ["other"]}' },
        }),
      ),
    );

    // Assess
    expect(await deliveries(queue)).toEqual([]);
    expect(bad).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(bad.message).toContain('Filter policy');
    expect(changed.message).toContain('already exists with different attributes');
  });

  it('loads filter policies from the fixture and refuses invalid ones by path', async () => {
    // Prepare
    const fixture = (filterPolicy: Record<string, unknown[]>) => ({
      accounts: [
        {
          id: PROD,
          topics: [
            {
              name: 't',
              subscriptions: [
                { protocol: 'sqs' as const, endpoint: 'arn:aws:sqs:us-east-1:111111111111:q', filterPolicy },
              ],
            },
          ],
        },
      ],
    });

    // Act
    const other = await startSandbox({ fixture: fixture({ team: ['payments'] }) });
    const error = await startSandbox({ fixture: fixture({ team: [] }) }).catch((e: unknown) => e);

    // Assess
    expect([...other.state.topics.values()][0]?.subscriptions[0]?.filterPolicy).toBe('{"team":["payments"]}');
    await other.close();
    expect(String(error)).toContain('accounts[0].topics[0].subscriptions[0].filterPolicy');
  });
});
