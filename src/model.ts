/**
 * The data that flows through the audit pipeline:
 * collect -> evaluate -> plan -> resolve -> apply -> report -> archive -> deliver.
 *
 * Inventory records carry `Date`s. The report (the canonical JSON) carries ISO 8601 strings and is
 * described once, by zod schemas; its types are inferred from them, so the schema that checks a
 * delivered report and the type the code builds cannot drift apart.
 */
import * as z from 'zod';
import type { KeyRef } from './key-ref.js';

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
  'exposed-key',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Findings raised by a safeguard rather than by a rule (for example the blast-radius cap). */
export const SAFEGUARD_IDS = ['blast-radius-cap', 'unfinished-deactivation'] as const;
export type SafeguardId = (typeof SAFEGUARD_IDS)[number];

const keyStatusSchema = z.enum(['Active', 'Inactive', 'Expired']);
export type KeyStatus = z.infer<typeof keyStatusSchema>;

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
  /** The user's `team` tag, else its `owner` tag (per-team routing); resolved when collected. */
  team: string | null;
  isRoot: boolean;
  keys: KeyRecord[];
  /**
   * Names of the managed policies attached to the user itself (GetAccountAuthorizationDetails gives
   * them with the user); absent when the listing did not (ListUsers, GetUser).
   */
  managedPolicies?: readonly string[] | null;
  /**
   * The user's own policies, groups and boundary, as GetAccountAuthorizationDetails lists them with
   * the user (privilege reads then need no call per user); absent when the listing did not.
   */
  policies?: UserPolicies | null;
}

/** What GetAccountAuthorizationDetails says of a user's permissions, beside its tags. */
export interface UserPolicies {
  attached: readonly { name: string; arn: string }[];
  /** Inline policies with their documents as IAM returns them (URL-encoded JSON). */
  inline: readonly { name: string; document: string }[];
  groups: readonly string[];
  permissionsBoundaryArn: string | null;
}

const isoDateTime = z.iso.datetime();
const count = z.number().int().nonnegative();
const severitySchema = z.enum(Severity);
const ruleIdSchema = z.enum(RULE_IDS);
const slotSchema = z.union([z.literal(1), z.literal(2)]);
/** The user's team on a report entry; absent when the user has no team tag. */
const teamSchema = z.string().nullable().optional();

const findingAction = z.enum(['deactivate', 'notify', 'delete']);
export type FindingAction = z.infer<typeof findingAction>;

const findingCommon = {
  ruleId: z.enum([...RULE_IDS, ...SAFEGUARD_IDS]),
  severity: severitySchema,
  /** Compliance controls, e.g. `CIS 1.12`, `Security Hub IAM.22`. */
  controls: z.array(z.string()),
  /** One plain sentence a person can act on. */
  message: z.string(),
  action: findingAction,
  team: teamSchema,
};

/** What a user can do, riskiest first. */
export const PRIVILEGE_LEVELS = ['admin', 'privilege-escalation', 'write', 'read-only', 'none'] as const;

/** What the key's user can do, and the policy that grants it (read only for users with a finding). */
const privilegeSchema = z.strictObject({
  level: z.enum(PRIVILEGE_LEVELS),
  /** `AdministratorAccess via group Admins`; null for `none`. */
  source: z.string().nullable(),
  /** For `privilege-escalation`: the action(s) that let the user grant itself more. */
  actions: z.array(z.string()),
});
export type FindingPrivilege = z.infer<typeof privilegeSchema>;

/**
 * Who owns a key and how that was found, in the order sources are tried: `tag:<key>` (the user's
 * owner tag), `team-directory:<team>`, `cloudtrail:CreateAccessKey` (the principal that created
 * the key), `security-team` (nobody else: the key is unowned).
 */
