/**
 * A run's findings in the AWS Security Finding Format (ASFF), as the account's own default product
 * sends them to Security Hub. Pure: what Security Hub already holds comes in (`existing`), findings
 * go out. A finding Security Hub already has keeps its CreatedAt and its top-level Severity and
 * Types (which the people triaging may have changed); new values go in FindingProviderFields, as
 * Security Hub asks of providers. Note, UserDefinedFields, VerificationState and Workflow are never
 * sent: they are the triage of the people who work the findings.
 */
import type { AwsSecurityFinding, Partition, Resource, SeverityLabel } from '@aws-sdk/client-securityhub';
import { keyWayOff } from '../evidence/way-off.js';
import type { AuditReport, Finding, KeyFinding, Severity, UserRecord } from '../model.js';
import { partitionOf } from '../notify/topic-arn.js';
import { ownerName } from '../render/owner-text.js';
import {
  actionOf,
  actionTaken,
  clip,
  exportedTags,
  type FindingThresholds,
  findingTitle,
  findingUid,
  firstObservedAt,
  GENERATOR_PREFIX,
  REMEDIATION_URL,
  recordsOf,
  remediationText,
} from './finding-facts.js';

/** The only ASFF version Security Hub accepts. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** ASFF's limits on the fields whose text comes from the report or the account. */
const LIMITS = { title: 256, description: 1024, recommendation: 512, productFieldValue: 2048 } as const;

const SEVERITY_LABELS: Readonly<Record<Severity, SeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';
const CIS =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';

/** The account's own product: findings sent without a partner integration. */
export function productArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

export interface AsffContext {
  report: AuditReport;
  /** The inventory the report was built from: tags, key dates. */
  users: readonly UserRecord[];
  thresholds: FindingThresholds;
  /** The region findings are sent to (the product ARN's). */
  region: string;
  /** When the findings are sent: their UpdatedAt, and the CreatedAt of new ones. */
  now: Date;
  /** The findings Security Hub already holds for this account and product, by Id. */
  existing: ReadonlyMap<string, AwsSecurityFinding>;
}

/** The Security Hub control ids (`IAM.8`) the report lists bare, named as such. */
function requirement(control: string): string {
  return /^[A-Z][A-Za-z0-9]*\.\d+$/.test(control) ? `Security Hub ${control}` : control;
}

function typesOf(finding: Finding): string[] {
  return finding.controls.some((c) => c.startsWith('CIS ')) ? [CIS, BEST_PRACTICES] : [BEST_PRACTICES];
}

function keyResource(ctx: AsffContext, finding: KeyFinding, isRoot: boolean): Resource {
  const partition = partitionOf(ctx.region) as Partition;
  const id =
    finding.accessKeyId ??
    `${finding.userArn}/access-key-${finding.keyCreateDate ?? (finding.slot === null ? 'unknown' : `slot-${finding.slot}`)}`;
  return {
    Type: 'AwsIamAccessKey',
    Id: id,
    Partition: partition,
    Region: ctx.region,
    Details: {
      AwsIamAccessKey: {
        PrincipalName: finding.userName,
        PrincipalType: isRoot ? 'Root' : 'IAMUser',
        Status: finding.keyStatus === 'Expired' ? 'Inactive' : finding.keyStatus,
        ...(finding.keyCreateDate ? { CreatedAt: finding.keyCreateDate } : {}),
        ...(finding.accessKeyId ? { AccessKeyId: finding.accessKeyId } : {}),
        AccountId: ctx.report.accountId,
      },
    },
  };
}

function userResource(ctx: AsffContext, finding: KeyFinding, user: UserRecord | null): Resource {
  const tags = user ? exportedTags(user.tags).slice(0, 50) : [];
  return {
    Type: 'AwsIamUser',
    Id: finding.userArn,
    Partition: partitionOf(ctx.region) as Partition,
    Region: ctx.region,
    ...(tags.length > 0 ? { Tags: Object.fromEntries(tags) } : {}),
    Details: {
      AwsIamUser: {
        UserName: finding.userName,
        ...(user ? { Path: user.path } : {}),
        ...(user?.createDate ? { CreateDate: user.createDate.toISOString() } : {}),
      },
    },
  };
}

