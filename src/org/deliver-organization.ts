/**
 * The organization report's archive (JSON and HTML under `reports/organization/...` of the report
 * bucket) and its one message to the report topic, with the attribute `scope = organization` so
 * subscribers can filter the organization summary from the accounts' own reports.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { archivedObject, archiveKey, archiveLocation } from '../archive/archive-location.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import type { ReportArchive } from '../model.js';
import { publishMessage } from '../notify/publish.js';
import { SNS_MAX_PUBLISH_BYTES, SNS_MAX_SUBJECT_CHARS, type SnsPublish } from '../notify/sns-message.js';
import type { OrganizationReport } from './organization-report.js';
import {
  organizationHeadline,
  renderOrganizationHtml,
  renderOrganizationText,
} from './render-organization.js';

/**
 * The organization report goes under `reports/` of the report bucket, as every archived report.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ORGANIZATION_ARCHIVE_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/reports/*',
    why: 'archives the organization report (JSON, HTML) under reports/organization/ of the report bucket',
  },
] as const satisfies readonly PermissionDeclaration[];

/** The account segment of the organization report's archive prefix. */
const ORGANIZATION_SEGMENT = 'organization';

/**
 * Writes the HTML, then the JSON (which links to both), and returns the report with `archive`.
 * Throws on an S3 failure: the summary step is retried, and it writes nothing else.
 */
export async function archiveOrganizationReport(
  s3: Pick<S3Client, 'send'>,
  target: { bucket: string; region: string; owner: string },
  report: OrganizationReport,
): Promise<OrganizationReport> {
  const location = archiveLocation({ ...report, accountId: ORGANIZATION_SEGMENT }, target);
  const put = (format: 'json' | 'html', body: string, contentType: string) =>
    putOwnedObject(s3, {
      bucket: location.bucket,
      key: archiveKey(location, format),
      body,
      contentType,
      owner: target.owner,
    });
  await put('html', renderOrganizationHtml(report), 'text/html; charset=utf-8');
  const archive: ReportArchive = {
    bucket: location.bucket,
    prefix: location.prefix,
    json: archivedObject(location, 'json'),
    html: archivedObject(location, 'html'),
  };
  const archived = { ...report, archive };
  await put('json', JSON.stringify(archived), 'application/json; charset=utf-8');
  return archived;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The message: a one-line `default`, the text for `email`, the JSON report for the others. A
 * thousand accounts do not fit in SNS's 256 KB: the accounts least in need of attention are cut
 * from the end of the JSON (and the text), with `accountsOmitted` saying how many; totals and the
 * organization findings always stay, and the archive has everything.
 */
export function buildOrganizationPublish(
  report: OrganizationReport,
  maxBytes = SNS_MAX_PUBLISH_BYTES,
): SnsPublish {
  const headline = organizationHeadline(report);
  const subject = `key-hygiene organization: ${headline}`
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, SNS_MAX_SUBJECT_CHARS);
  const messageAttributes = {
    scope: { DataType: 'String' as const, StringValue: 'organization' },
    highestSeverity: { DataType: 'String' as const, StringValue: report.totals.highestSeverity },
    keysDeactivated: { DataType: 'Number' as const, StringValue: String(report.totals.keysDeactivated) },
  };
  const compose = (keep: number): string => {
    const cut =
      keep >= report.accounts.length
        ? report
        : {
            ...report,
            accounts: report.accounts.slice(0, keep),
            accountsOmitted: report.accounts.length - keep,
          };
    const json = JSON.stringify(cut);
    return JSON.stringify({
      default: `key-hygiene organization audit ${report.runId}: ${headline}`,
      email: renderOrganizationText(cut),
      sqs: json,
      lambda: json,
      http: json,
      https: json,
    });
  };
  const fits = (message: string) =>
    bytes(message) +
      bytes(subject) +
      Object.entries(messageAttributes).reduce(
        (sum, [k, v]) => sum + bytes(k) + bytes(v.DataType) + bytes(v.StringValue),
        0,
      ) <=
    maxBytes;
  let keep = report.accounts.length;
  let message = compose(keep);
  // Halve until it fits, then grow back one step at a time would cost many renders; halving is
  // enough: the cut accounts are the healthiest, and the archive has them all.
  while (!fits(message) && keep > 0) {
    keep = Math.floor(keep / 2);
    message = compose(keep);
  }
  return { subject, message, messageStructure: 'json', messageAttributes };
}

/** Publishes the organization report once; throws a DeliveryError on failure (the step is retried). */
export async function publishOrganizationReport(
  sns: Pick<SNSClient, 'send'>,
  topicArn: string,
  report: OrganizationReport,
): Promise<{ messageId: string }> {
  return publishMessage(sns, topicArn, report.runId, buildOrganizationPublish(report));
}