const ownerSchema = z.strictObject({
  /** Where to write; empty for the security team (the report topic reaches it). */
  emails: z.array(z.string()),
  source: z.string().min(1),
  /** True when nobody but the security team answers for the key. */
  unowned: z.boolean(),
  /** The principal ARN that called CreateAccessKey, when CloudTrail still holds it (evidence). */
  createdBy: z.string().nullable(),
});
export type KeyOwner = z.infer<typeof ownerSchema>;

/**
 * The key's notice (enforce mode with notices on): when its owner was first told, the deadline, and
 * the stage sent tonight, if any.
 */
const noticeSchema = z.strictObject({
  /** When the notice of the current cycle went out; null when it has not yet. */
  sentAt: isoDateTime.nullable(),
  /** The earliest day the key may be deactivated (YYYY-MM-DD). */
  deadline: z.iso.date().nullable(),
  /** The stage sent tonight, or null. */
  tonight: z.enum(['notice', 'final-reminder', 'action']).nullable(),
  channel: z.enum(['email', 'report-topic']).nullable(),
});
export type KeyNotice = z.infer<typeof noticeSchema>;

/**
 * The owner's snooze of the key, as the answer record confirmed it: the key is kept through `until`
 * (YYYY-MM-DD, inclusive, UTC), on `who`'s word, for `reason`.
 */
const snoozeSchema = z.strictObject({
  until: z.iso.date(),
  who: z.string().nullable(),
  reason: z.string().nullable(),
  answeredAt: isoDateTime,
});
export type KeySnooze = z.infer<typeof snoozeSchema>;

const keyFindingSchema = z.strictObject({
  ...findingCommon,
  /** Absent when no notice applies (report mode, notices off, not an unused-key finding). */
  notice: noticeSchema.optional(),
  /** Absent unless the key's owner snoozed it on the answer page and the snooze holds tonight. */
  snooze: snoozeSchema.optional(),
  /** Absent when owners were not resolved (older reports, a root key). */
  owner: ownerSchema.optional(),
  /** Absent when privileges were not read (the read failed, or a root key). */
  privilege: privilegeSchema.optional(),
  /** The rule's own severity, when privilege weighting changed it. */
  ruleSeverity: severitySchema.optional(),
  userName: z.string(),
  userArn: z.string(),
  accessKeyId: z.string().nullable(),
  slot: slotSchema.nullable(),
  keyStatus: keyStatusSchema,
  keyCreateDate: isoDateTime.nullable(),
  keyAgeDays: count.nullable(),
  daysSinceLastUse: z.union([count, z.literal('never')]).nullable(),
  lastUsedService: z.string().nullable(),
  lastUsedRegion: z.string().nullable(),
});

/** A finding about the run or the account as a whole (a safeguard), tied to no user or key. */
const accountFindingSchema = z.strictObject({ ...findingCommon, userName: z.null() });

export const findingSchema = z.union([keyFindingSchema, accountFindingSchema]);
/** A finding about one key of one user (`userName` set), or about the account (`userName: null`). */
export type Finding = z.infer<typeof findingSchema>;
export type KeyFinding = z.infer<typeof keyFindingSchema>;
export type AccountFinding = z.infer<typeof accountFindingSchema>;

const actionStatusSchema = z.enum(['planned', 'applied', 'skipped', 'failed']);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

const actionSchema = z.strictObject({
  action: z.enum(['deactivate', 'delete']),
  ruleId: ruleIdSchema,
  userName: z.string(),
  /** The key id, or `(slot N)` for a key the credential report knew only by its slot. */
  accessKeyId: z.string(),
  status: actionStatusSchema,
  /** Why it was skipped (or, for `planned`, what enforce mode would do). */
  reason: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  team: teamSchema,
});
/** An action as the report lists it. */
export type ActionOutcome = z.infer<typeof actionSchema>;

/** An action as the pipeline carries it (plan -> apply -> report): its key a typed reference. */
export interface PlannedAction extends Omit<ActionOutcome, 'accessKeyId' | 'team'> {
  key: KeyRef;
}

const exemptionSourceSchema = z.enum(['tag', 'name', 'glob', 'path']);
export type ExemptionSource = z.infer<typeof exemptionSourceSchema>;