function accountResource(ctx: AsffContext): Resource {
  return {
    Type: 'AwsAccount',
    Id: `AWS::::Account:${ctx.report.accountId}`,
    Partition: partitionOf(ctx.region) as Partition,
    Region: ctx.region,
  };
}

function resourcesOf(ctx: AsffContext, finding: Finding): Resource[] {
  if (finding.userName === null) return [accountResource(ctx)];
  const user = recordsOf(ctx.users, finding)?.user ?? null;
  const isRoot = user?.isRoot ?? finding.ruleId === 'root-access-key';
  if (isRoot) return [keyResource(ctx, finding, true), accountResource(ctx)];
  const key = keyResource(ctx, finding, false);
  const owner = userResource(ctx, finding, user);
  // two-active-keys is about the user; the key it names is the one to retire.
  return finding.ruleId === 'two-active-keys' ? [owner, key] : [key, owner];
}

function description(ctx: AsffContext, finding: Finding): string {
  const action = actionOf(ctx.report, finding);
  const taken = actionTaken(action);
  const note =
    taken === 'deactivated' || taken === 'deleted'
      ? ` key-hygiene ${taken} this key in run ${ctx.report.runId}.`
      : '';
  return `${clip(finding.message, LIMITS.description - note.length)}${note}`;
}

function productFields(ctx: AsffContext, finding: Finding): Record<string, string> {
  const action = actionOf(ctx.report, finding);
  const fields: Record<string, string> = {
    'key-hygiene/RunId': ctx.report.runId,
    'key-hygiene/Rule': finding.ruleId,
    'key-hygiene/Mode': ctx.report.mode,
    'key-hygiene/RequestedAction': finding.action,
    'key-hygiene/ActionTaken': actionTaken(action),
  };
  if (action?.reason) fields['key-hygiene/ActionReason'] = action.reason;
  if (action?.error) fields['key-hygiene/ActionError'] = `${action.error.code}: ${action.error.message}`;
  if (finding.team) fields['key-hygiene/Team'] = finding.team;
  // Who answers for the key; Note stays the customer's own.
  if (finding.userName !== null && finding.owner) {
    fields['key-hygiene/Owner'] = ownerName(finding.owner);
    fields['key-hygiene/OwnerSource'] = finding.owner.source;
    fields['key-hygiene/Unowned'] = String(finding.owner.unowned);
    if (finding.owner.createdBy) fields['key-hygiene/CreatedBy'] = finding.owner.createdBy;
  }
  // The owner loop, per key: when the owner was told, the deadline, and a snooze that holds.
  if (finding.userName !== null && finding.notice) {
    if (finding.notice.sentAt) fields['key-hygiene/NoticeSent'] = finding.notice.sentAt;
    if (finding.notice.deadline) fields['key-hygiene/Deadline'] = finding.notice.deadline;
  }
  if (finding.userName !== null && finding.snooze) {
    fields['key-hygiene/SnoozedUntil'] = finding.snooze.until;
    if (finding.snooze.who) fields['key-hygiene/SnoozedBy'] = finding.snooze.who;
  }
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, clip(value, LIMITS.productFieldValue)]),
  );
}

/**
 * What to do: the way off long-term keys when the key's usage evidence was read (its replacement,
 * and the page that explains it), else the rule's own advice.
 */
