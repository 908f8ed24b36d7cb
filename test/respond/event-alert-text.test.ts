import { describe, expect, it } from 'vitest';
import { buildEventAlert, type EventAlertContext } from '../../src/respond/event-alert.js';

const CONTEXT: EventAlertContext = {
  runId: 'run-2026-11-20T03-00-00Z',
  responderAccountId: '111111111111',
  now: new Date('2026-11-20T03:00:00.000Z'),
};
const FOOTER =
  'Run run-2026-11-20T03-00-00Z, rule exposed-key, at 2026-11-20T03:00:00.000Z, by the responder in account 111111111111.';
const EVENT_ARN =
  'arn:aws:health:global::event/IAM/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_abc';

const bodiesOf = (message: string) => JSON.parse(message) as Record<string, string>;

describe('Function: buildEventAlert', () => {
  it('pages about an event it could not read: nothing was done, find the key by hand', () => {
    // Act
    const publish = buildEventAlert(
      {
        kind: 'unreadable',
        eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
        problems: 'account: an AWS account id is 12 digits',
      },
      CONTEXT,
    );
    // Assess
    const subject = 'key-hygiene CRITICAL: could not read this AWS Health exposed-key event';
    expect(publish.subject).toBe(subject);
    const bodies = bodiesOf(publish.message);
    expect(bodies.default).toBe(subject);
    expect(bodies.email?.split('\n')).toEqual([
      'key-hygiene could not read this Health event (EventBridge id 7bf73129-1428-4cd3-a780-95db273d1602): account: an AWS account id is 12 digits.',
      'Nothing was done. An access key may be exposed: find the event in AWS Health (or the responder failure queue) and deactivate the key it names by hand.',
      '',
      FOOTER,
    ]);
    expect(JSON.parse(bodies.sqs ?? '{}')).toEqual({
      severity: 'critical',
      alert: 'exposed-key-event',
      runId: 'run-2026-11-20T03-00-00Z',
      responderAccountId: '111111111111',
      at: '2026-11-20T03:00:00.000Z',
      kind: 'unreadable',
      eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
      problems: 'account: an AWS account id is 12 digits',
    });
    expect(publish.messageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      rule: { DataType: 'String', StringValue: 'exposed-key' },
      accountId: { DataType: 'String', StringValue: '111111111111' },
      outcome: { DataType: 'String', StringValue: 'unreadable' },
    });
  });

  it('says the event id is unknown when the event had none, and makes untrusted event text printable', () => {
    // Act
    const publish = buildEventAlert(
      { kind: 'unreadable', eventId: null, problems: 'detail.eventArn: Required\u0007\nforged line' },
      CONTEXT,
    );
    // Assess: the event's text cannot add lines of its own to the alert
    expect(bodiesOf(publish.message).email?.split('\n')[0]).toBe(
      'key-hygiene could not read this Health event (EventBridge id unknown): detail.eventArn: Required??forged line.',
    );
  });

  it('cuts the problems at 2,000 characters and the event id at 100', () => {
    // Act
    const publish = buildEventAlert(
      { kind: 'unreadable', eventId: 'i'.repeat(150), problems: 'p'.repeat(2500) },
      CONTEXT,
    );
    // Assess
    expect(bodiesOf(publish.message).email?.split('\n')[0]).toBe(
      `key-hygiene could not read this Health event (EventBridge id ${'i'.repeat(100)}): ${'p'.repeat(2000)}.`,
    );
  });

  it('makes an untrusted event id printable', () => {
    // Act
    const publish = buildEventAlert(
      { kind: 'unreadable', eventId: 'id\r\nBcc: x', problems: 'bad' },
      CONTEXT,
    );
    // Assess
    expect(bodiesOf(publish.message).email?.split('\n')[0]).toBe(
      'key-hygiene could not read this Health event (EventBridge id id??Bcc: x): bad.',
    );
  });

  it('pages about an event it refused, naming the account, the keys and why nothing was done', () => {
    // Act
    const publish = buildEventAlert(
      {
        kind: 'refused',
        eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
        eventArn: EVENT_ARN,
        accountId: '444455556666',
        accessKeyIds: ['AKIASTRANGER00000001', 'AKIASTRANGER00000002'],
        reason: 'account 444455556666 is neither this account nor in its organization',
      },
      CONTEXT,
    );
    // Assess
    const subject = 'key-hygiene CRITICAL: exposed-key event for account 444455556666 not acted on';
    expect(publish.subject).toBe(subject);
    const bodies = bodiesOf(publish.message);
    expect(bodies.default).toBe(subject);
    expect(bodies.email?.split('\n')).toEqual([
      'AWS Health reported access key(s) AKIASTRANGER00000001, AKIASTRANGER00000002 of account 444455556666 as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).',
      'What key-hygiene did: nothing: account 444455556666 is neither this account nor in its organization.',
      'What to do: check the event in AWS Health of that account, and deactivate each key it names by hand if it is real.',
      '',
      `${FOOTER} AWS Health event ${EVENT_ARN} (EventBridge id 7bf73129-1428-4cd3-a780-95db273d1602).`,
    ]);
    expect(JSON.parse(bodies.lambda ?? '{}')).toEqual({
      severity: 'critical',
      alert: 'exposed-key-event',
      runId: 'run-2026-11-20T03-00-00Z',
      responderAccountId: '111111111111',
      at: '2026-11-20T03:00:00.000Z',
      kind: 'refused',
      eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
      eventArn: EVENT_ARN,
      accountId: '444455556666',
      accessKeyIds: ['AKIASTRANGER00000001', 'AKIASTRANGER00000002'],
      reason: 'account 444455556666 is neither this account nor in its organization',
    });
    expect(publish.messageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      rule: { DataType: 'String', StringValue: 'exposed-key' },
      accountId: { DataType: 'String', StringValue: '444455556666' },
      outcome: { DataType: 'String', StringValue: 'refused' },
    });
  });

  it('keeps the subject printable whatever account the event claims', () => {
    // Act
    const publish = buildEventAlert(
      {
        kind: 'refused',
        eventId: 'e-1',
        eventArn: EVENT_ARN,
        accountId: '4444\u00e9\n5555',
        accessKeyIds: ['AKIASTRANGER00000001'],
        reason: 'the account id is not 12 digits',
      },
      CONTEXT,
    );
    // Assess
    expect(publish.subject).toBe(
      'key-hygiene CRITICAL: exposed-key event for account 4444??5555 not acted on',
    );
  });
});
