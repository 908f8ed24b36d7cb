import type { Event } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { summarizeEvents } from '../../src/evidence/summarize-events.js';
import { agentFamily } from '../../src/evidence/user-agent.js';

let id = 0;
/** An event as LookupEvents answers it, with the CloudTrail record as a JSON string. */
function event(at: string, record: Record<string, unknown>, extra: Partial<Event> = {}): Event {
  id += 1;
  return {
    EventId: `e-${id}`,
    EventTime: new Date(at),
    EventName: String(record.eventName ?? 'GetCallerIdentity'),
    EventSource: String(record.eventSource ?? 'sts.amazonaws.com'),
    CloudTrailEvent: JSON.stringify({ eventTime: at, ...record }),
    ...extra,
  };
}

const CLI = 'aws-cli/2.18.1 md/awscrt#0.21.5 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6';
const BOTO3 = 'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0 lang/python#3.11.10 Botocore/1.35.36';
const LAMBDA_JS =
  'aws-sdk-js/3.687.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#20.18.0 api/lambda#3.687.0 exec-env/AWS_Lambda_nodejs20.x';
const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0 aws-sdk-go-v2/1.32.2';

describe('Function: summarizeEvents', () => {
  it('gives first and last seen, sources, agent families, services, top calls and regions, most frequent first', () => {
    // Prepare
    const events = [
      event('2026-11-19T16:45:00Z', {
        sourceIPAddress: '203.0.113.17',
        userAgent: CLI,
        awsRegion: 'us-east-1',
        eventSource: 'dynamodb.amazonaws.com',
        eventName: 'DescribeTable',
      }),
      event('2026-09-01T08:00:00Z', {
        sourceIPAddress: '203.0.113.17',
        userAgent: CLI,
        awsRegion: 'eu-west-1',
        eventSource: 'dynamodb.amazonaws.com',
        eventName: 'DescribeTable',
      }),
      event('2026-10-10T10:00:00Z', {
        sourceIPAddress: '198.51.100.9',
        userAgent: BOTO3,
        awsRegion: 'us-east-1',
        eventSource: 's3.amazonaws.com',
        eventName: 'ListBuckets',
      }),
    ];
    // Act
    const summary = summarizeEvents(events);
    // Assess
    expect(summary).toMatchObject({
      events: 3,
      firstSeen: new Date('2026-09-01T08:00:00Z'),
      lastSeen: new Date('2026-11-19T16:45:00Z'),
      distinctSources: 2,
      distinctPublicSources: 2,
      sources: [
        { value: '203.0.113.17', count: 2, kind: 'ipv4' },
        { value: '198.51.100.9', count: 1, kind: 'ipv4' },
      ],
      agents: [
        { value: 'AWS CLI', count: 2, kind: 'cli' },
        { value: 'SDK (Python)', count: 1, kind: 'sdk' },
      ],
      services: [
        { value: 'dynamodb', count: 2 },
        { value: 's3', count: 1 },
      ],
      topEvents: [
        { value: 'dynamodb:DescribeTable', count: 2 },
        { value: 's3:ListBuckets', count: 1 },
      ],
      regions: [
        { value: 'us-east-1', count: 2 },
        { value: 'eu-west-1', count: 1 },
      ],
      signals: { pipeline: 0, onAws: 0, sdk: 1, interactive: 2 },
    });
  });

  it('names AWS-internal sources and service principals as such, and the runtime an agent says it ran in', () => {
    // Prepare
    const events = [
      event('2026-11-18T17:30:00Z', { sourceIPAddress: 'AWS Internal', userAgent: LAMBDA_JS }),
      event('2026-11-18T17:20:00Z', { sourceIPAddress: 'lambda.amazonaws.com', userAgent: LAMBDA_JS }),
      event('2026-11-18T17:10:00Z', {
        sourceIPAddress: 'cloudformation.amazonaws.com',
        userAgent: 'cloudformation.amazonaws.com',
      }),
    ];
    // Act
    const summary = summarizeEvents(events);
    // Assess
    expect(summary.sources).toEqual([
      { value: 'AWS Internal', count: 1, kind: 'aws-internal' },
      { value: 'cloudformation.amazonaws.com', count: 1, kind: 'aws-service' },
      { value: 'lambda.amazonaws.com', count: 1, kind: 'aws-service' },
    ]);
    expect(summary.distinctPublicSources).toBe(0);
    expect(summary.runtimes).toEqual([{ value: 'AWS Lambda', count: 2, on: 'aws' }]);
    expect(summary.agents).toEqual([
      { value: 'SDK (JavaScript)', count: 2, kind: 'sdk' },
      { value: 'CloudFormation', count: 1, kind: 'infrastructure' },
    ]);
    expect(summary.signals).toEqual({ pipeline: 1, onAws: 3, sdk: 2, interactive: 0 });
  });

  it('counts an event read in two regions once', () => {
    // Prepare
    const once = event('2026-11-19T22:00:00Z', { sourceIPAddress: '198.51.100.14', userAgent: TERRAFORM });
    // Act
    const summary = summarizeEvents([once, { ...once }]);
    // Assess
    expect(summary.events).toBe(1);
    expect(summary.agents).toEqual([{ value: 'Terraform', count: 1, kind: 'infrastructure' }]);
  });

  it('keeps the ten most frequent sources but counts them all', () => {
    // Prepare
    const events = Array.from({ length: 14 }, (_, i) =>
      event('2026-11-01T00:00:00Z', { sourceIPAddress: `192.0.2.${i + 1}`, userAgent: CLI }),
    );
    // Act
    const summary = summarizeEvents(events);
    // Assess
    expect(summary.sources).toHaveLength(10);
    expect(summary.distinctSources).toBe(14);
    expect(summary.distinctPublicSources).toBe(14);
  });

  it('keeps no raw event: the summary holds tallies, not the records or their request parameters', () => {
    // Prepare
    const secretish = event('2026-11-01T00:00:00Z', {
      sourceIPAddress: '192.0.2.1',
      userAgent: CLI,
      requestParameters: { secretString: 'do-not-keep-me' },
    });
    // Act
    const text = JSON.stringify(summarizeEvents([secretish]));
    // Assess
    expect(text).not.toContain('do-not-keep-me');
    expect(text).not.toContain('requestParameters');
  });
});

