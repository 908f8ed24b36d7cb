/**
 * One child of the organizationAudit state machine's Distributed Map: one account, under the run's
 * organization cap (a ledger in S3, since every child is a Lambda of its own).
 */
import type { Settings } from '../config/settings.js';
import { auditAccount, type OrganizationDeps } from './audit-account.js';
import type { AccountOutcome } from './organization-report.js';
import { s3Budget } from './s3-budget.js';
import { accountStepInputSchema, bucketOf } from './step-schemas.js';

/** Step 2, one child of the map: audits one account under the run's shared organization cap. */
export async function auditAccountStep(
  deps: OrganizationDeps,
  settings: Settings,
  input: unknown,
): Promise<AccountOutcome> {
  const { run, account } = accountStepInputSchema.parse(input);
  const s3 = deps.s3;
  if (!s3) throw new Error('An organization run on Step Functions needs an S3 client');
  const budget = s3Budget(
    s3,
    {
      bucket: bucketOf(settings),
      owner: run.orchestratorAccountId,
      runId: run.runId,
      accountId: account.accountId,
    },
    settings.maxActionsPerOrganizationRun,
    { now: deps.clock },
  );
  return auditAccount(deps, settings, account, { ...run, budget, notify: true });
}
