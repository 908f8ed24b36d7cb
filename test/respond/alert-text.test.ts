import { describe, expect, it } from 'vitest';
import {
  type AlertContext,
  alertSubject,
  alertText,
  buildAlert,
  type KeyResponse,
  type ResponseOutcome,
} from '../../src/respond/alert.js';

const KEY = 'AKIALEAKED0000000001';
const EVENT_ARN =
  'arn:aws:health:global::event/IAM/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_abc';
const CONTEXT: AlertContext = {
  runId: 'run-2026-11-20T03-00-00Z',
  accountId: '111111111111',
  eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
  eventArn: EVENT_ARN,
  now: new Date('2026-11-20T03:00:00.000Z'),
};
const FOOTER = `Run run-2026-11-20T03-00-00Z, rule exposed-key, at 2026-11-20T03:00:00.000Z. AWS Health event ${EVENT_ARN} (EventBridge id 7bf73129-1428-4cd3-a780-95db273d1602).`;
const FROM = new Date('2026-11-19T03:00:00.000Z');
const TO = new Date('2026-11-20T03:00:00.000Z');

function response(overrides: Partial<KeyResponse> = {}): KeyResponse {
  return {
    accessKeyId: KEY,
    userName: 'ci-publisher',
    outcome: 'deactivated',
    detail: 'deactivated it at 2026-11-20T03:00:00.000Z.',
    quarantinePolicies: [],
    activity: {
      from: FROM,
      to: TO,
      events: 0,
      truncated: false,
      topActions: [],
      eventSources: [],
      sourceIps: [],
      error: null,
    },
    messageId: null,
    ...overrides,
  };
}

describe('Function: alertSubject', () => {
  // Written out here, not read from the code: the subject is what the pager shows.
  const subjects: [ResponseOutcome, string][] = [
    ['deactivated', `key-hygiene CRITICAL: exposed key ${KEY} of ci deactivated`],
    ['already-inactive', `key-hygiene CRITICAL: exposed key ${KEY} of ci already inactive`],
    ['notified', `key-hygiene CRITICAL: exposed key ${KEY} of ci still active: deactivate it`],
    ['exempt', `key-hygiene CRITICAL: exposed key ${KEY} of ci exempt, deactivate by hand`],
    ['self-key', `key-hygiene CRITICAL: exposed key ${KEY} of ci deactivate by hand`],
    ['unknown-key', `key-hygiene CRITICAL: exposed key ${KEY} of ci not found in this account`],
    ['failed', `key-hygiene CRITICAL: exposed key ${KEY} of ci NOT deactivated: act by hand`],
    ['duplicate', `key-hygiene CRITICAL: exposed key ${KEY} of ci already handled`],
    ['refused', `key-hygiene CRITICAL: exposed key ${KEY} of ci not acted on`],
    ['concurrent', `key-hygiene CRITICAL: exposed key ${KEY} of ci being deactivated by another run`],
  ];

  it.each(subjects)('says what became of the key when it was %s', (outcome, subject) => {
    expect(alertSubject(response({ userName: 'ci', outcome }))).toBe(subject);
  });

  it('stops at 99 characters, the most SNS takes in a subject', () => {
    expect(alertSubject(response({ outcome: 'concurrent' }))).toBe(
      `key-hygiene CRITICAL: exposed key ${KEY} of ci-publisher being deactivated by another`,
    );
  });

  it('names no owner for a key that is not in the account', () => {
    expect(alertSubject(response({ userName: null, outcome: 'unknown-key' }))).toBe(
      `key-hygiene CRITICAL: exposed key ${KEY} not found in this account`,
    );
  });

  it('keeps to printable ASCII (SNS refuses anything else in a subject), a question mark for each other character', () => {
    expect(alertSubject(response({ userName: 'jörg\tmüller' }))).toBe(
      `key-hygiene CRITICAL: exposed key ${KEY} of j?rg?m?ller deactivated`,
    );
  });
});

