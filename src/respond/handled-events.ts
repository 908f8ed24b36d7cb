/**
 * Which keys of an AWS Health event the responder has handled, recorded in the report bucket under
 * `exposed-key-events/`, where only the responder's role writes. A duplicate is recognised by the
 * event (its account and `eventArn`), never by a mark on the user: a tag is data anyone allowed to
 * tag users controls, and a forged one would silence every later exposure of the key. A record is
 * written only after the key was dealt with and the alert published, so a failed attempt leaves
 * nothing behind and the redelivered event acts again.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';

/** Every record lives under this prefix: `<prefix><hash of account and eventArn>/<key id>.json`. */
export const HANDLED_EVENT_PREFIX = 'exposed-key-events/';

/**
 * S3 answers a read of a missing object with 403 unless the caller may list, so records are
 * looked up by listing their event's prefix (and never read); listing is allowed under it alone.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const HANDLED_EVENT_PERMISSIONS = [
  {
    action: 's3:ListBucket',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}',
    condition: { StringLike: { 's3:prefix': `${HANDLED_EVENT_PREFIX}*` } },
    why: 'looks up which keys of an AWS Health event the responder already handled (listing exposed-key-events/ only)',
  },
  {
    action: 's3:PutObject',
    resource: `arn:\${AWS::Partition}:s3:::\${ReportBucket}/${HANDLED_EVENT_PREFIX}*`,
    why: 'records that a key of an AWS Health event was handled, after its alert was published',
  },
] as const satisfies readonly PermissionDeclaration[];

/** The report bucket, and the account that must own it. */
export interface HandledEventBucket {
  bucket: string;
  ownerAccountId: string;
}

/** One event of one account: AWS Health's event ARNs are unique per event, not per account. */
export interface HandledEvent {
  accountId: string;
  eventArn: string;
}

/** What a record says; no secret, only which run handled the key and how. */
export interface HandledKeyRecord {
  accessKeyId: string;
  outcome: string;
  runId: string;
  messageId: string | null;
  at: string;
}

/** The event's folder: a hash, so any ARN is one short key segment. */
export function handledEventPrefix(event: HandledEvent): string {
  const hash = createHash('sha256').update(`${event.accountId}\n${event.eventArn}`).digest('hex');
  return `${HANDLED_EVENT_PREFIX}${hash}/`;
}

const recordKey = (event: HandledEvent, accessKeyId: string) =>
  `${handledEventPrefix(event)}${accessKeyId}.json`;

/** The key ids of `event` already handled. Throws the SDK's error when S3 cannot be listed. */
export async function findHandledKeys(
  s3: Pick<S3Client, 'send'>,
  where: HandledEventBucket,
  event: HandledEvent,
): Promise<Set<string>> {
  const prefix = handledEventPrefix(event);
  const page = await s3.send(
    new ListObjectsV2Command({
      Bucket: where.bucket,
      Prefix: prefix,
      ExpectedBucketOwner: where.ownerAccountId,
    }),
  );
  const handled = new Set<string>();
  for (const object of page.Contents ?? []) {
    const match = /^([A-Z0-9]+)\.json$/.exec((object.Key ?? '').slice(prefix.length));
    if (match?.[1]) handled.add(match[1]);
  }
  return handled;
}

/** Records one handled key of `event`. Throws the SDK's error when S3 refuses it. */
export async function recordHandledKey(
  s3: Pick<S3Client, 'send'>,
  where: HandledEventBucket,
  event: HandledEvent,
  record: HandledKeyRecord,
): Promise<void> {
  await putOwnedObject(s3, {
    bucket: where.bucket,
    key: recordKey(event, record.accessKeyId),
    body: JSON.stringify({ ...event, ...record }),
    contentType: 'application/json; charset=utf-8',
    owner: where.ownerAccountId,
  });
}
