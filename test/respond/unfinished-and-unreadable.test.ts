/**
 * How the responder fails an invocation so AWS delivers the event again: the error a key not dealt
 * with raises, and the alert and log line about an event it cannot read.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { KeyResponse } from '../../src/respond/alert.js';
import { HealthEventError } from '../../src/respond/health-event.js';
import { refuseUnreadableEvent, throwIfUnfinished } from '../../src/respond/respond.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const ACCOUNT = '123456789012';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-alerts`;
const NOW = new Date('2026-06-01T12:00:00Z');

const key = (accessKeyId: string, outcome: KeyResponse['outcome'], detail: string): KeyResponse => ({
  accessKeyId,
  userName: 'leaked',
  outcome,
  detail,
  quarantinePolicies: [],
  activity: null,
  messageId: null,
});

describe('throwIfUnfinished: a key not dealt with fails the invocation', () => {
  it('names the account, the run and each unfinished key with why, and is an ExposureNotHandledError', () => {
    // Prepare
    const response = {
      runId: 'run-1',
      accountId: ACCOUNT,
      eventId: 'event-1',
      eventArn: 'arn:aws:health:global::event/IAM/AWS_RISK_CREDENTIALS_EXPOSED/1',
      keys: [
        key('AKIAUNFINISHED000001', 'failed', 'not deactivated: denied; deactivate it by hand.'),
        key('AKIAUNFINISHED000002', 'deactivated', 'deactivated it.'),
        key('AKIAUNFINISHED000003', 'concurrent', 'nothing yet: another run holds it'),
      ],
    };
    // Act
    let caught: unknown;
    try {
      throwIfUnfinished(response);
    } catch (error) {
      caught = error;
    }
    // Assess
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('ExposureNotHandledError');
    expect((caught as Error).message).toBe(
      `Exposed key(s) of account ${ACCOUNT} not dealt with in run run-1: AKIAUNFINISHED000001 (not deactivated: denied; deactivate it by hand.); AKIAUNFINISHED000003 (nothing yet: another run holds it). The alert was sent; the event is retried, then kept in the responder's failure queue.`,
    );
  });
});

function fixture(): FixtureInput {
  return {
    now: NOW.toISOString(),
    accounts: [{ id: ACCOUNT, topics: [{ name: 'key-hygiene-alerts', subscriptions: [] }] }],
  };
}

describe('refuseUnreadableEvent: an event the schema refuses', () => {
  const env = useSandbox(fixture);

  async function refuse(input: unknown) {
    const warnings: [string, Record<string, unknown>][] = [];
    const deps = {
      sns: new SNSClient({ region: 'us-east-1', endpoint: env.sandbox.url, maxAttempts: 1 }),
      topicArn: TOPIC_ARN,
      clock: () => NOW,
      accountId: ACCOUNT,
      logger: {
        info: () => undefined,
        warn: (message: string, fields: Record<string, unknown> = {}) => {
          warnings.push([message, fields]);
        },
      },
    };
    let caught: unknown;
    try {
      await refuseUnreadableEvent(deps, input);
    } catch (error) {
      caught = error;
    }
    const published = env.sandbox.state.published.filter((message) => message.topicArn === TOPIC_ARN);
    return { caught, warnings, published };
  }

  it('alerts and fails with the HealthEventError for an event that is not even an object', async () => {
    // Act
    const { caught, warnings, published } = await refuse(null);
    // Assess
    expect(caught).toBeInstanceOf(HealthEventError);
    expect(published.map((message) => message.subject)).toEqual([
      'key-hygiene CRITICAL: could not read this AWS Health exposed-key event',
    ]);
    expect(warnings.map(([message, fields]) => [message, fields.eventId])).toEqual([
      ['could not read this Health event', null],
    ]);
  });

  it('names no event id when the id is not a string', async () => {
    // Act
    const { caught, warnings } = await refuse({ id: 42 });
    // Assess
    expect(caught).toBeInstanceOf(HealthEventError);
    expect(warnings.map(([message, fields]) => [message, fields.eventId])).toEqual([
      ['could not read this Health event', null],
    ]);
  });

  it('logs the event id cut to 100 characters, with the run id', async () => {
    // Act
    const { caught, warnings } = await refuse({ id: `e${'x'.repeat(150)}` });
    // Assess
    expect(caught).toBeInstanceOf(HealthEventError);
    expect(warnings).toEqual([
      ['could not read this Health event', { runId: expect.any(String), eventId: `e${'x'.repeat(99)}` }],
    ]);
  });
});