const exemptSchema = z.strictObject({
  userName: z.string(),
  accessKeyId: z.string().nullable(),
  source: exemptionSourceSchema,
  /** The tag value, name, glob or path that matched. */
  matched: z.string(),
  /** For a dated tag exemption, the last day it holds (YYYY-MM-DD). */
  until: z.iso.date().nullable(),
  /** The `key-hygiene:exempt-reason` tag, if any. */
  reason: z.string().nullable(),
  /** Rules that would have raised a finding on this key. */
  suppressedRules: z.array(ruleIdSchema),
  team: teamSchema,
});
export type ExemptEntry = z.infer<typeof exemptSchema>;

const errorSchema = z.strictObject({
  userName: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  operation: z.string(),
  code: z.string(),
  message: z.string(),
});
/** Something the run could not read or do; the run goes on without it. */
export type AuditError = z.infer<typeof errorSchema>;

const tallySchema = z.strictObject({ value: z.string(), count: count });

/** A key's usage profile, from its CloudTrail evidence (src/evidence/classify-usage.ts). */
export const USAGE_PROFILES = [
  'pipeline',
  'workload-on-aws',
  'workload-elsewhere',
  'person',
  'unknown',
] as const;
/** What a call's `sourceIPAddress` is. */
export const SOURCE_KINDS = ['ipv4', 'ipv6', 'aws-internal', 'aws-service', 'other'] as const;
/** How a user-agent family is used. */
export const AGENT_KINDS = ['cli', 'sdk', 'console', 'infrastructure', 'aws-service', 'unknown'] as const;
/** Where an agent says it ran (`exec-env/`): on AWS, on a CI service, elsewhere. */
export const RUNTIME_PLACES = ['aws', 'ci', 'other'] as const;
/** Why a key's evidence is partial. */
export const EVIDENCE_GAPS = ['budget', 'denied', 'throttled', 'error'] as const;

/**
 * What CloudTrail says about a key with a finding, read after apply: a summary (never the events)
 * and the usage profile it points to. `gap` says why it is partial: `budget` (pages or time spent),
 * `denied`, `throttled` or `error` (with `error` saying what failed).
 */
const keyEvidenceSchema = z.strictObject({
  userName: z.string(),
  accessKeyId: z.string(),
  /** The key's creation date: finds the findings of a key the credential report names by slot only. */
  keyCreateDate: isoDateTime.nullable(),
  profile: z.enum(USAGE_PROFILES),
  reasons: z.array(z.string()),
  regionsRead: z.array(z.string()),
  events: count,
  firstSeen: isoDateTime.nullable(),
  lastSeen: isoDateTime.nullable(),
  distinctSources: count,
  sources: z.array(tallySchema.extend({ kind: z.enum(SOURCE_KINDS) })),
  agents: z.array(tallySchema.extend({ kind: z.enum(AGENT_KINDS) })),
  runtimes: z.array(tallySchema.extend({ on: z.enum(RUNTIME_PLACES) })),
  services: z.array(tallySchema),
  topEvents: z.array(tallySchema),
  regions: z.array(tallySchema),
  gap: z.enum(EVIDENCE_GAPS).nullable(),
  error: z.string().nullable(),
});
/** A key's usage evidence on the report. */
export type KeyEvidenceEntry = z.infer<typeof keyEvidenceSchema>;

/** An owner's answer on the answer page, as its record says (the link's nonce left out). */
const ownerAnswerSchema = z.strictObject({
  userName: z.string(),
  accessKeyId: z.string(),
  choice: z.enum(['snooze', 'deactivate', 'not-mine']),
  who: z.string().nullable(),
  answeredAt: isoDateTime,
  /** For a snooze, the last day the key is kept. */
  until: z.string().nullable(),
  reason: z.string().nullable(),
});
export type OwnerAnswer = z.infer<typeof ownerAnswerSchema>;

const inventorySourceSchema = z.enum(['live-api', 'credential-report']);