describe('Function: alertText', () => {
  it('tells the team what was done, what AWS attached, the steps left and what the key did', () => {
    // Prepare
    const deactivated = response({
      quarantinePolicies: ['AWSCompromisedKeyQuarantineV3', 'AWSCompromisedKeyQuarantineV2'],
      activity: {
        from: FROM,
        to: TO,
        events: 250,
        truncated: true,
        topActions: [
          { value: 'ec2:RunInstances', count: 200 },
          { value: 's3:ListBuckets', count: 50 },
        ],
        eventSources: [{ value: 'ec2.amazonaws.com', count: 250 }],
        sourceIps: [{ value: '203.0.113.7', count: 250 }],
        error: null,
      },
    });
    // Act
    const text = alertText(deactivated, CONTEXT);
    // Assess
    expect(text.split('\n')).toEqual([
      `AWS Health reported access key ${KEY} as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).`,
      'Account: 111111111111. Owner: ci-publisher.',
      'What key-hygiene did: deactivated it at 2026-11-20T03:00:00.000Z.',
      'AWS attached AWSCompromisedKeyQuarantineV3, AWSCompromisedKeyQuarantineV2 to the user to limit what the key can do.',
      '',
      'What to do:',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
      `  2. Rotate: create a new key, move the workloads to it, delete ${KEY}.`,
      '  3. Then detach AWSCompromisedKeyQuarantineV3 and AWSCompromisedKeyQuarantineV2 from ci-publisher, and remove the key from wherever it was published.',
      '',
      'Recent activity (CloudTrail LookupEvents in this region, 2026-11-19T03:00:00.000Z to 2026-11-20T03:00:00.000Z): 250+ API calls.',
      '  Top actions: ec2:RunInstances (200), s3:ListBuckets (50)',
      '  Event sources: ec2.amazonaws.com (250)',
      '  Source IP addresses: 203.0.113.7 (250)',
      '',
      FOOTER,
    ]);
  });

  it('puts deactivating the key first while it is still active, and says none where the trail holds no calls', () => {
    // Act
    const text = alertText(
      response({ outcome: 'notified', detail: 'left it active: exposedKeyAction is notify.' }),
      CONTEXT,
    );
    // Assess
    expect(text.split('\n')).toEqual([
      `AWS Health reported access key ${KEY} as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).`,
      'Account: 111111111111. Owner: ci-publisher.',
      'What key-hygiene did: left it active: exposedKeyAction is notify.',
      '',
      'What to do:',
      `  1. Deactivate ${KEY} now (IAM console, or aws iam update-access-key --status Inactive).`,
      '  2. Review the activity below and in CloudTrail for anything the key created or changed.',
      `  3. Rotate: create a new key, move the workloads to it, delete ${KEY}.`,
      '  4. Then detach the AWSCompromisedKeyQuarantine policy AWS attached, if any, and remove the key from wherever it was published.',
      '',
      'Recent activity (CloudTrail LookupEvents in this region, 2026-11-19T03:00:00.000Z to 2026-11-20T03:00:00.000Z): 0 API calls.',
      '  Top actions: none',
      '  Event sources: none',
      '  Source IP addresses: none',
      '',
      FOOTER,
    ]);
  });

  it('says why the activity is missing when CloudTrail could not be read', () => {
    // Act
    const text = alertText(
      response({
        outcome: 'failed',
        detail: 'could not deactivate it: AccessDenied.',
        activity: {
          from: FROM,
          to: TO,
          events: 0,
          truncated: false,
          topActions: [],
          eventSources: [],
          sourceIps: [],
          error: 'CloudTrail LookupEvents failed: AccessDenied',
        },
      }),
      CONTEXT,
    );
    // Assess
    expect(text.split('\n').slice(-3)).toEqual([
      'Recent activity (CloudTrail, 2026-11-19T03:00:00.000Z to 2026-11-20T03:00:00.000Z): could not be read: CloudTrail LookupEvents failed: AccessDenied.',
      '',
      FOOTER,
    ]);
  });

  it('names no owner and reads no activity for a key that is not in this account', () => {
    // Act
    const text = alertText(
      response({
        userName: null,
        outcome: 'unknown-key',
        detail: 'no user of this account has it.',
        activity: null,
      }),
      CONTEXT,
    );
    // Assess
    expect(text.split('\n')).toEqual([
      `AWS Health reported access key ${KEY} as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).`,
      'Account: 111111111111. Owner: unknown (not a key of this account).',
      'What key-hygiene did: no user of this account has it.',
      '',
      'What to do:',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
      `  2. Rotate: create a new key, move the workloads to it, delete ${KEY}.`,
      '  3. Then detach the AWSCompromisedKeyQuarantine policy AWS attached, if any, and remove the key from wherever it was published.',
      '',
      'Recent activity: not read (the key is not in this account).',
      '',
      FOOTER,
    ]);
  });

  // Where the key may still be active, the first step is to switch it off by hand.
  const firstSteps: [ResponseOutcome, string][] = [
    [
      'deactivated',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
    ],
    [
      'already-inactive',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
    ],
    ['notified', `  1. Deactivate ${KEY} now (IAM console, or aws iam update-access-key --status Inactive).`],
    ['exempt', `  1. Deactivate ${KEY} now (IAM console, or aws iam update-access-key --status Inactive).`],
    ['self-key', `  1. Deactivate ${KEY} now (IAM console, or aws iam update-access-key --status Inactive).`],
    ['failed', `  1. Deactivate ${KEY} now (IAM console, or aws iam update-access-key --status Inactive).`],
    [
      'duplicate',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
    ],
    [
      'concurrent',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
    ],
    ['refused', '  1. Review the activity below and in CloudTrail for anything the key created or changed.'],
    [
      'unknown-key',
      '  1. Review the activity below and in CloudTrail for anything the key created or changed.',
    ],
  ];

  it.each(firstSteps)('gives as first step, when the key was %s: %s', (outcome, step) => {
    const lines = alertText(response({ outcome }), CONTEXT).split('\n');
    expect(lines[lines.indexOf('What to do:') + 1]).toBe(step);
  });
});

