/**
 * The data that flows through the audit pipeline:
 * collect -> evaluate -> plan -> apply -> report -> deliver.
 *
 * Dates inside the pipeline are `Date`; the report (the canonical JSON) carries ISO 8601 strings.
 */

export const Severity = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'info',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Most severe first; used to sort findings and to pick the highest severity of a run. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const RULE_IDS = [
  'unused-key',
  'never-used-key',
  'rotation-overdue',
  'two-active-keys',
  'root-access-key',
  'inactive-key-cleanup',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Findings raised by a safeguard rather than by a rule (for example the blast-radius cap). */
export type SafeguardId = 'blast-radius-cap' | 'unfinished-deactivation';

export type KeyStatus = 'Active' | 'Inactive' | 'Expired';

export interface LastUse {
  date: Date;
  service: string;
  region: string;
}

/** One access key of one user, as the inventory saw it. */
export interface KeyRecord {
  /** Null when the key is known only from the credential report (no key IDs there). */
  accessKeyId: string | null;
  /** Credential-report slot (1 or 2); null on the live path. */
  slot: 1 | 2 | null;
  status: KeyStatus;
  /** Null only for a root key seen through GetAccountSummary, which gives no dates. */
  createDate: Date | null;
  /** Null when the key was never used (or not since tracking began in 2015). */
  lastUsed: LastUse | null;
}

/** One IAM user (or the root account) with its tags and keys. */
export interface UserRecord {
  userName: string;
  arn: string;
  path: string;
  createDate: Date | null;
  tags: Readonly<Record<string, string>>;
  isRoot: boolean;
  keys: KeyRecord[];
}

/** Something the inventory could not read; the run goes on without it. */
export interface AuditError {
  userName: string | null;
  accessKeyId: string | null;
  operation: string;
  code: string;
  message: string;
}

export type FindingAction = 'deactivate' | 'notify' | 'delete';

export interface Finding {
  ruleId: RuleId | SafeguardId;
  severity: Severity;
  /** Null for account-level findings raised by a safeguard. */
  userName: string | null;
  userArn: string | null;
  accessKeyId: string | null;
  slot: 1 | 2 | null;
  keyStatus: KeyStatus | null;
  keyCreateDate: string | null;
  keyAgeDays: number | null;
  daysSinceLastUse: number | 'never' | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
  /** Compliance controls, e.g. `CIS 1.12`, `Security Hub IAM.22`. */
  controls: string[];
  /** One plain sentence a person can act on. */
  message: string;
  action: FindingAction;
  /** The user's `team` tag, else its `owner` tag (per-team routing); absent when it has neither. */
  team?: string | null;
}

export type ActionStatus = 'planned' | 'applied' | 'skipped' | 'failed';

export interface ActionOutcome {
  action: 'deactivate' | 'delete';
  ruleId: RuleId;
  userName: string;
  accessKeyId: string;
  status: ActionStatus;
  /** Why it was skipped (or, for `planned`, what enforce mode would do). */
  reason: string | null;
  error: { code: string; message: string } | null;
  /** The user's `team` (else `owner`) tag; absent when it has neither. */
  team?: string | null;
}

export type ExemptionSource = 'tag' | 'name' | 'glob' | 'path';

export interface ExemptEntry {
  userName: string;
  accessKeyId: string | null;
  source: ExemptionSource;
  /** The tag value, name, glob or path that matched. */
  matched: string;
  /** For a dated tag exemption, the last day it holds (YYYY-MM-DD). */
  until: string | null;
  /** The `key-hygiene:exempt-reason` tag, if any. */
  reason: string | null;
  /** Rules that would have raised a finding on this key. */
  suppressedRules: RuleId[];
  /** The user's `team` (else `owner`) tag; absent when it has neither. */
  team?: string | null;
}

export type InventorySource = 'live-api' | 'credential-report';

export interface AuditSummary {
  usersAudited: number;
  keysAudited: number;
  activeKeys: number;
  findings: number;
  findingsBySeverity: Record<Severity, number>;
  findingsByRule: Record<string, number>;
  highestSeverity: Severity | 'none';
  actionsPlanned: number;
  actionsApplied: number;
  actionsSkipped: number;
  actionsFailed: number;
  exempt: number;
  errors: number;
}

/** The thresholds a run evaluated with, in days, so a renderer can mark them (the HTML chart). */
export interface ReportThresholds {
  unusedKeyDays: number;
  unusedKeyWarnDays: number;
  neverUsedKeyDays: number;
  rotationDays: number;
}

/** One archived object of a run: where it is, and how a person opens it. */
export interface ArchivedObject {
  /** `s3://<bucket>/<key>` */
  s3Uri: string;
  /** The object in the S3 console (the bucket is private: opening it needs an AWS sign-in). */
  consoleUrl: string;
}

/**
 * Where a run archived its full report. Each object is listed only once it was written; a write
 * that failed is an entry in `errors` instead.
 */
export interface ReportArchive {
  bucket: string;
  /** `reports/<accountId>/<yyyy>/<mm>/<dd>/<runId>`; the objects add `.json`, `.csv` and `.html`. */
  prefix: string;
  /** The full, untruncated JSON report. */
  json?: ArchivedObject;
  /** One row per access key. */
  csv?: ArchivedObject;
  /** The self-contained HTML report. */
  html?: ArchivedObject;
}

/** The canonical, schema-versioned report. Every renderer starts from this. */
export interface AuditReport {
  schemaVersion: 1;
  runId: string;
  accountId: string;
  mode: 'report' | 'enforce';
  asOf: string;
  startedAt: string;
  finishedAt: string;
  /** Which inventory path ran and why; `generatedAt` is the credential report's GeneratedTime. */
  source: { kind: InventorySource; reason: string; generatedAt?: string };
  complete: boolean;
  /** Users the run did not reach (time budget, or an aborted listing). */
  notReached: string[];
  summary: AuditSummary;
  findings: Finding[];
  actions: ActionOutcome[];
  exempt: ExemptEntry[];
  errors: AuditError[];
  /**
   * Set on a copy filtered to one team's findings, actions and exempt entries (per-team routing);
   * absent on the full report.
   */
  team?: string;
  /** Absent on reports built without settings (older runs, hand-made reports). */
  thresholds?: ReportThresholds;
  /** Present when the run archived its report to S3 (the `reportBucket` setting). */
  archive?: ReportArchive;
}
