/**
 * An organization run, said out loud: list the accounts -> audit each (the single-account audit,
 * at most `organizationConcurrency` at once) -> summarise (organization report, archive, one
 * message). On AWS the three steps are the tasks of the organizationAudit state machine (a
 * Distributed Map does the fan-out); on one machine this module runs them with a bounded pool.
 */

import type { AuditOutcome } from '../audit.js';
import { forEachConcurrent } from '../concurrency.js';
import type { Settings } from '../config/settings.js';
import { inMemoryBudget } from './action-budget.js';
import { auditAccount } from './audit-account.js';
import { listOrganizationAccounts } from './list-accounts.js';
import type { AccountOutcome } from './organization-report.js';
import {
  type OrganizationRunDeps,
  type OrganizationSummary,
  startOrganizationRun,
  summarizeOrganizationRun,
} from './run-steps.js';

export type { OrganizationRunDeps } from './run-steps.js';

/**
 * The whole organization run on one machine: the same three steps the state machine runs, the
 * fan-out a pool of `organizationConcurrency` audits. `onAccount` sees each outcome as it lands;
 * `onAudit` each audited account's full report and users (the organization CSV's rows).
 */
export async function runOrganizationAudit(
  deps: OrganizationRunDeps,
  settings: Settings,
  options: {
    notify: boolean;
    onAccount?: (outcome: AccountOutcome) => void;
    onAudit?: (accountId: string, audit: AuditOutcome) => void;
  },
): Promise<OrganizationSummary> {
  const run = await startOrganizationRun(deps);
  deps.logger.info('organization audit started', { runId: run.runId, mode: settings.mode });
  const accounts = await listOrganizationAccounts(deps, settings, run.runId);
  const budget = inMemoryBudget(settings.maxActionsPerOrganizationRun);
  const outcomes: AccountOutcome[] = [];
  await forEachConcurrent(accounts, settings.organizationConcurrency, async (account) => {
    const outcome = await auditAccount(deps, settings, account, {
      ...run,
      budget,
      notify: options.notify,
      onAudit: options.onAudit,
    });
    outcomes.push(outcome);
    options.onAccount?.(outcome);
  });
  return summarizeOrganizationRun(deps, settings, run, outcomes, options);
}
