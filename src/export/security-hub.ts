/**
 * The Security Hub step: after the report is built, the run's findings go to the account's Security
 * Hub, and the findings it holds active that the run no longer found are archived. Which findings
 * are active comes from Security Hub itself (GetFindings on our product, generator and account), so
 * no state is kept anywhere else. One account per call, with that account's client: an organization
 * run calls it once per account.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type ImportFindingsError,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditError, AuditReport, UserRecord } from '../model.js';
import { productArn, toArchived, toAsff } from './asff.js';
import { type FindingThresholds, GENERATOR_PREFIX } from './finding-facts.js';

/**
 * BatchImportFindings only into this account's own product; GetFindings reads the account's hub.
 * serverless.yml's `SecurityHubPolicy` grants exactly these, and only with `securityHub=on`.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SECURITY_HUB_PERMISSIONS = [
  {
    action: 'securityhub:BatchImportFindings',
    resource:
      'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
    why: "sends the run's findings to Security Hub, and archives those no longer found (securityHub=on)",
    onlyWhenParam: 'securityHub',
    onlyWhenValue: 'on',
  },
  {
    action: 'securityhub:GetFindings',
    resource: 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default',
    why: 'reads which key-hygiene findings Security Hub holds active, to update them in place or archive them',
    onlyWhenParam: 'securityHub',
    onlyWhenValue: 'on',
  },
] as const satisfies readonly PermissionDeclaration[];

/** BatchImportFindings takes at most 100 findings a call. */
export const IMPORT_BATCH_SIZE = 100;

export interface SecurityHubDeps {
  securityHub: Pick<SecurityHubClient, 'send'>;
  clock: () => Date;
  logger: {
    info(message: string, extra: Record<string, unknown>): void;
    warn(message: string, extra: Record<string, unknown>): void;
  };
}

export interface SecurityHubExport {
  /** The report, with an error entry per finding Security Hub did not take (after one retry). */
  report: AuditReport;
  /** Findings sent active (created or updated in place). */
  imported: number;
  /** Active findings archived because the run no longer found them. */
  archived: number;
  /** Findings Security Hub did not take after the retry. */
  failed: number;
}

