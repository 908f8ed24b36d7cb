import { z } from 'zod';
import type { AuditReport } from '../model.js';
import { RULE_IDS, Severity } from '../model.js';

const isoDateTime = z.iso.datetime();
const count = z.number().int().nonnegative();
const severity = z.enum(Severity);
const ruleId = z.enum(RULE_IDS);
/** Rule ids plus the ids of safeguards that raise findings (`SafeguardId` in the model). */
const findingRuleId = z.enum([...RULE_IDS, 'blast-radius-cap', 'unfinished-deactivation']);
const keyStatus = z.enum(['Active', 'Inactive', 'Expired']);

const findingSchema = z.strictObject({
  ruleId: findingRuleId,
  severity,
  userName: z.string().nullable(),
  userArn: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  slot: z.union([z.literal(1), z.literal(2)]).nullable(),
  keyStatus: keyStatus.nullable(),
  keyCreateDate: isoDateTime.nullable(),
  keyAgeDays: count.nullable(),
  daysSinceLastUse: z.union([count, z.literal('never')]).nullable(),
  lastUsedService: z.string().nullable(),
  lastUsedRegion: z.string().nullable(),
  controls: z.array(z.string()),
  message: z.string(),
  action: z.enum(['deactivate', 'notify', 'delete']),
  team: z.string().nullable().optional(),
});

const actionSchema = z.strictObject({
  action: z.enum(['deactivate', 'delete']),
  ruleId,
  userName: z.string(),
  accessKeyId: z.string(),
  status: z.enum(['planned', 'applied', 'skipped', 'failed']),
  reason: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  team: z.string().nullable().optional(),
});

const exemptSchema = z.strictObject({
  userName: z.string(),
  accessKeyId: z.string().nullable(),
  source: z.enum(['tag', 'name', 'glob', 'path']),
  matched: z.string(),
  until: z.iso.date().nullable(),
  reason: z.string().nullable(),
  suppressedRules: z.array(ruleId),
  team: z.string().nullable().optional(),
});

const errorSchema = z.strictObject({
  userName: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  operation: z.string(),
  code: z.string(),
  message: z.string(),
});

const summarySchema = z.strictObject({
  usersAudited: count,
  keysAudited: count,
  activeKeys: count,
  findings: count,
  findingsBySeverity: z.record(severity, count),
  findingsByRule: z.record(z.string(), count),
  highestSeverity: z.union([severity, z.literal('none')]),
  actionsPlanned: count,
  actionsApplied: count,
  actionsSkipped: count,
  actionsFailed: count,
  exempt: count,
  errors: count,
});

const archivedObjectSchema = z.strictObject({
  s3Uri: z.string().startsWith('s3://'),
  consoleUrl: z.url({ protocol: /^https$/ }),
});

/** Where the run archived its full report; see `ReportArchive` in the model. */
export const reportArchiveSchema = z.strictObject({
  bucket: z.string().min(3),
  prefix: z.string().startsWith('reports/'),
  json: archivedObjectSchema.optional(),
  csv: archivedObjectSchema.optional(),
  html: archivedObjectSchema.optional(),
});

/**
 * Marker on a delivered copy of the report that was cut to fit SNS's 256 KB message limit: how many
 * entries of each list were left off the end. The `summary` counts always describe the whole run.
 */
export const truncationSchema = z.strictObject({
  findingsOmitted: count,
  actionsOmitted: count,
  exemptOmitted: count,
  errorsOmitted: count,
  notReachedOmitted: count,
});
export type Truncation = z.infer<typeof truncationSchema>;

/**
 * The canonical report, schemaVersion 1, for consumers (SQS, Lambda, HTTPS subscribers) and tests.
 * Objects are strict, so a field added to the model without a schema change is caught.
 *
 * `truncated` is the one property that is not part of {@link AuditReport}: it appears only on copies
 * delivered through SNS that had to be shortened, and is absent from the canonical report.
 *
 * @example
 * ```ts
 * const report = auditReportSchema.parse(JSON.parse(record.body));
 * if (report.truncated) console.log(`${report.truncated.findingsOmitted} findings not included`);
 * ```
 */
export const auditReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  runId: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits'),
  mode: z.enum(['report', 'enforce']),
  asOf: isoDateTime,
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  source: z.strictObject({
    kind: z.enum(['live-api', 'credential-report']),
    reason: z.string(),
    generatedAt: isoDateTime.optional(),
  }),
  complete: z.boolean(),
  notReached: z.array(z.string()),
  summary: summarySchema,
  findings: z.array(findingSchema),
  actions: z.array(actionSchema),
  exempt: z.array(exemptSchema),
  errors: z.array(errorSchema),
  team: z.string().min(1).optional(),
  thresholds: z
    .strictObject({
      unusedKeyDays: count,
      unusedKeyWarnDays: count,
      neverUsedKeyDays: count,
      rotationDays: count,
    })
    .optional(),
  archive: reportArchiveSchema.optional(),
  truncated: truncationSchema.optional(),
});

/** A report as delivered: the canonical report, possibly with a {@link Truncation} marker. */
export type DeliveredReport = AuditReport & { truncated?: Truncation };

// Compile-time guard: the schema and the model must describe the same shape. If either changes
// alone, one of these lines stops compiling.
type Parsed = z.infer<typeof auditReportSchema>;
const modelFitsSchema = (report: DeliveredReport): Parsed => report;
const schemaFitsModel = (report: Parsed): DeliveredReport => report;
void modelFitsSchema;
void schemaFitsModel;
