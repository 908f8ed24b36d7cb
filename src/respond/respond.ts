/**
 * The exposed-key responder: for an AWS_RISK_CREDENTIALS_EXPOSED event, within its bounds (at most
 * the keys one user can hold, in its own account or an ACTIVE account of its organization), handle
 * each key, summarise what it did lately, publish a critical alert and record the key as handled
 * for this event. An event outside the bounds is alerted on and not acted on; a key handled
 * before for the same event is not handled twice; a key whose handling failed is alerted on,
 * left unrecorded and reported unfinished, so the event is delivered again.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { writeExposedRecord } from '../apply/exposed-record.js';
import { describeAwsError } from '../aws/errors.js';
import type { Settings } from '../config/settings.js';
import { publishMessage } from '../notify/publish.js';
import { type AccountClients, type ReachDeps, reachAccount } from '../org/reach-account.js';
import { newRunId } from '../run-id.js';
import type { AuditLogger } from '../run-start.js';
import { toIsoDate } from '../time.js';
import { buildAlert, type KeyResponse } from './alert.js';
import { buildEventAlert, type EventNotice } from './event-alert.js';
import {
  findHandledKeys,
  type HandledEvent,
  type HandledEventBucket,
  recordHandledKey,
} from './handled-events.js';
import { type ExposedKeyEvent, HealthEventError, healthEventError } from './health-event.js';
import { type KeyDeps, respondToKey } from './respond-to-key.js';
import { summarizeKeyActivity } from './trail-summary.js';

/** A user holds at most two access keys: an event naming more is not one leak of one user. */
export const MAX_KEYS_PER_EVENT = 2;

export interface ResponderDeps extends Omit<ReachDeps, 'own'>, KeyDeps {
  sns: Pick<SNSClient, 'send'>;
  cloudtrail: Pick<CloudTrailClient, 'send'>;
  s3: Pick<S3Client, 'send'>;
  clock: () => Date;
  /** The report topic, in the responder's own account: never taken from the event. */
  topicArn: string;
  logger: AuditLogger;
}

/** What one invocation did. */
export interface ExposedKeyResponse {
  runId: string;
  accountId: string;
  eventId: string;
  eventArn: string;
  keys: KeyResponse[];
}

/** The event was read, but some of its keys could not be dealt with: the invocation fails and is retried. */
export class ExposureNotHandledError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExposureNotHandledError';
  }
}

interface Invocation {
  runId: string;
  now: Date;
  event: ExposedKeyEvent;
  keyIds: string[];
}

/**
 * Responds to one AWS Health exposed-key event.
 *
 * @throws DeliveryError when an alert cannot be published; the key's record is then not written,
 *   so the retried event acts and alerts again.
 */
export async function respondToExposedKey(
  deps: ResponderDeps,
  settings: Settings,
  event: ExposedKeyEvent,
): Promise<ExposedKeyResponse> {
  const now = deps.clock();
  const runId = newRunId(now);
  const keyIds = [...new Set(event.detail.affectedEntities.map((entity) => entity.entityValue))];
  const invocation = { runId, now, event, keyIds };
  if (keyIds.length > MAX_KEYS_PER_EVENT) {
    return refuse(
      deps,
      invocation,
      `the event names ${keyIds.length} keys, more than the ${MAX_KEYS_PER_EVENT} one IAM user can hold, so it is not one user's leak; none was changed`,
    );
  }
  const reach = await reachAccount(
    { ...deps, own: { iam: deps.iam, cloudtrail: deps.cloudtrail } },
    settings,
    event.account,
    runId,
  );
  if (reach.kind === 'refused') return refuse(deps, invocation, reach.reason);
  try {
    return await respondInAccount(deps, settings, invocation, reach);
  } finally {
    reach.release();
  }
}

