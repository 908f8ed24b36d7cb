/**
 * A report's findings as OCSF Detection Findings (class 2004, schema 1.8.0), one JSON object per
 * line (JSON Lines), for security data lakes (Amazon Security Lake, Splunk, ...). Pure: the same
 * function writes the archived `.ocsf.jsonl` file and a command-line `--output ocsf`.
 *
 * Each finding carries the stable id the Security Hub export uses (`finding_info.uid`), so a data
 * lake can follow one condition from night to night; `first_seen_time` is when the condition first
 * held (given the inventory), `last_seen_time` the run's evaluation time. The compliance controls,
 * the run and what it did about the key are in `unmapped` (Detection Finding has no field for them).
 */
import type { AuditReport, Finding, Severity, UserRecord } from '../model.js';
import { partitionOf } from '../notify/topic-arn.js';
import {
  actionOf,
  actionTaken,
  exportedTags,
  type FindingThresholds,
  findingTitle,
  findingUid,
  firstObservedAt,
  REMEDIATION_URL,
  recordsOf,
  remediationText,
} from './finding-facts.js';

/** The OCSF schema release the findings follow (test/fixtures/ocsf-schema-1.8.0 validates them). */
export const OCSF_VERSION = '1.8.0';
/** JSON Lines, as the archive stores the file. */
export const OCSF_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

const DETECTION_FINDING = { class_uid: 2004, class_name: 'Detection Finding' } as const;
const FINDINGS_CATEGORY = { category_uid: 2, category_name: 'Findings' } as const;
/** Activity 1, Create: each run reports the findings it made; the uid ties a finding's nights together. */
const CREATE = { activity_id: 1, activity_name: 'Create' } as const;

const SEVERITY: Readonly<Record<Severity, { severity_id: number; severity: string }>> = {
  info: { severity_id: 1, severity: 'Informational' },
  low: { severity_id: 2, severity: 'Low' },
  medium: { severity_id: 3, severity: 'Medium' },
  high: { severity_id: 4, severity: 'High' },
  critical: { severity_id: 5, severity: 'Critical' },
};

/** A Detection Finding as key-hygiene writes it: plain JSON. */
export type OcsfDetectionFinding = Record<string, unknown>;

export interface OcsfOptions {
  /** The inventory the report was built from: first-seen times and user tags. Without it they are left out. */
  users?: readonly UserRecord[];
  /** The thresholds, for first-seen times (with `users`). */
  thresholds?: FindingThresholds;
  /** The region the run audited from, for `cloud.region`. */
  region?: string;
}

const ms = (iso: string) => Date.parse(iso);

function resourcesOf(report: AuditReport, finding: Finding, options: OcsfOptions): Record<string, unknown>[] {
  const where = options.region
    ? { region: options.region, cloud_partition: partitionOf(options.region) }
    : {};
  if (finding.userName === null) {
    return [{ type: 'AWS::::Account', uid: report.accountId, name: report.accountId, ...where }];
  }
  const user = options.users ? (recordsOf(options.users, finding)?.user ?? null) : null;
  const key = {
    type: 'AWS::IAM::AccessKey',
    uid:
      finding.accessKeyId ??
      `${finding.userArn}/access-key-${finding.keyCreateDate ?? `slot-${finding.slot ?? '?'}`}`,
    ...(finding.accessKeyId ? { name: finding.accessKeyId } : {}),
    ...(finding.keyCreateDate ? { created_time: ms(finding.keyCreateDate) } : {}),
    ...where,
    data: {
      status: finding.keyStatus,
      slot: finding.slot,
      age_days: finding.keyAgeDays,
      days_since_last_use: finding.daysSinceLastUse,
      last_used_service: finding.lastUsedService,
      last_used_region: finding.lastUsedRegion,
    },
  };
  const tags = exportedTags(user?.tags ?? {}).map(([name, value]) => ({ name, value }));
  const owner = {
    type: user?.isRoot ? 'AWS::::Account' : 'AWS::IAM::User',
    uid: finding.userArn,
    name: finding.userName,
    ...(user?.createDate ? { created_time: user.createDate.getTime() } : {}),
    ...where,
    ...(tags.length > 0 ? { tags } : {}),
  };
  return [key, owner];
}

/** One finding of the report as an OCSF Detection Finding. */
export function toOcsfFinding(
  report: AuditReport,
  finding: Finding,
  options: OcsfOptions = {},
): OcsfDetectionFinding {
  const action = actionOf(report, finding);
  const first =
    options.users && options.thresholds
      ? firstObservedAt(finding, options.users, options.thresholds, new Date(report.asOf))
      : null;
  const time = ms(report.asOf);
  return {
    ...CREATE,
    ...FINDINGS_CATEGORY,
    ...DETECTION_FINDING,
    type_uid: DETECTION_FINDING.class_uid * 100 + CREATE.activity_id,
    type_name: `${DETECTION_FINDING.class_name}: ${CREATE.activity_name}`,
    ...SEVERITY[finding.severity],
    time,
    message: finding.message,
    is_alert: true,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'key-hygiene', vendor_name: 'key-hygiene' },
      profiles: ['cloud'],
      event_code: finding.ruleId,
      correlation_uid: report.runId,
      log_name: 'key-hygiene audit',
    },
    cloud: {
      provider: 'AWS',
      ...(options.region ? { region: options.region } : {}),
      account: { uid: report.accountId, type_id: 10, type: 'AWS Account' },
    },
    finding_info: {
      uid: findingUid(report.accountId, finding),
      title: findingTitle(finding),
      desc: finding.message,
      types: [finding.ruleId],
      analytic: { uid: finding.ruleId, name: finding.ruleId, type_id: 1, type: 'Rule' },
      ...(first ? { first_seen_time: first.getTime() } : {}),
      last_seen_time: time,
    },
    resources: resourcesOf(report, finding, options),
    remediation: { desc: remediationText(finding), references: [REMEDIATION_URL] },
    unmapped: {
      controls: finding.controls,
      requested_action: finding.action,
      action_taken: actionTaken(action),
      ...(action?.reason ? { action_reason: action.reason } : {}),
      mode: report.mode,
      ...(finding.team ? { team: finding.team } : {}),
    },
  };
}

/** Every finding of the report as a Detection Finding, in the report's order. */
export function toOcsfFindings(report: AuditReport, options: OcsfOptions = {}): OcsfDetectionFinding[] {
  return report.findings.map((finding) => toOcsfFinding(report, finding, options));
}

/**
 * The report's findings as JSON Lines: one Detection Finding per line, each line ending in `\n`
 * (empty for a report without findings). JSON.stringify escapes line breaks inside strings, so a
 * hostile tag cannot split a record.
 *
 * @example
 * process.stdout.write(renderOcsfJsonLines(report)); // the command line's `--output ocsf`
 */
export function renderOcsfJsonLines(report: AuditReport, options: OcsfOptions = {}): string {
  return toOcsfFindings(report, options)
    .map((finding) => `${JSON.stringify(finding)}\n`)
    .join('');
}
