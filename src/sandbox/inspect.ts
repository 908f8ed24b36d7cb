import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import { S3_BUCKET_NAME } from './fixture.js';
import type { SandboxBucket } from './s3-state.js';
import { bareAddress } from './ses-state.js';
import type { PublishedMessage } from './sns-state.js';
import { putParameter } from './ssm-state.js';
import type { SandboxState } from './state.js';

/** The test-aid paths; they are not AWS APIs. */
export const INSPECT_PREFIX = '/_sandbox/';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A bucket and its objects' metadata (not their bodies; read those with GetObject). */
function describeBucket(bucket: SandboxBucket) {
  return {
    name: bucket.name,
    accountId: bucket.accountId,
    region: bucket.region,
    objects: [...bucket.objects.values()].map((object) => ({
      key: object.key,
      size: object.body.length,
      contentType: object.contentType,
      etag: object.etag,
      lastModified: object.lastModified.toISOString(),
      serverSideEncryption: object.serverSideEncryption,
      sseRequested: object.sseRequested,
      checksum: object.checksum,
      metadata: object.metadata,
    })),
  };
}

/**
 * The `/_sandbox/*` endpoints (listed in docs/sandbox.md), so that a test or script in another
 * process can read and steer the state as in-process tests do through `sandbox.state`.
 */