/** A run's counts; an organization report carries each account's. */
export const summarySchema = z.strictObject({
  usersAudited: count,
  keysAudited: count,
  activeKeys: count,
  findings: count,
  findingsBySeverity: z.record(severitySchema, count),
  findingsByRule: z.record(z.string(), count),
  highestSeverity: z.union([severitySchema, z.literal('none')]),
  actionsPlanned: count,
  actionsApplied: count,
  actionsSkipped: count,
  actionsFailed: count,
  exempt: count,
  errors: count,
});
export type AuditSummary = z.infer<typeof summarySchema>;

/** The thresholds a run evaluated with, in days, so a renderer can mark them (the HTML chart). */
const thresholdsSchema = z.strictObject({
  unusedKeyDays: count,
  unusedKeyWarnDays: count,
  neverUsedKeyDays: count,
  rotationDays: count,
});
export type ReportThresholds = z.infer<typeof thresholdsSchema>;

/** One archived object: `s3://<bucket>/<key>`, and the console page (a private bucket: sign-in needed). */
const archivedObjectSchema = z.strictObject({
  s3Uri: z.string().startsWith('s3://'),
  consoleUrl: z.url({ protocol: /^https$/ }),
});
export type ArchivedObject = z.infer<typeof archivedObjectSchema>;

/**
 * Where a run archived its full report, under `reports/<accountId>/<yyyy>/<mm>/<dd>/<runId>`. Each
 * object is listed only once it was written; a write that failed is an entry in `errors` instead.
 */
export const reportArchiveSchema = z.strictObject({
  bucket: z.string().min(3),
  prefix: z.string().startsWith('reports/'),
  json: archivedObjectSchema.optional(),
  csv: archivedObjectSchema.optional(),
  html: archivedObjectSchema.optional(),
  /** The findings as OCSF Detection Findings, one per line (`.ocsf.jsonl`). */
  ocsf: archivedObjectSchema.optional(),
});
export type ReportArchive = z.infer<typeof reportArchiveSchema>;

/**
 * The canonical report, schemaVersion 1: every renderer starts from it, and consumers (SQS, Lambda,
 * HTTPS subscribers) parse it with this schema. Objects are strict, so a field added without a
 * schema change is caught.
 */
export const reportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  runId: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits'),
  mode: z.enum(['report', 'enforce']),
  asOf: isoDateTime,
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  /** Which inventory path ran and why; `generatedAt` is the credential report's GeneratedTime. */
  source: z.strictObject({
    kind: inventorySourceSchema,
    reason: z.string(),
    generatedAt: isoDateTime.optional(),
  }),
  complete: z.boolean(),
  /** Users the run did not reach (time budget, or an aborted listing). */
  notReached: z.array(z.string()),
  summary: summarySchema,
  findings: z.array(findingSchema),
  actions: z.array(actionSchema),
  exempt: z.array(exemptSchema),
  errors: z.array(errorSchema),
  /** Set on a copy filtered to one team's entries (per-team routing); absent on the full report. */
  team: z.string().min(1).optional(),
  thresholds: thresholdsSchema.optional(),
  archive: reportArchiveSchema.optional(),
  /** Whether severities followed each user's privilege (`privilegeWeighting`); absent in older reports. */
  privilegeWeighting: z.enum(['on', 'off']).optional(),
  /**
   * The owners' notices of an enforce run with notices on: whether owners were emailed (a sender is
   * set) and how many messages went out tonight; absent otherwise.
   */
  notices: z
    .strictObject({ ownersEmailed: z.boolean(), messagesSent: count, stagesSent: count, note: z.string() })
    .optional(),
  /** The answers owners gave on the answer page in the day before the run; absent when not read. */
  answers: z.array(ownerAnswerSchema).optional(),
  /** Usage evidence from CloudTrail for the keys with a finding used lately; absent when not read. */
  evidence: z.array(keyEvidenceSchema).optional(),
});
export type AuditReport = z.infer<typeof reportSchema>;