async function respondInAccount(
  deps: ResponderDeps,
  settings: Settings,
  { runId, now, event, keyIds }: Invocation,
  reach: { own: boolean; clients: AccountClients },
): Promise<ExposedKeyResponse> {
  const context = {
    runId,
    accountId: event.account,
    eventId: event.id,
    eventArn: event.detail.eventArn,
    now,
  };
  const handledEvent: HandledEvent = { accountId: event.account, eventArn: event.detail.eventArn };
  const bucket: HandledEventBucket | null = settings.reportBucket
    ? { bucket: settings.reportBucket, ownerAccountId: deps.accountId }
    : null;
  const handled = await alreadyHandled(deps, bucket, handledEvent, runId);
  const keyDeps: KeyDeps = {
    iam: reach.clients.iam,
    // The responder's own key lives in its own account only.
    selfAccessKeyId: reach.own ? deps.selfAccessKeyId : null,
  };
  const keys: KeyResponse[] = [];
  for (const accessKeyId of keyIds) {
    if (handled.has(accessKeyId)) {
      deps.logger.info('exposed key already handled for this event', { runId, accessKeyId });
      keys.push({
        accessKeyId,
        userName: null,
        outcome: 'duplicate',
        detail: `nothing: this AWS Health event's key was already handled (recorded in the report bucket).`,
        quarantinePolicies: [],
        activity: null,
        messageId: null,
      });
      continue;
    }
    const { record, ...outcome } = await respondToKey(keyDeps, settings, { runId, now }, accessKeyId);
    if (outcome.outcome === 'concurrent') {
      // The run that holds the key alerts on it; this delivery fails and its retry sees the result.
      deps.logger.info('exposed key being deactivated by another run', { runId, accessKeyId });
      keys.push({ ...outcome, activity: null, messageId: null });
      continue;
    }
    const activity = outcome.userName
      ? await summarizeKeyActivity(reach.clients.cloudtrail, accessKeyId, now)
      : null;
    const response: KeyResponse = { ...outcome, activity, messageId: null };
    const { messageId } = await publishMessage(deps.sns, deps.topicArn, runId, buildAlert(response, context));
    deps.logger.warn('exposed key handled', {
      runId,
      accountId: event.account,
      accessKeyId,
      userName: outcome.userName,
      outcome: outcome.outcome,
    });
    keys.push({ ...response, messageId });
    if (!record) continue;
    // The member role writes no tag but the deactivation record; the nightly audit of the
    // responder's own account reads this one.
    if (reach.own && outcome.userName) {
      await bestEffort(deps, 'record the exposure on the user', { runId, accessKeyId }, () =>
        writeExposedRecord(deps.iam, outcome.userName ?? '', accessKeyId, `${toIsoDate(now)} ${runId}`),
      );
    }
    if (bucket) {
      await bestEffort(deps, 'record the key as handled for this event', { runId, accessKeyId }, () =>
        recordHandledKey(deps.s3, bucket, handledEvent, {
          accessKeyId,
          outcome: outcome.outcome,
          runId,
          messageId,
          at: now.toISOString(),
        }),
      );
    }
  }
  return { runId, accountId: event.account, eventId: event.id, eventArn: event.detail.eventArn, keys };
}

/** Keys recorded as handled for the event; when that cannot be read, none (alert twice, never miss one). */
async function alreadyHandled(
  deps: ResponderDeps,
  bucket: HandledEventBucket | null,
  event: HandledEvent,
  runId: string,
): Promise<Set<string>> {
  if (!bucket) return new Set();
  try {
    return await findHandledKeys(deps.s3, bucket, event);
  } catch (error) {
    deps.logger.warn('could not read which keys of the event were handled; handling them all', {
      runId,
      bucket: bucket.bucket,
      ...describeAwsError(error),
    });
    return new Set();
  }
}

async function bestEffort(
  deps: ResponderDeps,
  what: string,
  fields: Record<string, unknown>,
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    deps.logger.warn(`could not ${what}`, { ...fields, ...describeAwsError(error) });
  }
}

/** An event outside the bounds: one alert, no change, every key marked refused. */
async function refuse(
  deps: ResponderDeps,
  { runId, now, event, keyIds }: Invocation,
  reason: string,
): Promise<ExposedKeyResponse> {
  const notice: EventNotice = {
    kind: 'refused',
    eventId: event.id,
    eventArn: event.detail.eventArn,
    accountId: event.account,
    accessKeyIds: keyIds,
    reason,
  };
  const { messageId } = await publishMessage(
    deps.sns,
    deps.topicArn,
    runId,
    buildEventAlert(notice, { runId, responderAccountId: deps.accountId, now }),
  );
  deps.logger.warn('exposed-key event not acted on', { runId, accountId: event.account, reason });
  const keys = keyIds.map(
    (accessKeyId): KeyResponse => ({
      accessKeyId,
      userName: null,
      outcome: 'refused',
      detail: `nothing: ${reason}.`,
      quarantinePolicies: [],
      activity: null,
      messageId,
    }),
  );
  return { runId, accountId: event.account, eventId: event.id, eventArn: event.detail.eventArn, keys };
}

/** The keys of a response that were not dealt with (yet): their event must be delivered again. */
export function throwIfUnfinished(response: ExposedKeyResponse): void {
  const failed = response.keys.filter((key) => key.outcome === 'failed' || key.outcome === 'concurrent');
  if (failed.length === 0) return;
  throw new ExposureNotHandledError(
    `Exposed key(s) of account ${response.accountId} not dealt with in run ${response.runId}: ${failed
      .map((key) => `${key.accessKeyId} (${key.detail})`)
      .join('; ')}. The alert was sent; the event is retried, then kept in the responder's failure queue.`,
  );
}

/**
 * Publishes the alert about an event the schema refuses, then throws its HealthEventError (every
 * bad field named), so the invocation still fails and is kept in the failure queue after its retries.
 */
export async function refuseUnreadableEvent(
  deps: Pick<ResponderDeps, 'sns' | 'topicArn' | 'clock' | 'accountId' | 'logger'>,
  input: unknown,
): Promise<never> {
  const error =
    healthEventError(input) ?? new HealthEventError('The event passed the schema only on a second reading');
  const now = deps.clock();
  const runId = newRunId(now);
  const id = (input as { id?: unknown } | null)?.id;
  const notice: EventNotice = {
    kind: 'unreadable',
    eventId: typeof id === 'string' ? id.slice(0, 100) : null,
    problems: error.message,
  };
  await publishMessage(
    deps.sns,
    deps.topicArn,
    runId,
    buildEventAlert(notice, { runId, responderAccountId: deps.accountId, now }),
  );
  deps.logger.warn('could not read this Health event', { runId, eventId: notice.eventId });
  throw error;
}