describe('Function: buildAlert', () => {
  it('publishes the text to email, the facts as JSON to queues, functions and HTTPS, and the attributes a pager filters on', () => {
    // Prepare
    const exempt = response({
      outcome: 'exempt',
      detail: 'left it active: the user is exempt.',
      activity: null,
    });
    // Act
    const publish = buildAlert(exempt, CONTEXT);
    // Assess
    const subject = `key-hygiene CRITICAL: exposed key ${KEY} of ci-publisher exempt, deactivate by hand`;
    expect(publish.subject).toBe(subject);
    expect(publish.messageStructure).toBe('json');
    expect(publish.messageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      rule: { DataType: 'String', StringValue: 'exposed-key' },
      accountId: { DataType: 'String', StringValue: '111111111111' },
      outcome: { DataType: 'String', StringValue: 'exempt' },
    });
    const bodies = JSON.parse(publish.message) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'http', 'https', 'lambda', 'sqs']);
    expect(bodies.default).toBe(subject);
    expect(bodies.email).toBe(alertText(exempt, CONTEXT));
    const facts = {
      severity: 'critical',
      kind: 'exposed-key',
      runId: 'run-2026-11-20T03-00-00Z',
      accountId: '111111111111',
      eventArn: EVENT_ARN,
      eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
      at: '2026-11-20T03:00:00.000Z',
      accessKeyId: KEY,
      userName: 'ci-publisher',
      outcome: 'exempt',
      detail: 'left it active: the user is exempt.',
      quarantinePolicies: [],
      activity: null,
      messageId: null,
    };
    for (const protocol of ['sqs', 'lambda', 'https', 'http']) {
      expect(JSON.parse(bodies[protocol] ?? '{}')).toEqual(facts);
    }
  });
});
