/**
 * The delivery record of a nightly event, under `deliveries/` of the report bucket: which run
 * answered the EventBridge event and which of its messages are out. Lambda retries a failed
 * asynchronous invocation with the same event, so a retry that finds the record delivers that
 * run's report instead of auditing again (which would find the keys already inactive and report
 * nothing done). It is first written before the audit, with the run id and no report: a retry of an
 * attempt killed before it recorded its report continues that run (its deactivations are reported).
 * It holds no secret and no copy of an archived report, only where that report is.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import { type AuditReport, reportSchema } from '../model.js';
import { ARCHIVE_KEY_PREFIX, archiveKey } from './archive-location.js';

/** Every delivery record lives under this prefix, one object per event. */
export const DELIVERY_RECORD_PREFIX = 'deliveries/';

/**
 * The calls of the record, on `deliveries/` only (serverless.yml's `ReportArchivePolicy`). S3
 * answers a read of a missing object with 403, not 404, unless the caller may list the bucket, so
 * the record is looked up by listing its exact key; the listing is allowed for that prefix alone.
 * @public gathered with the other declarations (scripts/permissions/registry.ts)
 */
export const DELIVERY_RECORD_PERMISSIONS = [
  {
    action: 's3:ListBucket',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}',
    condition: { StringLike: { 's3:prefix': `${DELIVERY_RECORD_PREFIX}*` } },
    why: 'looks up the delivery record of the nightly event before auditing (listing deliveries/ only)',
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/deliveries/*',
    why: 'reads the delivery record of a retried nightly event',
  },
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/deliveries/*',
    why: 'records which run answered the nightly event, before it audits, before its first message and after each one',
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/reports/*',
    why: 'a retried nightly event reads back the archived report it delivers',
  },
] as const satisfies readonly PermissionDeclaration[];

const publishedSchema = z.strictObject({
  /** The full report's message id; null until it is published. */
  report: z.string().min(1).nullable(),
  /** The team copies published, in order. */
  teams: z.array(z.strictObject({ team: z.string(), messageId: z.string().min(1) })),
});

const deliveryRecordSchema = z.strictObject({
  recordVersion: z.literal(1),
  eventId: z.string(),
  runId: z.string().min(1),
  /**
   * The archived JSON report's key; the report itself only when it could not be archived; null
   * while the run has not finished its audit (written before anything changes).
   */
  report: z
    .union([
      z.strictObject({ archivedKey: z.string().startsWith(ARCHIVE_KEY_PREFIX) }),
      z.strictObject({ inline: reportSchema }),
    ])
    .nullable(),
  published: publishedSchema,
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** The report bucket, and the account that must own it (never read or write a bucket that changed hands). */
export interface RecordBucket {
  bucket: string;
  accountId: string;
}

/** The record could not be read or written; the message names the object, the cause is the SDK error. */
export class DeliveryRecordError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeliveryRecordError';
  }
}

/** `deliveries/<eventId>.json`, the id encoded so that any id stays one key segment. */
export function deliveryRecordKey(eventId: string): string {
  return `${DELIVERY_RECORD_PREFIX}${encodeURIComponent(eventId)}.json`;
}

/** The record of a run that answers `eventId` and has not audited yet: its run id, no report. */
export function startedDeliveryRecord(eventId: string, runId: string): DeliveryRecord {
  return { recordVersion: 1, eventId, runId, report: null, published: { report: null, teams: [] } };
}

/** A new record for the run that answers `eventId`: nothing published yet. */
export function newDeliveryRecord(eventId: string, report: AuditReport): DeliveryRecord {
  const archive = report.archive;
  return {
    recordVersion: 1,
    eventId,
    runId: report.runId,
    // The archive's JSON is the report as delivered; point at it rather than copy it.
    report: archive?.json
      ? { archivedKey: archiveKey({ bucket: archive.bucket, region: '', prefix: archive.prefix }, 'json') }
      : { inline: report },
    published: { report: null, teams: [] },
  };
}

const uriOf = (where: RecordBucket, key: string) => `s3://${where.bucket}/${key}`;

function failure(what: string, uri: string, error: unknown): DeliveryRecordError {
  const { code, message } = describeAwsError(error);
  return new DeliveryRecordError(`Could not ${what} ${uri} (${code}: ${message})`, { cause: error });
}

async function readJson(s3: Pick<S3Client, 'send'>, where: RecordBucket, key: string): Promise<unknown> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: where.bucket, Key: key, ExpectedBucketOwner: where.accountId }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '');
}

/**
 * The record of `eventId`, or null when there is none (the event's first attempt).
 *
 * @throws DeliveryRecordError when the lookup or the read fails, or the object is not a record of
 * that event: whether the event was already audited is then unknown, and auditing anyway is how a
 * retry reports nothing done.
 */
export async function findDeliveryRecord(
  s3: Pick<S3Client, 'send'>,
  where: RecordBucket,
  eventId: string,
): Promise<DeliveryRecord | null> {
  const key = deliveryRecordKey(eventId);
  const uri = uriOf(where, key);
  let listed: string[];
  try {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: where.bucket,
        Prefix: key,
        MaxKeys: 10,
        ExpectedBucketOwner: where.accountId,
      }),
    );
    listed = (page.Contents ?? []).map((object) => object.Key ?? '');
  } catch (error) {
    throw failure('look up the delivery record', uri, error);
  }
  if (!listed.includes(key)) return null;
  let parsed: ReturnType<typeof deliveryRecordSchema.safeParse>;
  try {
    parsed = deliveryRecordSchema.safeParse(await readJson(s3, where, key));
  } catch (error) {
    throw failure('read the delivery record', uri, error);
  }
  if (!parsed.success || parsed.data.eventId !== eventId) {
    throw new DeliveryRecordError(`${uri} is not the delivery record of event ${eventId}`);
  }
  return parsed.data;
}

/**
 * The report a record answers its event with: inline, or read back from the archive.
 *
 * @throws DeliveryRecordError when the archived report cannot be read or is another run's.
 */
export async function recordedReport(
  s3: Pick<S3Client, 'send'>,
  where: RecordBucket,
  record: DeliveryRecord & { report: NonNullable<DeliveryRecord['report']> },
): Promise<AuditReport> {
  if ('inline' in record.report) return record.report.inline;
  const uri = uriOf(where, record.report.archivedKey);
  let parsed: ReturnType<typeof reportSchema.safeParse>;
  try {
    parsed = reportSchema.safeParse(await readJson(s3, where, record.report.archivedKey));
  } catch (error) {
    throw failure('read the archived report', uri, error);
  }
  if (!parsed.success || parsed.data.runId !== record.runId) {
    throw new DeliveryRecordError(`${uri} is not the archived report of run ${record.runId}`);
  }
  return parsed.data;
}

/**
 * Writes the record (replacing the event's earlier version).
 *
 * @throws DeliveryRecordError when S3 refuses it.
 */
export async function writeDeliveryRecord(
  s3: Pick<S3Client, 'send'>,
  where: RecordBucket,
  record: DeliveryRecord,
): Promise<void> {
  const key = deliveryRecordKey(record.eventId);
  try {
    await putOwnedObject(s3, {
      bucket: where.bucket,
      key,
      body: JSON.stringify(record),
      contentType: 'application/json; charset=utf-8',
      owner: where.accountId,
    });
  } catch (error) {
    throw failure('write the delivery record', uriOf(where, key), error);
  }
}
