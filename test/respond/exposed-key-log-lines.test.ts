/**
 * What the responder tells the operator in its log and its response, key by key: handled, handled
 * before, refused, and the best-effort writes that failed, with `respondToExposedKey` on the
 * sandbox's organization (its management account is the responder's own).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import type { ExposedKeyEvent } from '../../src/respond/health-event.js';
import { respondToExposedKey } from '../../src/respond/respond.js';
import { createResponderRuntime } from '../../src/runtime/responder-runtime.js';
import {
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

const SAMPLE = JSON.parse(readFileSync(new URL('../../events/exposed-key.json', import.meta.url), 'utf8'));
const MGMT_KEY = 'AKIAMGMTSTALE0000001';
const PAY_KEY = 'AKIAPAYSTALE00000001';

const env = useSandbox(() => organizationFixture());

type Line = [string, Record<string, unknown>];

/** The responder of the management account, its log lines recorded. */
async function responder(withBucket = true) {
  const environment: Record<string, string> = {
    AWS_ENDPOINT_URL: env.sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: ORG_AUDITOR_KEY,
    AWS_SECRET_ACCESS_KEY: 'dummy-secret',
    REPORT_TOPIC_ARN: ORG_TOPIC_ARN,
    MODE: 'report',
    NOTICES: 'off',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(withBucket ? { REPORT_BUCKET: ORG_BUCKET } : {}),
  };
  // The SDK reads its endpoint and credentials from the process environment.
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  if (!withBucket) vi.stubEnv('REPORT_BUCKET', undefined);
  const runtime = createResponderRuntime(environment);
  const info: Line[] = [];
  const warn: Line[] = [];
  const deps = {
    ...(await runtime.responderDeps()),
    clock: () => env.sandbox.state.clock.now(),
    logger: {
      info: (message: string, fields: Record<string, unknown> = {}) => {
        info.push([message, fields]);
      },
      warn: (message: string, fields: Record<string, unknown> = {}) => {
        warn.push([message, fields]);
      },
    },
  };
  const settings = loadSettings(environment);
  const respond = (event: ExposedKeyEvent) => respondToExposedKey(deps, settings, event);
  return { respond, info, warn };
}

function healthEvent(accountId: string, ...accessKeyIds: string[]): ExposedKeyEvent {
  const event = structuredClone(SAMPLE);
  event.account = accountId;
  event.detail.affectedEntities = accessKeyIds.map((entityValue) => ({ entityValue }));
  return event;
}

describe('respondToExposedKey: log lines and key details', () => {
  it('logs the handled key, and on a redelivery logs and reports it as handled before', async () => {
    // Prepare
    const { respond, info, warn } = await responder();
    const event = healthEvent(MANAGEMENT, MGMT_KEY);
    // Act
    const first = await respond(event);
    const second = await respond(event);
    // Assess
    expect(warn).toEqual([
      [
        'exposed key handled',
        {
          runId: first.runId,
          accountId: MANAGEMENT,
          accessKeyId: MGMT_KEY,
          userName: 'mgmt-stale',
          outcome: 'deactivated',
        },
      ],
    ]);
    expect(info).toEqual([
      ['exposed key already handled for this event', { runId: second.runId, accessKeyId: MGMT_KEY }],
    ]);
    expect(second.keys).toEqual([
      {
        accessKeyId: MGMT_KEY,
        userName: null,
        outcome: 'duplicate',
        detail: "nothing: this AWS Health event's key was already handled (recorded in the report bucket).",
        quarantinePolicies: [],
        activity: null,
        messageId: null,
      },
    ]);
  });

  it('writes no exposure record in its own account for a member account key', async () => {
    // Prepare
    const { respond, warn } = await responder();
    // Act
    const response = await respond(healthEvent(PAYMENTS, PAY_KEY));
    // Assess
    expect(response.keys.map((key) => key.outcome)).toEqual(['deactivated']);
    // Its own account has no such user: a record written there would fail and be warned of.
    expect(warn.map(([message]) => message)).toEqual(['exposed key handled']);
  });

  it('writes nothing to a bucket when none is set, and warns of nothing', async () => {
    // Prepare
    const { respond, warn } = await responder(false);
    // Act
    const response = await respond(healthEvent(MANAGEMENT, MGMT_KEY));
    // Assess
    expect(response.keys.map((key) => key.outcome)).toEqual(['deactivated']);
    expect(warn.map(([message]) => message)).toEqual(['exposed key handled']);
    expect(env.sandbox.state.calls().services.s3?.actions.PutObject?.total ?? 0).toBe(0);
  });

  it('acts on an event naming two keys, the most one user holds', async () => {
    // Prepare
    const { respond } = await responder();
    // Act
    const response = await respond(healthEvent(MANAGEMENT, MGMT_KEY, ORG_AUDITOR_KEY));
    // Assess
    expect(response.keys.map((key) => key.outcome)).not.toContain('refused');
    expect(env.sandbox.state.findKey(MGMT_KEY)?.status).toBe('Inactive');
  });

  it('refuses an event naming three keys, saying why in the log and in each key', async () => {
    // Prepare
    const { respond, warn } = await responder();
    const keys = [MGMT_KEY, ORG_AUDITOR_KEY, PAY_KEY];
    const reason =
      "the event names 3 keys, more than the 2 one IAM user can hold, so it is not one user's leak; none was changed";
    // Act
    const response = await respond(healthEvent(MANAGEMENT, ...keys));
    // Assess
    expect(warn).toEqual([
      ['exposed-key event not acted on', { runId: response.runId, accountId: MANAGEMENT, reason }],
    ]);
    expect(response.keys.map((key) => [key.accessKeyId, key.detail, key.quarantinePolicies])).toEqual(
      keys.map((accessKeyId) => [accessKeyId, `nothing: ${reason}.`, []]),
    );
  });

  it('handles every key, and says why, when the handled keys cannot be read', async () => {
    // Prepare
    const { respond, warn } = await responder();
    env.sandbox.faults.add({ operation: 's3:ListObjectsV2', code: 'AccessDenied' });
    // Act
    const response = await respond(healthEvent(MANAGEMENT, MGMT_KEY));
    // Assess
    expect(response.keys.map((key) => key.outcome)).toEqual(['deactivated']);
    expect(warn[0]).toEqual([
      'could not read which keys of the event were handled; handling them all',
      { runId: response.runId, bucket: ORG_BUCKET, code: 'AccessDenied', message: expect.any(String) },
    ]);
    expect(warn.map(([message]) => message)).toEqual([
      'could not read which keys of the event were handled; handling them all',
      'exposed key handled',
    ]);
  });

  it('names the key and the refusal when the exposure record or the handled record cannot be written', async () => {
    // Prepare
    const { respond, warn } = await responder();
    // Only the exposure record: the key's own handling tags the user too.
    env.sandbox.faults.add({
      operation: 'iam:TagUser',
      params: { 'Tags.member.1.Key': `key-hygiene:exposed-${MGMT_KEY}` },
      code: 'AccessDenied',
    });
    env.sandbox.faults.add({ operation: 's3:PutObject', code: 'AccessDenied' });
    // Act
    const response = await respond(healthEvent(MANAGEMENT, MGMT_KEY));
    // Assess
    expect(response.keys.map((key) => key.outcome)).toEqual(['deactivated']);
    const failure = (what: string) => [
      `could not ${what}`,
      { runId: response.runId, accessKeyId: MGMT_KEY, code: 'AccessDenied', message: expect.any(String) },
    ];
    expect(warn.slice(1)).toEqual([
      failure('record the exposure on the user'),
      failure('record the key as handled for this event'),
    ]);
  });
});
