/**
 * The alert's summary of what an exposed key did in its last 24 hours: `summarizeKeyActivity` with
 * a real CloudTrail client on the sandbox.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it } from 'vitest';
import { summarizeKeyActivity } from '../../src/respond/trail-summary.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const NOW = new Date('2026-06-01T12:00:00Z');
/**
 * 120 calls: three pages of LookupEvents (50 a page). CloudTrail answers 2 LookupEvents a second
 * per account, and the sandbox clock stands still, so a third page read at once is throttled.
 */
const BUSY = 'AKIAACTIVITY00000001';
/** 100 calls: exactly two full pages. */
const TWO_PAGES = 'AKIAACTIVITY00000002';
/** Seven different actions, one of them twice. */
const VARIED = 'AKIAACTIVITY00000003';

const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const calls = (accessKeyId: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    eventTime: minutesAgo(1 + index),
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    accessKeyId,
    userName: 'leaked',
    sourceIPAddress: '203.0.113.7',
  }));
const VARIED_ACTIONS = [
  'PutObject',
  'HeadObject',
  'GetObject',
  'PutObject',
  'DeleteObject',
  'GetBucketAcl',
  'CopyObject',
  'ListBuckets',
];

function fixture(): FixtureInput {
  return {
    now: NOW.toISOString(),
    accounts: [
      {
        id: '123456789012',
        users: [{ name: 'leaked', createDate: '2025-01-01T00:00:00Z' }],
        cloudTrailEvents: [
          ...calls(BUSY, 120),
          ...calls(TWO_PAGES, 100),
          ...VARIED_ACTIONS.map((eventName, index) => ({
            eventTime: minutesAgo(5 + index),
            eventName,
            eventSource: 's3.amazonaws.com',
            accessKeyId: VARIED,
            userName: 'leaked',
            sourceIPAddress: `198.51.100.${10 - index}`,
          })),
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
const cloudtrail = () =>
  new CloudTrailClient({ region: 'us-east-1', endpoint: env.sandbox.url, maxAttempts: 1 });

describe("summarizeKeyActivity: the alert's account of what an exposed key did", () => {
  afterEach(() => {
    env.sandbox.faults.clearRules();
  });

  it('reads every page within its bound, and says nothing was left out', async () => {
    // Act
    const summary = await summarizeKeyActivity(cloudtrail(), TWO_PAGES, NOW);
    // Assess
    expect([summary.events, summary.truncated, summary.error]).toEqual([100, false, null]);
    expect(summary.topActions).toEqual([{ value: 'ec2:DescribeInstances', count: 100 }]);
  });

  it('stops at maxPages and says more events existed than were read', async () => {
    // Act
    const summary = await summarizeKeyActivity(cloudtrail(), BUSY, NOW, { maxPages: 2 });
    // Assess
    expect([summary.events, summary.truncated, summary.error]).toEqual([100, true, null]);
  });

  it('does not call a summary truncated when the last page read was the last there was', async () => {
    // Act
    const summary = await summarizeKeyActivity(cloudtrail(), TWO_PAGES, NOW, { maxPages: 2 });
    // Assess
    expect([summary.events, summary.truncated, summary.error]).toEqual([100, false, null]);
  });

  it('lists the top five of each, most frequent first and ties in alphabetical order', async () => {
    // Act
    const summary = await summarizeKeyActivity(cloudtrail(), VARIED, NOW);
    // Assess
    expect(summary.events).toBe(8);
    expect(summary.topActions).toEqual([
      { value: 's3:PutObject', count: 2 },
      { value: 's3:CopyObject', count: 1 },
      { value: 's3:DeleteObject', count: 1 },
      { value: 's3:GetBucketAcl', count: 1 },
      { value: 's3:GetObject', count: 1 },
    ]);
    expect(summary.eventSources).toEqual([{ value: 's3.amazonaws.com', count: 8 }]);
    expect(summary.sourceIps).toEqual([
      { value: '198.51.100.10', count: 1 },
      { value: '198.51.100.3', count: 1 },
      { value: '198.51.100.4', count: 1 },
      { value: '198.51.100.5', count: 1 },
      { value: '198.51.100.6', count: 1 },
    ]);
  });

  it('puts a CloudTrail refusal in the summary, naming the error, instead of failing the response', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'cloudtrail:LookupEvents', code: 'AccessDenied' });
    // Act
    const summary = await summarizeKeyActivity(cloudtrail(), VARIED, NOW);
    // Assess
    expect(summary).toEqual({
      from: new Date('2026-05-31T12:00:00Z'),
      to: NOW,
      events: 0,
      truncated: false,
      topActions: [],
      eventSources: [],
      sourceIps: [],
      error: 'AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents',
    });
  });
});