/** The findings Security Hub holds active for this account's product and generator. */
async function activeFindings(
  deps: SecurityHubDeps,
  arn: string,
  accountId: string,
): Promise<Map<string, AwsSecurityFinding>> {
  const active = new Map<string, AwsSecurityFinding>();
  let nextToken: string | undefined;
  do {
    // SECURITY_HUB_PERMISSIONS: securityhub:GetFindings.
    const page = await deps.securityHub.send(
      new GetFindingsCommand({
        Filters: {
          ProductArn: [{ Value: arn, Comparison: 'EQUALS' }],
          GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: 'PREFIX' }],
          AwsAccountId: [{ Value: accountId, Comparison: 'EQUALS' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        },
        MaxResults: 100,
        NextToken: nextToken,
      }),
    );
    for (const finding of page.Findings ?? []) if (finding.Id) active.set(finding.Id, finding);
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return active;
}

/** Sends findings in batches; returns the ones Security Hub did not take, with why. */
async function importAll(
  deps: SecurityHubDeps,
  findings: readonly AwsSecurityFinding[],
): Promise<ImportFindingsError[]> {
  const failed: ImportFindingsError[] = [];
  for (let start = 0; start < findings.length; start += IMPORT_BATCH_SIZE) {
    const batch = findings.slice(start, start + IMPORT_BATCH_SIZE);
    try {
      // SECURITY_HUB_PERMISSIONS: securityhub:BatchImportFindings on the account's own product.
      const result = await deps.securityHub.send(new BatchImportFindingsCommand({ Findings: batch }));
      failed.push(...(result.FailedFindings ?? []));
    } catch (error) {
      const { code, message } = describeAwsError(error);
      failed.push(...batch.map((f) => ({ Id: f.Id, ErrorCode: code, ErrorMessage: message })));
    }
  }
  return failed;
}

function exportError(finding: AwsSecurityFinding | undefined, failure: ImportFindingsError): AuditError {
  const key = finding?.Resources?.find((r) => r.Type === 'AwsIamAccessKey')?.Details?.AwsIamAccessKey;
  return {
    userName: key?.PrincipalName ?? null,
    accessKeyId: key?.AccessKeyId ?? null,
    operation: 'BatchImportFindings',
    code: failure.ErrorCode ?? 'Unknown',
    message: `Security Hub did not take finding ${failure.Id ?? '(no id)'} after a retry: ${failure.ErrorMessage ?? 'no reason given'}. The report still lists the finding; the next run sends it again.`,
  };
}

function withErrors(report: AuditReport, errors: readonly AuditError[]): AuditReport {
  if (errors.length === 0) return report;
  const all = [...report.errors, ...errors];
  return { ...report, errors: all, summary: { ...report.summary, errors: all.length } };
}

/** The user an active finding is about (from its resources); null for an account-level finding. */
function userOf(finding: AwsSecurityFinding): string | null {
  for (const resource of finding.Resources ?? []) {
    const name =
      resource.Details?.AwsIamAccessKey?.PrincipalName ?? resource.Details?.AwsIamUser?.UserName ?? null;
    if (name) return name;
  }
  return null;
}

/**
 * Whether the run's silence about an active finding means the condition is gone. Only a run that
 * looked at the finding's user can say so: not a run that stopped short (complete false), not a
 * targeted run for another user, not a run that could not read that user (an error entry).
 */
function mayArchive(report: AuditReport, targeted: readonly string[] | undefined) {
  const lower = (name: string) => name.toLowerCase();
  const unread = new Set(report.errors.flatMap((e) => (e.userName === null ? [] : [lower(e.userName)])));
  const audited = targeted ? new Set(targeted.map(lower)) : null;
  return (finding: AwsSecurityFinding): boolean => {
    if (!report.complete) return false;
    const user = userOf(finding);
    if (user === null) return audited === null;
    return (audited === null || audited.has(lower(user))) && !unread.has(lower(user));
  };
}

/**
 * Sends the report's findings to Security Hub (created, or updated in place under the same Id) and
 * archives the active ones it no longer lists, in batches of at most 100. Only findings of users
 * the run actually read are archived (see `mayArchive`): a targeted or unfinished run sends what it
 * found and closes nothing it did not look at. Findings Security Hub
 * does not take are sent once more; those still refused, or an AWS error, become error entries of
 * the returned report. Never throws for an AWS error: Security Hub must not cost the run its report.
 */
export async function exportToSecurityHub(
  deps: SecurityHubDeps,
  run: {
    report: AuditReport;
    users: readonly UserRecord[];
    thresholds: FindingThresholds;
    region: string;
    /** The users a targeted audit was limited to; absent for a whole-account audit. */
    targetedUsers?: readonly string[];
  },
): Promise<SecurityHubExport> {
  const { report, region } = run;
  const arn = productArn(region, report.accountId);
  let existing: Map<string, AwsSecurityFinding>;
  try {
    existing = await activeFindings(deps, arn, report.accountId);
  } catch (error) {
    const { code, message } = describeAwsError(error);
    deps.logger.warn('security hub export skipped: active findings could not be read', {
      runId: report.runId,
      code,
    });
    const entry: AuditError = {
      userName: null,
      accessKeyId: null,
      operation: 'GetFindings',
      code,
      message: `Could not read the active key-hygiene findings from Security Hub (${message}), so none were sent or archived this run; the next run tries again. Check that Security Hub is enabled in ${region} and that the role may call securityhub:GetFindings.`,
    };
    return { report: withErrors(report, [entry]), imported: 0, archived: 0, failed: 0 };
  }
  const now = deps.clock();
  const current = toAsff({ report, users: run.users, thresholds: run.thresholds, region, now, existing });
  const listed = new Set(current.map((f) => f.Id));
  const closable = mayArchive(report, run.targetedUsers);
  const archived = [...existing.values()]
    .filter((f) => !listed.has(f.Id) && closable(f))
    .map((f) => toArchived(f, { runId: report.runId, asOf: report.asOf, now }));
  const all = [...current, ...archived];
  const byId = new Map(all.map((f) => [f.Id, f]));

  // A finding Security Hub did not take is sent once more (a refusal can be transient); what is
  // still refused goes in the report.
  const firstFailures = await importAll(deps, all);
  const retry = firstFailures.flatMap((failure) => byId.get(failure.Id) ?? []);
  const stillFailed = retry.length > 0 ? await importAll(deps, retry) : [];
  const errors = stillFailed.map((failure) => exportError(byId.get(failure.Id), failure));
  const failedIds = new Set(stillFailed.map((f) => f.Id));
  const result = {
    imported: current.filter((f) => !failedIds.has(f.Id)).length,
    archived: archived.filter((f) => !failedIds.has(f.Id)).length,
    failed: stillFailed.length,
  };
  deps.logger.info('findings sent to security hub', {
    runId: report.runId,
    ...result,
    retried: retry.length,
  });
  return { report: withErrors(report, errors), ...result };
}
