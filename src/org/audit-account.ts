/**
 * One account of an organization run: the single-account audit, unchanged, with the credentials of
 * that account. The auditor's own account is audited with its own credentials; every other one
 * through the member role. Nothing here throws: an account that cannot be audited is an outcome
 * (`failed`, with the error), never a gap in the organization report.
 */
import { type AuditOutcome, auditAccount as auditOneAccount } from '../audit.js';
import type { Settings } from '../config/settings.js';
import { deliverReport, reportTopicArn } from '../deliver.js';
import type { AuditReport } from '../model.js';
import type { AuditDeps } from '../run-start.js';
import { accountOwners } from './account-owners.js';
import type { ActionBudget } from './action-budget.js';
import { assumeMemberRole, memberRoleArn } from './member-access.js';
import {
  type AccountOutcome,
  ORGANIZATION_CAP_REASON,
  type OrganizationAccount,
} from './organization-report.js';
import type { TemporaryCredentials } from './temporary-credentials.js';

/** What an organization run needs beyond one audit's dependencies. */
export interface OrganizationDeps extends AuditDeps {
  /** IAM and STS clients that sign with `credentials` (a member account's). */
  memberClients(credentials: TemporaryCredentials): MemberClients;
}

/**
 * Clients signing as a member account, for one account's audit (CloudTrail by region when evidence
 * is read); `destroy` frees their connections.
 */
export type MemberClients = Pick<AuditDeps, 'iam' | 'sts' | 'securityHub' | 'evidenceTrail'> & {
  destroy(): void;
};

/** The run an account belongs to. */
export interface AccountRun {
  /** The organization run's id: the member role session is `key-hygiene-<runId>`. */
  runId: string;
  /** The account the auditor runs in. */
  orchestratorAccountId: string;
  budget: ActionBudget;
  /** Whether the run publishes at all; each account's report then goes out with `notifyAccounts`. */
  notify: boolean;
  /**
   * Sees each audited account's full report and users (what a per-key rendering needs); the
   * outcome keeps only the summary, so the state machine's results stay small.
   */
  onAudit?: (accountId: string, audit: AuditOutcome) => void;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function outcomeOf(
  account: OrganizationAccount,
  status: AccountOutcome['status'],
  reason: string | null,
  report: AuditReport | null = null,
): AccountOutcome {
  return {
    accountId: account.accountId,
    name: account.name,
    status,
    reason,
    runId: report?.runId ?? null,
    mode: report?.mode ?? null,
    summary: report?.summary ?? null,
    complete: report?.complete ?? null,
    keysDeactivated: report ? deactivated(report) : 0,
    archive: report?.archive ?? null,
    messageId: null,
    ...(report && accountOwners(report) ? { owners: accountOwners(report) } : {}),
  };
}

const deactivated = (report: AuditReport): number =>
  report.actions.filter((action) => action.action === 'deactivate' && action.status === 'applied').length;

/**
 * Audits one account and, with `notifyAccounts`, publishes its report (attribute `accountId`) to
 * the organization's topic. An account that is not ACTIVE (or whose state is unknown) is skipped; one whose role cannot be assumed, or
 * whose audit throws, has failed, with the error as its reason.
 */
export async function auditAccount(
  deps: OrganizationDeps,
  settings: Settings,
  account: OrganizationAccount,
  run: AccountRun,
): Promise<AccountOutcome> {
  // Only ACTIVE: any other state, one AWS adds later, or none at all is not audited.
  if (account.status !== 'ACTIVE') {
    const reason =
      account.status === null
        ? "the account's state is unknown (Organizations listed neither State nor Status)"
        : `the account is ${account.status} in the organization`;
    return outcomeOf(account, 'skipped', reason);
  }
  let accountDeps: AuditDeps = deps;
  let member: MemberClients | null = null;
  if (account.accountId !== run.orchestratorAccountId) {
    const roleArn = memberRoleArn(account.accountId, settings.memberRoleName, deps.region);
    try {
      const credentials = await assumeMemberRole(deps.sts, roleArn, run.runId);
      member = deps.memberClients(credentials);
      // The auditor's own key lives in its own account only, and its CloudTrail sees only the
      // calls made in its own account: a member's keys are read through the member's CloudTrail
      // (when evidence is on), and are owned by tags, the (organization's) directory or nobody.
      const { cloudtrail: _ownTrail, evidenceTrail: _ownEvidence, ...own } = deps;
      accountDeps = {
        ...own,
        iam: member.iam,
        sts: member.sts,
        securityHub: member.securityHub,
        ...(deps.evidenceTrail && member.evidenceTrail ? { evidenceTrail: member.evidenceTrail } : {}),
        selfAccessKeyId: null,
        reportBucketOwner: run.orchestratorAccountId,
      };
    } catch (error) {
      return outcomeOf(account, 'failed', `could not assume ${roleArn}: ${errorText(error)}`);
    }
  }

  let budgeted: Awaited<ReturnType<typeof withinBudget>>;
  try {
    budgeted = await withinBudget(settings, run.budget);
  } catch (error) {
    member?.destroy();
    return outcomeOf(
      account,
      'failed',
      `could not take its share of the organization cap: ${errorText(error)}`,
    );
  }
  const { accountSettings, granted, limit } = budgeted;
  let report: AuditReport;
  try {
    const audit = await auditOneAccount(accountDeps, { settings: accountSettings });
    report = audit.report;
    run.onAudit?.(account.accountId, audit);
  } catch (error) {
    await run.budget.settle(granted, 0);
    return outcomeOf(account, 'failed', `the audit failed: ${errorText(error)}`);
  } finally {
    // A thousand accounts must not leave a thousand sets of keep-alive sockets open.
    member?.destroy();
  }
  await run.budget.settle(granted, deactivated(report));
  const outcome = outcomeOf(account, 'audited', limit, report);
  if (!run.notify || !settings.notifyAccounts) return outcome;
  try {
    // The organization's topic, in the auditor's account, whichever account the report is about.
    const topicArn = reportTopicArn(deps, settings, run.orchestratorAccountId);
    const delivery = await deliverReport(deps, { ...settings, reportTopicArn: topicArn }, report);
    return { ...outcome, messageId: delivery.messageId };
  } catch (error) {
    const failure = `its report was not published: ${errorText(error)}`;
    return { ...outcome, reason: outcome.reason ? `${outcome.reason}; ${failure}` : failure };
  }
}

/** The account's settings under the organization cap, and what limits it (null: nothing). */
async function withinBudget(
  settings: Settings,
  budget: ActionBudget,
): Promise<{ accountSettings: Settings; granted: number; limit: string | null }> {
  if (settings.mode !== 'enforce') return { accountSettings: settings, granted: 0, limit: null };
  const granted = await budget.reserve(settings.maxActionsPerRun);
  if (granted === 0) {
    return {
      accountSettings: { ...settings, mode: 'report' },
      granted,
      limit: `${ORGANIZATION_CAP_REASON} of ${settings.maxActionsPerOrganizationRun} deactivations reached: audited in report mode`,
    };
  }
  if (granted < settings.maxActionsPerRun) {
    return {
      accountSettings: { ...settings, maxActionsPerRun: granted },
      granted,
      limit: `${ORGANIZATION_CAP_REASON}: at most ${granted} deactivations were left for this account`,
    };
  }
  return { accountSettings: settings, granted, limit: null };
}