function remediation(ctx: AsffContext, finding: Finding): AwsSecurityFinding['Remediation'] {
  const way = finding.userName === null ? null : keyWayOff(ctx.report, finding);
  if (!way) {
    return {
      Recommendation: { Text: clip(remediationText(finding), LIMITS.recommendation), Url: REMEDIATION_URL },
    };
  }
  const text = `${way.line} Usage from CloudTrail: ${way.profile} (${way.evidence}). ${remediationText(finding)}`;
  return { Recommendation: { Text: clip(text, LIMITS.recommendation), Url: way.url } };
}

/** One finding of the report in ASFF, active and failing. */
export function toAsffFinding(ctx: AsffContext, finding: Finding): AwsSecurityFinding {
  const id = findingUid(ctx.report.accountId, finding);
  const existing = ctx.existing.get(id);
  const severity = { Label: SEVERITY_LABELS[finding.severity], Original: finding.severity };
  const types = typesOf(finding);
  const now = ctx.now.toISOString();
  const first = firstObservedAt(finding, ctx.users, ctx.thresholds, new Date(ctx.report.asOf));
  const requirements = finding.controls.map(requirement).slice(0, 32);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: id,
    ProductArn: productArn(ctx.region, ctx.report.accountId),
    GeneratorId: `${GENERATOR_PREFIX}${finding.ruleId}`,
    AwsAccountId: ctx.report.accountId,
    // Once the finding exists its top-level Severity and Types are the triage's: sent unchanged.
    Types: existing?.Types ?? types,
    CreatedAt: existing?.CreatedAt ?? now,
    UpdatedAt: now,
    FirstObservedAt: first?.toISOString() ?? existing?.FirstObservedAt ?? existing?.CreatedAt ?? now,
    LastObservedAt: ctx.report.asOf,
    Severity: existing?.Severity ?? severity,
    Title: clip(findingTitle(finding), LIMITS.title),
    Description: description(ctx, finding),
    Remediation: remediation(ctx, finding),
    ProductFields: productFields(ctx, finding),
    Resources: resourcesOf(ctx, finding),
    Compliance: {
      Status: 'FAILED',
      ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}),
    },
    FindingProviderFields: { Severity: severity, Types: types },
    RecordState: 'ACTIVE',
  };
}

/** Every finding of the report in ASFF, one per id (the first, for a root user with two keys). */
export function toAsff(ctx: AsffContext): AwsSecurityFinding[] {
  const byId = new Map<string, AwsSecurityFinding>();
  for (const finding of ctx.report.findings) {
    const asff = toAsffFinding(ctx, finding);
    const id = asff.Id ?? '';
    if (!byId.has(id)) byId.set(id, asff);
  }
  return [...byId.values()];
}

/**
 * A finding Security Hub holds active that the run no longer found (the key deactivated, deleted,
 * used again, the user exempted), sent again archived and passed: only the provider's own fields,
 * its text left as it was, the run that closed it in ProductFields.
 */
export function toArchived(
  existing: AwsSecurityFinding,
  run: { runId: string; asOf: string; now: Date },
): AwsSecurityFinding {
  // Only the provider's own fields; what Security Hub adds (Workflow, Note, ProcessedAt, ...) stays out.
  const { SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt } = existing;
  const { FirstObservedAt, LastObservedAt, Severity, Title, Description, Remediation, Resources } = existing;
  const kept: AwsSecurityFinding = {
    ...{ SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt: '' },
    ...{ FirstObservedAt, LastObservedAt, Severity, Title, Description, Remediation, Resources },
    FindingProviderFields: existing.FindingProviderFields,
  };
  const ownFields = Object.entries(existing.ProductFields ?? {}).filter(([key]) => !key.startsWith('aws/'));
  return {
    ...kept,
    UpdatedAt: run.now.toISOString(),
    RecordState: 'ARCHIVED',
    Compliance: { ...existing.Compliance, Status: 'PASSED' },
    ProductFields: {
      ...Object.fromEntries(ownFields),
      'key-hygiene/RunId': run.runId,
      'key-hygiene/Resolution': `no longer found by run ${run.runId} (as of ${run.asOf})`,
    },
  };
}
