/**
 * CloudTrail (JSON 1.1, `X-Amz-Target: CloudTrail_20131101.LookupEvents` as the SDK sends it, or
 * the model's qualified `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101` prefix): LookupEvents over
 * the management events a fixture carries, newest first, as CloudTrail answers them, at CloudTrail's
 * rate of 2 lookups a second per account and region (`ThrottlingException` beyond it).
 */
import type { TrailEvent } from './cloudtrail-state.js';
import { AwsError } from './errors.js';
import type { SandboxAccount } from './iam-state.js';
import type { JsonRequestContext, JsonService } from './json-service.js';

const ATTRIBUTE_KEYS = {
  EventId: (e: TrailEvent) => e.eventId,
  EventName: (e: TrailEvent) => e.eventName,
  ReadOnly: (e: TrailEvent) => String(e.readOnly),
  Username: (e: TrailEvent) => e.assumedRole?.sessionName ?? e.userName ?? '',
  EventSource: (e: TrailEvent) => e.eventSource,
  AccessKeyId: (e: TrailEvent) => e.accessKeyId,
  ResourceType: (e: TrailEvent) => e.resources.map((r) => r.type),
  ResourceName: (e: TrailEvent) => e.resources.map((r) => r.name),
} as const;
const MAX_RESULTS = 50;
/** LookupEvents reaches back 90 days. */
const RETENTION_MS = 90 * 86_400_000;

/** "The rate of lookup requests is limited to two per second, per account, per Region." */
const LOOKUPS_PER_SECOND = 2;

/**
 * Takes a lookup token of the account's bucket for the region; false when there is none. The
 * bucket refills with whichever moved more since the last lookup, real time or the sandbox clock:
 * the demo's clock is fixed, and a test paces its calls by moving the clock instead of sleeping.
 */