export function handleInspection(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
  state: SandboxState,
  faults: Faults,
): void {
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /_sandbox/published': {
      const topicArn = url.searchParams.get('topicArn');
      const messages = topicArn ? state.published.filter((m) => m.topicArn === topicArn) : state.published;
      json(res, 200, { messages });
      return;
    }
    case 'GET /_sandbox/emails': {
      // SES v2 SendEmail messages, optionally those with one recipient (To, Cc or Bcc).
      const to = url.searchParams.get('to');
      const emails =
        to === null
          ? state.sentEmails
          : state.sentEmails.filter((e) =>
              [...e.to, ...e.cc, ...e.bcc].some((address) => bareAddress(address) === to),
            );
      json(res, 200, { emails });
      return;
    }
    case 'GET /_sandbox/deliveries': {
      json(res, 200, { deliveries: deliveriesTo(state, url.searchParams.get('endpoint')) });
      return;
    }
    case 'POST /_sandbox/parameters': {
      let input: { accountId?: unknown; name?: unknown; type?: unknown; value?: unknown };
      try {
        input = JSON.parse(body || '{}') as typeof input;
      } catch {
        input = {};
      }
      const account =
        typeof input.accountId === 'string' ? state.account(input.accountId) : state.defaultAccount;
      const type = input.type ?? 'SecureString';
      if (
        !account ||
        typeof input.name !== 'string' ||
        !/^\/?[\w.-]+(\/[\w.-]+)*$/.test(input.name) ||
        typeof input.value !== 'string' ||
        input.value === '' ||
        (type !== 'String' && type !== 'StringList' && type !== 'SecureString')
      ) {
        json(res, 400, {
          error:
            'Body must be JSON like {"name": "/key-hygiene/slack-webhook", "value": "https://…", "type": "SecureString", "accountId": "111111111111"} (type and accountId optional; the account must exist)',
        });
        return;
      }
      const stored = putParameter(
        account.parameters,
        { name: input.name, type, value: input.value },
        state.clock.now(),
      );
      json(res, 200, {
        name: stored.name,
        type: stored.type,
        version: stored.version,
        accountId: account.id,
      });
      return;
    }
    case 'GET /_sandbox/calls':
      json(res, 200, state.calls());
      return;
    case 'POST /_sandbox/reset':
      state.reset();
      faults.reset();
      json(res, 200, { reset: true, now: state.clock.now().toISOString() });
      return;
    case 'GET /_sandbox/clock':
      json(res, 200, { now: state.clock.now().toISOString(), fixed: state.clock.isFixed });
      return;
    case 'POST /_sandbox/clock': {
      let now: unknown;
      try {
        now = (JSON.parse(body || '{}') as { now?: unknown }).now;
      } catch {
        json(res, 400, { error: 'Body must be JSON like {"now": "2026-11-20T00:00:00Z"} or {"now": null}' });
        return;
      }
      if (now !== null && (typeof now !== 'string' || Number.isNaN(Date.parse(now)))) {
        json(res, 400, { error: '"now" must be an ISO 8601 date-time, or null for real time' });
        return;
      }
      state.clock.set(now);
      json(res, 200, { now: state.clock.now().toISOString(), fixed: state.clock.isFixed });
      return;
    }
    case 'GET /_sandbox/buckets':
      json(res, 200, { buckets: [...state.buckets.values()].map(describeBucket) });
      return;
    case 'POST /_sandbox/buckets': {
      let input: { name?: unknown; accountId?: unknown; region?: unknown };
      try {
        input = JSON.parse(body || '{}') as typeof input;
      } catch {
        json(res, 400, { error: 'Body must be JSON like {"name": "acme-reports", "region": "us-east-1"}' });
        return;
      }
      const name = typeof input.name === 'string' ? input.name : '';
      const accountId = typeof input.accountId === 'string' ? input.accountId : state.defaultAccountId;
      const region = typeof input.region === 'string' && input.region !== '' ? input.region : 'us-east-1';
      if (!S3_BUCKET_NAME.test(name)) {
        json(res, 400, { error: '"name" must be an S3 bucket name (3-63 of a-z, 0-9, "." and "-")' });
        return;
      }
      if (!state.account(accountId)) {
        json(res, 400, { error: `"accountId" ${accountId} is not an account of the fixture` });
        return;
      }
      try {
        json(res, 200, describeBucket(state.addBucket(accountId, { name, region })));
      } catch (error) {
        json(res, 409, { error: (error as Error).message });
      }
      return;
    }
    case 'POST /_sandbox/credential-report': {
      let aid: unknown;
      try {
        aid = JSON.parse(body || '{}');
      } catch {
        aid = null;
      }
      const { csv, stuck, refuseGeneration } = (aid ?? {}) as Record<string, unknown>;
      if (
        typeof aid !== 'object' ||
        aid === null ||
        (csv !== undefined && csv !== null && typeof csv !== 'string') ||
        (stuck !== undefined && typeof stuck !== 'boolean')
      ) {
        json(res, 400, {
          error: 'Body must be JSON like {"csv": "<report CSV>" | null, "stuck": true | false}',
        });
        return;
      }
      state.credentialReportAid = {
        csv: typeof csv === 'string' ? csv : csv === null ? null : state.credentialReportAid.csv,
        stuck: typeof stuck === 'boolean' ? stuck : state.credentialReportAid.stuck,
        refuseGeneration:
          typeof refuseGeneration === 'boolean'
            ? refuseGeneration
            : state.credentialReportAid.refuseGeneration,
      };
      json(res, 200, state.credentialReportAid);
      return;
    }
    case 'GET /_sandbox/health':
      json(res, 200, { ok: true });
      return;
    default:
      json(res, 404, {
        error: `No sandbox endpoint ${route}; use GET /_sandbox/published, GET /_sandbox/deliveries, GET /_sandbox/emails, POST /_sandbox/parameters, GET /_sandbox/calls, POST /_sandbox/reset, GET|POST /_sandbox/clock, GET|POST /_sandbox/buckets, POST /_sandbox/credential-report`,
      });
  }
}

/** One message as one subscription received it (after its filter policy). */
export interface SubscriptionDelivery {
  messageId: string;
  topicArn: string;
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
  subject: string | null;
  messageAttributes: PublishedMessage['messageAttributes'];
  /** The payload as that protocol delivers it (see `PublishedMessage.deliveries`). */
  payload: string;
}

/** The deliveries of every message to every subscription it passed, optionally to one endpoint. */
export function deliveriesTo(state: SandboxState, endpoint: string | null): SubscriptionDelivery[] {
  return state.published.flatMap((message) =>
    message.subscriptions
      .filter((s) => s.delivered && (endpoint === null || s.endpoint === endpoint))
      .map((s) => ({
        messageId: message.messageId,
        topicArn: message.topicArn,
        subscriptionArn: s.subscriptionArn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        subject: message.subject,
        messageAttributes: message.messageAttributes,
        payload:
          message.deliveries[s.protocol as keyof PublishedMessage['deliveries']] ?? message.bodies.default,
      })),
  );
}
