/**
 * An organization run, said out loud: list the accounts -> audit each (the single-account audit,
 * at most `organizationConcurrency` at once) -> summarise (organization report, archive, one
 * message). On AWS the three steps are the tasks of the organizationAudit state machine (a
 * Distributed Map does the fan-out); on one machine this module runs them with a bounded pool.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { forEachConcurrent } from '../concurrency.js';
import type { Settings } from '../config/settings.js';
import { reportTopicArn } from '../deliver.js';
import { newRunId } from '../run-id.js';
import { accountIdOf } from '../run-start.js';
import { inMemoryBudget } from './action-budget.js';
import { auditAccount, type OrganizationDeps } from './audit-account.js';
import { buildOrganizationReport } from './build-organization-report.js';
import { archiveOrganizationReport, publishOrganizationReport } from './deliver-organization.js';
import { listAccounts } from './list-accounts.js';
import { assumeRole, type TemporaryCredentials } from './member-access.js';
import type { AccountOutcome, OrganizationAccount, OrganizationReport } from './organization-report.js';

export interface OrganizationRunDeps extends OrganizationDeps {
  /** Organizations signing as the auditor; null when only the `accounts` setting is used. */
  organizations: Pick<OrganizationsClient, 'send'> | null;
  /** Organizations signing with `credentials` (the `organizationRoleArn`'s). */
  organizationsWith(credentials: TemporaryCredentials): Pick<OrganizationsClient, 'send'>;
}

/** Who and what an organization run is, once its first step has run. */
export interface OrganizationRunStart {
  runId: string;
  orchestratorAccountId: string;
  startedAt: Date;
}

/** The run's id and the auditor's account: the first thing every organization run does. */
export async function startOrganizationRun(
  deps: Pick<OrganizationRunDeps, 'sts' | 'clock'>,
): Promise<OrganizationRunStart> {
  const startedAt = deps.clock();
  return { runId: newRunId(startedAt), orchestratorAccountId: await accountIdOf(deps), startedAt };
}

/** Step 1: the accounts, through the organization role when one is set. */
export async function listOrganizationAccounts(
  deps: Pick<OrganizationRunDeps, 'sts' | 'organizations' | 'organizationsWith'>,
  settings: Settings,
  runId: string,
): Promise<OrganizationAccount[]> {
  if (settings.accounts.length > 0) return listAccounts(null, settings);
  const organizations = settings.organizationRoleArn
    ? deps.organizationsWith(await assumeRole(deps.sts, settings.organizationRoleArn, runId))
    : deps.organizations;
  return listAccounts(organizations, settings);
}

export interface OrganizationSummary {
  report: OrganizationReport;
  /** The organization report's message, when published. */
  messageId: string | null;
  topicArn: string | null;
}

/** Step 3: the organization report from every outcome, archived, then published once when asked. */
export async function summarizeOrganizationRun(
  deps: Pick<OrganizationRunDeps, 's3' | 'sns' | 'region' | 'clock' | 'logger'>,
  settings: Settings,
  run: OrganizationRunStart,
  outcomes: readonly AccountOutcome[],
  options: { notify: boolean },
): Promise<OrganizationSummary> {
  let report = buildOrganizationReport(outcomes, {
    runId: run.runId,
    orchestratorAccountId: run.orchestratorAccountId,
    mode: settings.mode,
    startedAt: run.startedAt,
    finishedAt: deps.clock(),
    capLimit: settings.maxActionsPerOrganizationRun,
  });
  if (settings.reportBucket && deps.s3) {
    report = await archiveOrganizationReport(
      deps.s3,
      { bucket: settings.reportBucket, region: deps.region, owner: run.orchestratorAccountId },
      report,
    );
  }
  deps.logger.info('organization audit finished', { runId: run.runId, totals: report.totals });
  if (!options.notify) return { report, messageId: null, topicArn: null };
  const topicArn = reportTopicArn(deps, settings, run.orchestratorAccountId);
  const { messageId } = await publishOrganizationReport(deps.sns, topicArn, report);
  return { report, messageId, topicArn };
}

/**
 * The whole organization run on one machine: the same three steps the state machine runs, the
 * fan-out a pool of `organizationConcurrency` audits. `onAccount` sees each outcome as it lands.
 */
export async function runOrganizationAudit(
  deps: OrganizationRunDeps,
  settings: Settings,
  options: { notify: boolean; onAccount?: (outcome: AccountOutcome) => void },
): Promise<OrganizationSummary> {
  const run = await startOrganizationRun(deps);
  deps.logger.info('organization audit started', { runId: run.runId, mode: settings.mode });
  const accounts = await listOrganizationAccounts(deps, settings, run.runId);
  const budget = inMemoryBudget(settings.maxActionsPerOrganizationRun);
  const outcomes: AccountOutcome[] = [];
  await forEachConcurrent(accounts, settings.organizationConcurrency, async (account) => {
    const outcome = await auditAccount(deps, settings, account, { ...run, budget, notify: options.notify });
    outcomes.push(outcome);
    options.onAccount?.(outcome);
  });
  return summarizeOrganizationRun(deps, settings, run, outcomes, options);
}
