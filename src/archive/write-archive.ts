import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import type { Settings } from '../config/settings.js';
import type { AuditError, AuditReport, ReportArchive, UserRecord } from '../model.js';
import { buildKeyRows } from '../report/key-rows.js';
import { type ArchiveFile, archiveFiles } from './archive-files.js';
import {
  ARCHIVE_KEY_PREFIX,
  type ArchiveFormat,
  type ArchiveLocation,
  archivedObject,
  archiveKey,
  archiveLocation,
} from './archive-location.js';

/**
 * The IAM actions the archive needs, on `arn:aws:s3:::<bucket>/reports/*` only. serverless.yml's
 * `ReportArchivePolicy` grants exactly these (test/deploy checks it).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ARCHIVE_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/reports/*',
    why: 'archives the full report (JSON, CSV, HTML, OCSF) under reports/ of the report bucket',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface ArchiveDeps {
  s3: Pick<S3Client, 'send'>;
  logger: { warn(message: string, extra: Record<string, unknown>): void };
}

export interface ArchiveTarget {
  bucket: string;
  /** The bucket's region (the stack's), for the console links. */
  region: string;
  /** The account the bucket must belong to; default the report's (an organization run's: the auditor's). */
  owner?: string;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A step of the archive that failed: the report's error entry, and what to log. */
function archiveError(
  location: ArchiveLocation,
  format: ArchiveFormat,
  operation: string,
  error: unknown,
): AuditError {
  const { code, message } = describeAwsError(error);
  const uri = `s3://${location.bucket}/${archiveKey(location, format)}`;
  const what =
    operation === 'PutObject'
      ? `Could not archive the ${format.toUpperCase()} report to ${uri}: ${message}.`
      : `Could not render the ${format.toUpperCase()} report for ${uri}: ${message}; please report this as a bug.`;
  return {
    userName: null,
    accessKeyId: null,
    operation,
    code,
    message: [
      what,
      likelyCause(code, location),
      'The audit and its delivery are not affected; only this archived copy is missing.',
    ]
      .filter((part) => part !== '')
      .join(' '),
  };
}

function likelyCause(code: string, location: ArchiveLocation): string {
  if (code === 'NoSuchBucket') {
    return `The bucket ${location.bucket} does not exist: deploy with --param="reportBucket=${location.bucket}" so the stack creates it, or correct REPORT_BUCKET.`;
  }
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return `The function role may not write there: it needs s3:PutObject on arn:aws:s3:::${location.bucket}/${ARCHIVE_KEY_PREFIX}*, and the bucket must belong to this account.`;
  }
  return '';
}

async function put(
  deps: ArchiveDeps,
  location: ArchiveLocation,
  format: ArchiveFormat,
  contentType: string,
  body: string,
  accountId: string,
): Promise<void> {
  // ARCHIVE_PERMISSIONS: s3:PutObject on <bucket>/reports/*.
  await putOwnedObject(deps.s3, {
    bucket: location.bucket,
    key: archiveKey(location, format),
    body,
    contentType,
    owner: accountId,
  });
}

/**
 * Writes the renderings (`files`), then the JSON report, under the run's prefix, and returns the
 * report with `archive` (the links of what was written) and an error entry per object that failed.
 * The JSON goes last so that it carries those links and errors. Never throws for an S3 failure: an
 * archive problem must not lose the run or its delivery.
 */
export async function writeArchive(
  deps: ArchiveDeps,
  target: ArchiveTarget,
  report: AuditReport,
  files: readonly ArchiveFile[],
): Promise<AuditReport> {
  const location = archiveLocation(report, target);
  const archive: ReportArchive = { bucket: location.bucket, prefix: location.prefix };
  const errors: AuditError[] = [];
  const fail = (format: ArchiveFormat, operation: string, error: unknown) => {
    const entry = archiveError(location, format, operation, error);
    errors.push(entry);
    deps.logger.warn('report archive failed', {
      runId: report.runId,
      format,
      code: entry.code,
      message: entry.message,
    });
  };
  await Promise.all(
    files.map(async (file) => {
      let body: string;
      try {
        body = file.render();
      } catch (error) {
        fail(file.suffix, 'RenderArchive', error);
        return;
      }
      try {
        await put(deps, location, file.suffix, file.contentType, body, target.owner ?? report.accountId);
        archive[file.suffix] = archivedObject(location, file.suffix);
      } catch (error) {
        fail(file.suffix, 'PutObject', error);
      }
    }),
  );
  const withErrors = (extra: readonly AuditError[], links: ReportArchive): AuditReport => {
    const all = [...report.errors, ...extra];
    return { ...report, errors: all, summary: { ...report.summary, errors: all.length }, archive: links };
  };
  const full = withErrors(errors, { ...archive, json: archivedObject(location, 'json') });
  try {
    await put(
      deps,
      location,
      'json',
      JSON_CONTENT_TYPE,
      JSON.stringify(full),
      target.owner ?? report.accountId,
    );
    return full;
  } catch (error) {
    fail('json', 'PutObject', error);
    return withErrors(errors, archive);
  }
}

/**
 * Archives a finished run: builds the key rows from the inventory, renders the files and writes
 * them with {@link writeArchive}.
 */
export async function archiveReport(
  deps: ArchiveDeps,
  target: ArchiveTarget,
  run: { report: AuditReport; users: readonly UserRecord[]; settings: Settings },
): Promise<AuditReport> {
  const rows = buildKeyRows(run.users, run.report);
  return writeArchive(
    deps,
    target,
    run.report,
    archiveFiles({
      report: run.report,
      rows,
      settings: run.settings,
      users: run.users,
      region: target.region,
    }),
  );
}