function takeLookupToken(account: SandboxAccount, region: string, now: Date): boolean {
  const realAt = performance.now();
  const sandboxAt = now.getTime();
  const bucket = account.trailBuckets.get(region) ?? { tokens: LOOKUPS_PER_SECOND, realAt, sandboxAt };
  const elapsed = Math.max(realAt - bucket.realAt, sandboxAt - bucket.sandboxAt, 0);
  bucket.tokens = Math.min(LOOKUPS_PER_SECOND, bucket.tokens + (elapsed / 1000) * LOOKUPS_PER_SECOND);
  bucket.realAt = realAt;
  bucket.sandboxAt = sandboxAt;
  account.trailBuckets.set(region, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

const invalid = (code: string, message: string) => new AwsError(code, 400, message);

/** JSON 1.1 timestamps are epoch seconds; the SDK sends them as numbers. */
function timeOf(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid('ValidationException', `${field} must be a timestamp`);
  }
  return new Date(value * 1000);
}

function matcher(body: Record<string, unknown>): (event: TrailEvent) => boolean {
  const attributes = body.LookupAttributes ?? [];
  if (!Array.isArray(attributes) || attributes.length > 1) {
    throw invalid('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
  }
  const [attribute] = attributes as { AttributeKey?: unknown; AttributeValue?: unknown }[];
  if (!attribute) return () => true;
  const key = attribute.AttributeKey;
  const value = attribute.AttributeValue;
  if (typeof key !== 'string' || !(key in ATTRIBUTE_KEYS)) {
    throw invalid('InvalidLookupAttributesException', `Lookup attribute key ${String(key)} is not valid.`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) {
    throw invalid('InvalidLookupAttributesException', 'Lookup attribute value must be 1 to 2000 characters.');
  }
  const read = ATTRIBUTE_KEYS[key as keyof typeof ATTRIBUTE_KEYS];
  return (event) => {
    const actual = read(event);
    return Array.isArray(actual) ? actual.includes(value) : actual === value;
  };
}

/** The record's `userIdentity`: an IAM user, or a role session (as CloudTrail writes an SSO user's). */
function userIdentity(ctx: JsonRequestContext, e: TrailEvent): Record<string, unknown> {
  const account = ctx.account.id;
  if (e.assumedRole) {
    const { roleName, sessionName } = e.assumedRole;
    return {
      type: 'AssumedRole',
      principalId: `AROA${account}:${sessionName}`,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      accountId: account,
      accessKeyId: e.accessKeyId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROA${account}`,
          arn: `arn:aws:iam::${account}:role/${roleName}`,
          accountId: account,
          userName: roleName,
        },
        attributes: { creationDate: `${e.eventTime.toISOString().slice(0, 19)}Z`, mfaAuthenticated: 'false' },
      },
    };
  }
  const arn = e.userName ? `arn:aws:iam::${account}:user/${e.userName}` : undefined;
  return {
    type: 'IAMUser',
    ...(arn ? { arn, userName: e.userName } : {}),
    accountId: account,
    accessKeyId: e.accessKeyId,
  };
}

function cloudTrailEvent(ctx: JsonRequestContext, e: TrailEvent): string {
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: userIdentity(ctx, e),
    eventTime: `${e.eventTime.toISOString().slice(0, 19)}Z`,
    eventSource: e.eventSource,
    eventName: e.eventName,
    awsRegion: e.awsRegion,
    sourceIPAddress: e.sourceIPAddress,
    userAgent: e.userAgent,
    requestParameters: e.requestParameters,
    responseElements: e.responseElements,
    eventID: e.eventId,
    readOnly: e.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.account.id,
    eventCategory: 'Management',
  });
}

export const cloudTrailService: JsonService = {
  name: 'cloudtrail',
  targetPrefix: 'CloudTrail_20131101',
  aliases: ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'],
  actions: {
    LookupEvents: (ctx) => {
      const now = ctx.now;
      if (!takeLookupToken(ctx.account, ctx.region, now)) {
        throw new AwsError('ThrottlingException', 400, 'Rate exceeded');
      }
      const end = timeOf(ctx.body.EndTime, 'EndTime') ?? now;
      const start = timeOf(ctx.body.StartTime, 'StartTime') ?? new Date(now.getTime() - RETENTION_MS);
      if (start.getTime() > end.getTime()) {
        throw invalid('InvalidTimeRangeException', 'Start time must be before end time.');
      }
      const maxResults = ctx.body.MaxResults ?? MAX_RESULTS;
      if (
        typeof maxResults !== 'number' ||
        !Number.isInteger(maxResults) ||
        maxResults < 1 ||
        maxResults > MAX_RESULTS
      ) {
        throw invalid('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
      }
      const matches = matcher(ctx.body);
      const events = ctx.account.trail
        .filter((e) => e.eventTime >= start && e.eventTime <= end && matches(e))
        .reverse();
      const token = ctx.body.NextToken;
      let offset = 0;
      if (token !== undefined) {
        const decoded =
          typeof token === 'string' ? /^kh-trail-(\d+)$/.exec(Buffer.from(token, 'base64').toString()) : null;
        if (!decoded) throw invalid('InvalidNextTokenException', 'Invalid NextToken.');
        offset = Number(decoded[1]);
      }
      const page = events.slice(offset, offset + maxResults);
      const next = offset + page.length;
      return {
        Events: page.map((e) => ({
          EventId: e.eventId,
          EventName: e.eventName,
          ReadOnly: String(e.readOnly),
          AccessKeyId: e.accessKeyId,
          EventTime: e.eventTime.getTime() / 1000,
          EventSource: e.eventSource,
          ...(e.assumedRole
            ? { Username: e.assumedRole.sessionName }
            : e.userName
              ? { Username: e.userName }
              : {}),
          Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
          CloudTrailEvent: cloudTrailEvent(ctx, e),
        })),
        ...(next < events.length ? { NextToken: Buffer.from(`kh-trail-${next}`).toString('base64') } : {}),
      };
    },
  },
};