describe('Function: summarizeEvents on bad input', () => {
  it('summarises events with missing fields, a broken record, IPv6 and unknown agents without error', () => {
    // Prepare
    const events: Event[] = [
      {},
      { EventId: 'broken', CloudTrailEvent: '{not json' },
      { EventId: 'array', CloudTrailEvent: '[1,2]' },
      event('2026-11-02T00:00:00Z', {
        sourceIPAddress: '2001:DB8:85A3::8A2E:370:7334',
        userAgent: 'my-tool/0.3',
      }),
      event('2026-11-03T00:00:00Z', { sourceIPAddress: '::ffff:192.0.2.1', userAgent: '' }),
      event('2026-11-04T00:00:00Z', { sourceIPAddress: 'not an address at all', userAgent: 42 }),
      { EventId: 'record-time-only', CloudTrailEvent: JSON.stringify({ eventTime: '2026-11-05T00:00:00Z' }) },
      { EventId: 'bad-time', EventTime: new Date(Number.NaN), CloudTrailEvent: '{"eventTime":"yesterday"}' },
    ];
    // Act
    const summary = summarizeEvents(events);
    // Assess
    expect(summary.events).toBe(8);
    expect(summary.firstSeen).toEqual(new Date('2026-11-02T00:00:00Z'));
    expect(summary.lastSeen).toEqual(new Date('2026-11-05T00:00:00Z'));
    expect(summary.sources).toEqual(
      expect.arrayContaining([
        { value: '(none)', count: 5, kind: 'other' },
        { value: '2001:db8:85a3::8a2e:370:7334', count: 1, kind: 'ipv6' },
        { value: '::ffff:192.0.2.1', count: 1, kind: 'ipv6' },
        { value: 'not an address at all', count: 1, kind: 'other' },
      ]),
    );
    expect(summary.agents).toEqual(
      expect.arrayContaining([
        { value: '(none)', count: 7, kind: 'unknown' },
        { value: 'Other (my-tool)', count: 1, kind: 'unknown' },
      ]),
    );
    expect(summary.services).toEqual(expect.arrayContaining([{ value: 'unknown', count: 5 }]));
    expect(summary.regions).toEqual([{ value: 'unknown', count: 8 }]);
  });

  it('summarises no events as an empty summary', () => {
    // Act
    const summary = summarizeEvents([]);
    // Assess
    expect(summary).toMatchObject({
      events: 0,
      firstSeen: null,
      lastSeen: null,
      distinctSources: 0,
      agents: [],
    });
  });
});

describe('Function: agentFamily', () => {
  it.each([
    [CLI, 'AWS CLI', 'cli'],
    ['aws-cli/1.29.0 Python/3.9.6 Linux/5.15 botocore/1.31.0', 'AWS CLI', 'cli'],
    [BOTO3, 'SDK (Python)', 'sdk'],
    [LAMBDA_JS, 'SDK (JavaScript)', 'sdk'],
    ['aws-sdk-go/1.44.0 (go1.20; linux; amd64)', 'SDK (Go)', 'sdk'],
    ['aws-sdk-java/1.12.500 Linux/5.10 OpenJDK_64-Bit_Server_VM/17', 'SDK (Java)', 'sdk'],
    ['aws-sdk-dotnet-coreclr/3.7.0 .NET_Core/6.0', 'SDK (.NET)', 'sdk'],
    ['aws-sdk-ruby3/3.190.0 ruby/3.2.2 x86_64-linux', 'SDK (Ruby)', 'sdk'],
    [TERRAFORM, 'Terraform', 'infrastructure'],
    ['pulumi-resource-aws/6.0.0 aws-sdk-go-v2/1.25', 'Pulumi', 'infrastructure'],
    ['aws-cdk/2.160.0 (cli) aws-sdk-js/3.650.0', 'AWS CDK', 'infrastructure'],
    ['cloudformation.amazonaws.com', 'CloudFormation', 'infrastructure'],
    ['signin.amazonaws.com', 'Console or browser', 'console'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'Console or browser', 'console'],
    ['AWS Internal', 'AWS Internal', 'aws-service'],
    ['ecs-tasks.amazonaws.com', 'AWS service (ecs-tasks)', 'aws-service'],
    ['curl/8.4.0', 'Other (curl)', 'unknown'],
  ])('names %s as %s', (agent, family, kind) => {
    expect(agentFamily(agent)).toEqual({ family, kind });
  });
});
