import { readFileSync } from 'node:fs';
import {
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExposedKeyResponse } from '../../src/respond/respond.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { ALERT_TOPIC_ARN, POLICIES_FIXTURE, POLICY_ACCOUNT } from '../sandbox/policies-fixture.js';
import { coldStart, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

const LEAKED = 'AKIAPOLICY0000000006';
const OTHER = 'AKIAPOLICY0000000007';
const EXEMPT_KEY = 'AKIAEXEMPTLEAK000001';
const HOUR_MS = 3_600_000;
const BUCKET = 'responder-reports';
/** An account that is neither the responder's nor in an organization with it. */
const STRANGER = '444455556666';
const SAMPLE = JSON.parse(readFileSync(new URL('../../events/exposed-key.json', import.meta.url), 'utf8'));

/** The policies account on the real clock (the responder reads it), its trail a few hours old. */
function fixture(): FixtureInput {
  const base = structuredClone(POLICIES_FIXTURE);
  base.now = null;
  const account = base.accounts[0];
  if (!account?.users) throw new Error('fixture without users');
  const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();
  account.cloudTrailEvents = (account.cloudTrailEvents ?? []).map((event, index) => ({
    ...event,
    // Three events in the last 24 hours, the fourth (GetCallerIdentity) two days ago.
    eventTime: event.eventName === 'GetCallerIdentity' ? ago(48) : ago(1 + index),
  }));
  const leaked = account.users.find((user) => user.name === 'leaked');
  if (!leaked?.accessKeys?.[0]) throw new Error('fixture without the leaked user');
  // In use ten minutes ago, by whoever found it.
  leaked.accessKeys[0].lastUsed = { date: ago(0.2), service: 'ec2', region: 'eu-west-1' };
  account.users.push({
    name: 'exempt-leaker',
    createDate: '2024-01-01T00:00:00Z',
    tags: { 'key-hygiene:exempt': 'true', 'key-hygiene:exempt-reason': 'break-glass' },
    attachedPolicies: ['AWSCompromisedKeyQuarantineV3'],
    accessKeys: [{ id: EXEMPT_KEY, status: 'Active', createDate: '2026-05-01T00:00:00Z', lastUsed: null }],
  });
  account.buckets = [{ name: BUCKET }];
  return base;
}

const env = useSandbox(fixture);

type Handler = (event: unknown, context: typeof lambdaContext) => Promise<ExposedKeyResponse>;

/** The handler imported fresh, as a cold start of the deployed function on the sandbox would be. */
async function responder(settings: Record<string, string> = {}): Promise<Handler> {
  const handler = await coldStart(env.sandbox, 'exposed-key-responder', {
    REPORT_TOPIC_ARN: ALERT_TOPIC_ARN,
    REPORT_BUCKET: BUCKET,
    ...settings,
  });
  return handler as unknown as Handler;
}

/** The sample event of events/, for this account and these keys. */
function healthEvent(...keys: string[]) {
  const event = structuredClone(SAMPLE);
  event.account = POLICY_ACCOUNT;
  event.detail.eventArn = `${SAMPLE.detail.eventArn}-${keys.join('-')}`;
  event.detail.affectedEntities = keys.map((entityValue) => ({ entityValue }));
  return event;
}

async function statusOf(userName: string, accessKeyId: string) {
  const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata.find((key) => key.AccessKeyId === accessKeyId)?.Status;
}

async function tagsOf(userName: string): Promise<Record<string, string>> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries(Tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

const published = () => env.sandbox.state.published.filter((message) => message.topicArn === ALERT_TOPIC_ARN);
const attributes = (index: number) =>
  Object.fromEntries(
    Object.entries(published()[index]?.messageAttributes ?? {}).map(([name, value]) => [
      name,
      value.StringValue,
    ]),
  );

describe('Function: exposedKeyResponder, end to end on the sandbox', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('deactivates the exposed key at once, though in use, records it, and pages critical with what the key did', async () => {
    // Prepare
    const handler = await responder();
    // Act
    const response = await handler(healthEvent(LEAKED), lambdaContext);
    // Assess: the key, and only it, is off, with the audit's deactivation record and the handled record
    expect(response.keys.map((k) => [k.accessKeyId, k.userName, k.outcome])).toEqual([
      [LEAKED, 'leaked', 'deactivated'],
    ]);
    expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
    expect(await statusOf('leaked', OTHER)).toBe('Active');
    const today = new Date().toISOString().slice(0, 10);
    const tags = await tagsOf('leaked');
    expect(tags[`key-hygiene:deactivated-${LEAKED}`]).toBe(`${today} exposed-key ${response.runId}`);
    expect(tags[`key-hygiene:exposed-${LEAKED}`]).toBe(`${today} ${response.runId}`);
    // One critical message, filtered through to the pager by its attributes
    expect(published()).toHaveLength(1);
    expect(attributes(0)).toMatchObject({
      severity: 'critical',
      rule: 'exposed-key',
      outcome: 'deactivated',
    });
    expect(published()[0]?.subscriptions.map((s) => [s.protocol, s.delivered])).toEqual([
      ['email', true],
      ['sqs', true],
    ]);
    expect(published()[0]?.subject).toBe(`key-hygiene CRITICAL: exposed key ${LEAKED} of leaked deactivated`);
    const email = published()[0]?.bodies.email ?? '';
    expect(email).toContain(`What key-hygiene did: deactivated it at`);
    expect(email).toContain('AWS attached AWSCompromisedKeyQuarantineV3 to the user');
    expect(email).toContain('3 API calls.');
    expect(email).toContain('Top actions: ec2:RunInstances (2), s3:ListBuckets (1)');
    expect(email).toContain('Event sources: ec2.amazonaws.com (2), s3.amazonaws.com (1)');
    expect(email).toContain('Source IP addresses: 203.0.113.7 (2), 198.51.100.23 (1)');
    const sqs = JSON.parse(published()[0]?.bodies.sqs ?? '{}');
    expect(sqs).toMatchObject({
      kind: 'exposed-key',
      accessKeyId: LEAKED,
      outcome: 'deactivated',
      runId: response.runId,
    });
  });

  it('does nothing twice for a duplicate or replayed event', async () => {
    // Prepare
    const handler = await responder();
    const event = healthEvent(LEAKED);
    const first = await handler(event, lambdaContext);
    const tags = await tagsOf('leaked');
    // Act
    const second = await handler(event, lambdaContext);
    const replay = await handler(
      { ...event, id: 'a-replayed-copy', 'replay-name': 'incident-replay' },
      lambdaContext,
    );
    // Assess
    expect(first.keys[0]?.outcome).toBe('deactivated');
    expect(second.keys.map((k) => [k.outcome, k.messageId])).toEqual([['duplicate', null]]);
    expect(replay.keys.map((k) => k.outcome)).toEqual(['duplicate']);
    expect(published()).toHaveLength(1);
    expect(await tagsOf('leaked')).toEqual(tags);
  });

  it("leaves an exempt user's exposed key active and pages critical: deactivate it by hand", async () => {
    // Prepare
    const handler = await responder();
    // Act
    const response = await handler(healthEvent(EXEMPT_KEY), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['exempt']);
    expect(await statusOf('exempt-leaker', EXEMPT_KEY)).toBe('Active');
    expect(attributes(0)).toMatchObject({ severity: 'critical', rule: 'exposed-key', outcome: 'exempt' });
    expect(published()[0]?.subject).toBe(
      `key-hygiene CRITICAL: exposed key ${EXEMPT_KEY} of exempt-leaker exempt, deactivate by hand`,
    );
    expect(published()[0]?.bodies.email).toContain(
      "exempt-leaker is exempt from key-hygiene's actions (tag true, break-glass), so the key is still active: deactivate it by hand.",
    );
  });

  it('pages about a key that is not in the account, and changes nothing', async () => {
    // Prepare
    const handler = await responder();
    const calls = env.sandbox.state.calls();
    // Act
    const response = await handler(healthEvent('AKIANOTINTHISACCOUNT'), lambdaContext);
    // Assess
    expect(response.keys.map((k) => [k.userName, k.outcome])).toEqual([[null, 'unknown-key']]);
    expect(attributes(0)).toMatchObject({
      severity: 'critical',
      rule: 'exposed-key',
      outcome: 'unknown-key',
    });
    expect(published()[0]?.bodies.email).toContain('IAM has no key AKIANOTINTHISACCOUNT in this account');
    const after = env.sandbox.state.calls();
    expect(after.services.iam?.actions.UpdateAccessKey?.total ?? 0).toBe(
      calls.services.iam?.actions.UpdateAccessKey?.total ?? 0,
    );
    expect(after.services.iam?.actions.TagUser?.total ?? 0).toBe(
      calls.services.iam?.actions.TagUser?.total ?? 0,
    );
  });

  it('only notifies when exposedKeyAction is notify', async () => {
    // Prepare
    const handler = await responder({ EXPOSED_KEY_ACTION: 'notify' });
    // Act
    const response = await handler(healthEvent(LEAKED), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['notified']);
    expect(await statusOf('leaked', LEAKED)).toBe('Active');
    expect(published()[0]?.subject).toBe(
      `key-hygiene CRITICAL: exposed key ${LEAKED} of leaked still active: deactivate it`,
    );
  });

  it.each([
    [
      'detail.affectedEntities.0.entityValue',
      (e: ReturnType<typeof healthEvent>) => (e.detail.affectedEntities[0].entityValue = 'not-a-key'),
    ],
    [
      'detail.eventTypeCode',
      (e: ReturnType<typeof healthEvent>) =>
        (e.detail.eventTypeCode = 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED'),
    ],
    ['detail.affectedEntities', (e: ReturnType<typeof healthEvent>) => (e.detail.affectedEntities = [])],
    ['source', (e: ReturnType<typeof healthEvent>) => (e.source = 'aws.events')],
  ])(
    'refuses a malformed event, naming %s, and pages that it could not read it, before any IAM call',
    async (field, spoil) => {
      // Prepare
      const handler = await responder();
      const event = healthEvent(LEAKED);
      spoil(event);
      const iamCalls = () => env.sandbox.state.calls().services.iam?.total ?? 0;
      const before = iamCalls();
      // Act
      const refusal = handler(event, lambdaContext);
      // Assess
      await expect(refusal).rejects.toThrow(new RegExp(`${field.replaceAll('.', '\\.')}: `));
      await expect(refusal).rejects.toThrow(/^Not an AWS_RISK_CREDENTIALS_EXPOSED AWS Health event/);
      expect(iamCalls()).toBe(before);
      expect(published()).toHaveLength(1);
      expect(attributes(0)).toMatchObject({
        severity: 'critical',
        rule: 'exposed-key',
        outcome: 'unreadable',
      });
      expect(published()[0]?.bodies.email).toContain(
        `key-hygiene could not read this Health event (EventBridge id ${SAMPLE.id}): Not an AWS_RISK_CREDENTIALS_EXPOSED AWS Health event: ${field}: `,
      );
    },
  );
});

describe('Function: exposedKeyResponder, its bounds and its safeguards', () => {
  const iamCalls = (action: string) => env.sandbox.state.calls().services.iam?.actions[action]?.total ?? 0;

  it('refuses an event naming more keys than one user can hold: pages once, changes nothing', async () => {
    // Prepare
    const handler = await responder();
    // Act
    const response = await handler(healthEvent(LEAKED, OTHER, EXEMPT_KEY), lambdaContext);
    // Assess
    expect(response.keys.map((k) => [k.accessKeyId, k.outcome])).toEqual([
      [LEAKED, 'refused'],
      [OTHER, 'refused'],
      [EXEMPT_KEY, 'refused'],
    ]);
    expect(await statusOf('leaked', LEAKED)).toBe('Active');
    expect(await statusOf('leaked', OTHER)).toBe('Active');
    expect(iamCalls('UpdateAccessKey')).toBe(0);
    expect(published()).toHaveLength(1);
    expect(attributes(0)).toMatchObject({ severity: 'critical', outcome: 'refused' });
    expect(published()[0]?.bodies.email).toContain(
      'What key-hygiene did: nothing: the event names 3 keys, more than the 2 one IAM user can hold',
    );
  });

  it("refuses an event of an account that is neither its own nor its organization's, and pages its own topic whatever the event says", async () => {
    // Prepare: the topic from its name and the function's own account, never from the event
    const handler = await responder({ REPORT_TOPIC_ARN: '', REPORT_TOPIC_NAME: 'key-hygiene-alerts' });
    const forged = {
      ...healthEvent(LEAKED),
      account: STRANGER,
      region: 'eu-west-1',
      resources: [`arn:aws:sns:eu-west-1:${STRANGER}:attacker`],
      topicArn: `arn:aws:sns:eu-west-1:${STRANGER}:attacker`,
    };
    forged.detail = { ...forged.detail, topicArn: forged.topicArn };
    // Act
    const response = await handler(forged, lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['refused']);
    expect(await statusOf('leaked', LEAKED)).toBe('Active');
    expect(iamCalls('UpdateAccessKey')).toBe(0);
    expect(env.sandbox.state.published.map((m) => m.topicArn)).toEqual([ALERT_TOPIC_ARN]);
    expect(attributes(0)).toMatchObject({ outcome: 'refused', accountId: STRANGER });
    expect(published()[0]?.bodies.email).toContain(
      `account ${STRANGER} is not the responder's account (${POLICY_ACCOUNT}) and its membership of the organization could not be read`,
    );
  });

  it('acts again on a new event about a key someone reactivated since the last one', async () => {
    // Prepare
    const handler = await responder();
    await handler(healthEvent(LEAKED), lambdaContext);
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'leaked', AccessKeyId: LEAKED, Status: 'Active' }),
    );
    const next = { ...healthEvent(LEAKED), id: 'a-later-event' };
    next.detail = { ...next.detail, eventArn: `${next.detail.eventArn}-found-again` };
    // Act
    const response = await handler(next, lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['deactivated']);
    expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
    expect(published().map((m) => m.messageAttributes.outcome?.StringValue)).toEqual([
      'deactivated',
      'deactivated',
    ]);
  });

  it('is not silenced by a key-hygiene:exposed-* tag someone else wrote on the user', async () => {
    // Prepare
    await env.iam.send(
      new TagUserCommand({
        UserName: 'leaked',
        Tags: [{ Key: `key-hygiene:exposed-${LEAKED}`, Value: '2026-01-01 20260101T000000Z-forged' }],
      }),
    );
    const handler = await responder();
    // Act
    const response = await handler(healthEvent(LEAKED), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['deactivated']);
    expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
    expect(published()).toHaveLength(1);
  });

  it.each([
    [
      'the owner lookup',
      'iam:GetAccessKeyLastUsed',
      "nothing: looking up the key's owner failed (AccessDenied",
      `key-hygiene CRITICAL: exposed key ${LEAKED} NOT deactivated: act by hand`,
    ],
    [
      'UpdateAccessKey',
      'iam:UpdateAccessKey',
      'not deactivated: ',
      `key-hygiene CRITICAL: exposed key ${LEAKED} of leaked NOT deactivated: act by hand`,
    ],
  ])(
    'fails the invocation when %s fails, pages, records nothing, and acts on the redelivered event',
    async (_call, action, detail, subject) => {
      // Prepare
      const handler = await responder();
      const event = healthEvent(LEAKED);
      env.sandbox.faults.add({ operation: action, code: 'AccessDenied' });
      // Act
      const first = handler(event, lambdaContext);
      await expect(first).rejects.toThrow(
        `Exposed key(s) of account ${POLICY_ACCOUNT} not dealt with in run `,
      );
      await expect(first).rejects.toThrow(`${LEAKED} (${detail}`);
      env.sandbox.faults.clearRules();
      const redelivered = await handler(event, lambdaContext);
      // Assess: the first attempt paged to act by hand; the redelivery acted
      expect(published()[0]?.subject).toBe(subject);
      expect(redelivered.keys.map((k) => k.outcome)).toEqual(['deactivated']);
      expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
    },
  );

  it('alerts on the redelivered event when the publish failed, and only once after it succeeded', async () => {
    // Prepare
    const handler = await responder();
    const event = healthEvent(LEAKED);
    env.sandbox.faults.add({ operation: 'sns:Publish', code: 'AccessDenied' });
    // Act
    await expect(handler(event, lambdaContext)).rejects.toThrow(/AuthorizationError/);
    env.sandbox.faults.clearRules();
    const redelivered = await handler(event, lambdaContext);
    const again = await handler(event, lambdaContext);
    // Assess: the key went off on the first attempt; its alert went out on the second, once
    expect(redelivered.keys.map((k) => k.outcome)).toEqual(['already-inactive']);
    expect(again.keys.map((k) => [k.outcome, k.messageId])).toEqual([['duplicate', null]]);
    expect(published().map((m) => m.messageAttributes.outcome?.StringValue)).toEqual(['already-inactive']);
    expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
  });

  it('never deactivates the key it signs with: pages to deactivate it by hand', async () => {
    // Prepare: the responder signs with the exposed key itself
    const handler = await responder({ AWS_ACCESS_KEY_ID: LEAKED });
    // Act
    const response = await handler(healthEvent(LEAKED), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['self-key']);
    expect(await statusOf('leaked', LEAKED)).toBe('Active');
    expect(iamCalls('UpdateAccessKey')).toBe(0);
    expect(published()[0]?.subject).toBe(
      `key-hygiene CRITICAL: exposed key ${LEAKED} of leaked deactivate by hand`,
    );
  });

  it('leaves an already inactive key alone and still pages', async () => {
    // Prepare
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'leaked', AccessKeyId: LEAKED, Status: 'Inactive' }),
    );
    const handler = await responder();
    const before = iamCalls('UpdateAccessKey');
    // Act
    const response = await handler(healthEvent(LEAKED), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['already-inactive']);
    expect(iamCalls('UpdateAccessKey')).toBe(before);
    expect(published()[0]?.subject).toBe(
      `key-hygiene CRITICAL: exposed key ${LEAKED} of leaked already inactive`,
    );
  });

  it('handles two concurrent deliveries of one event: the key goes off, the team is paged once, a delivery that lost the race is retried and does nothing more', async () => {
    // Prepare: EventBridge may deliver an event twice, at once; latency makes the two interleave
    const handler = await responder();
    const event = healthEvent(LEAKED);
    env.sandbox.faults.configure({ latencyMs: 20 });
    let both: PromiseSettledResult<ExposedKeyResponse>[];
    try {
      // Act
      both = await Promise.allSettled([
        handler(event, lambdaContext),
        handler(structuredClone(event), lambdaContext),
      ]);
    } finally {
      env.sandbox.faults.configure({ latencyMs: 0 });
    }
    const retried = await handler(event, lambdaContext);
    // Assess
    const outcomes = both.flatMap((r) =>
      r.status === 'fulfilled' ? r.value.keys.map((k) => k.outcome) : [`retried: ${String(r.reason)}`],
    );
    expect(outcomes).toContain('deactivated');
    for (const outcome of outcomes) {
      expect(outcome).toMatch(
        /^(deactivated|already-inactive|retried: .*another key-hygiene run is deactivating)/,
      );
    }
    expect(await statusOf('leaked', LEAKED)).toBe('Inactive');
    expect(retried.keys.map((k) => k.outcome)).toEqual(['duplicate']);
    const alerted = published().map((m) => m.messageAttributes.outcome?.StringValue);
    expect(alerted).toContain('deactivated');
    expect(alerted.every((o) => o === 'deactivated' || o === 'already-inactive')).toBe(true);
  });

  it('without a report bucket, alerts again on a redelivered event rather than risk swallowing one', async () => {
    // Prepare
    const handler = await responder({ REPORT_BUCKET: '' });
    const event = healthEvent(LEAKED);
    // Act
    const first = await handler(event, lambdaContext);
    const second = await handler(event, lambdaContext);
    // Assess
    expect([...first.keys, ...second.keys].map((k) => k.outcome)).toEqual([
      'deactivated',
      'already-inactive',
    ]);
    expect(published()).toHaveLength(2);
  });
});
