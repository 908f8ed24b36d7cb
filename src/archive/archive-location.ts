/**
 * Where a run's archive goes and how to link to it. Pure: no AWS calls, no clock.
 */
import type { ArchivedObject, AuditReport } from '../model.js';
import { partitionOf } from '../notify/topic-arn.js';

/** Every archived object lives under this prefix; the role may write nowhere else. */
export const ARCHIVE_KEY_PREFIX = 'reports/';

/** The formats a run archives. */
export type ArchiveFormat = 'json' | 'csv' | 'html' | 'ocsf';

/** Each format's file name ending: OCSF findings are JSON Lines. */
const EXTENSIONS: Readonly<Record<ArchiveFormat, string>> = {
  json: 'json',
  csv: 'csv',
  html: 'html',
  ocsf: 'ocsf.jsonl',
};

export interface ArchiveLocation {
  bucket: string;
  /** The bucket's region, for the console link. */
  region: string;
  /** `reports/<accountId>/<yyyy>/<mm>/<dd>/<runId>` */
  prefix: string;
}

/** The S3 console of each partition that has one. */
const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/**
 * The archive prefix of a run, dated by the day (UTC) the run started, so a bucket listing by
 * account and date finds it: `reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c`.
 */
export function archiveLocation(
  report: Pick<AuditReport, 'accountId' | 'runId' | 'startedAt'>,
  target: { bucket: string; region: string },
): ArchiveLocation {
  const day = report.startedAt.slice(0, 10).split('-');
  // runIds are made here (`newRunId`), but keep the key one path segment whatever they hold.
  const runId = report.runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return { ...target, prefix: `${ARCHIVE_KEY_PREFIX}${report.accountId}/${day.join('/')}/${runId}` };
}

/** The object key of one format: the prefix plus `.json`, `.csv`, `.html` or `.ocsf.jsonl`. */
export function archiveKey(location: ArchiveLocation, format: ArchiveFormat): string {
  return `${location.prefix}.${EXTENSIONS[format]}`;
}

/**
 * The `s3://` URI and the S3 console link of one archived object.
 *
 * @example
 * archivedObject(location, 'csv').consoleUrl;
 * // 'https://console.aws.amazon.com/s3/object/acme-key-hygiene-reports?region=eu-west-1&prefix=reports%2F...csv'
 */
export function archivedObject(location: ArchiveLocation, format: ArchiveFormat): ArchivedObject {
  const key = archiveKey(location, format);
  const host = CONSOLE_HOSTS[partitionOf(location.region)] ?? CONSOLE_HOSTS.aws;
  const query = new URLSearchParams({ region: location.region, prefix: key });
  return {
    s3Uri: `s3://${location.bucket}/${key}`,
    consoleUrl: `https://${host}/s3/object/${encodeURIComponent(location.bucket)}?${query.toString()}`,
  };
}
