/**
 * The organizationAudit state machine's first task: the accounts, written to
 * `organization-runs/<runId>/accounts.json` for the Distributed Map's ItemReader.
 */
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import type { Settings } from '../config/settings.js';
import { listOrganizationAccounts } from './list-accounts.js';
import { type OrganizationRunDeps, startOrganizationRun } from './run-steps.js';
import { bucketOf, type RunRef } from './step-schemas.js';

/**
 * The list step writes the account list where the Distributed Map's ItemReader reads it.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const LIST_STEP_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/organization-runs/*',
    why: "writes an organization run's account list for the Distributed Map's ItemReader",
  },
] as const satisfies readonly PermissionDeclaration[];

/** What the list step hands the map: where the items are, where results go, how many at once. */
export interface ListStepOutput {
  run: RunRef;
  items: { bucket: string; key: string; resultsPrefix: string };
  count: number;
  maxConcurrency: number;
}

/** Step 1: lists the accounts and writes them to `organization-runs/<runId>/accounts.json`. */
export async function listAccountsStep(
  deps: Pick<OrganizationRunDeps, 'sts' | 's3' | 'organizations' | 'organizationsWith' | 'clock' | 'logger'>,
  settings: Settings,
): Promise<ListStepOutput> {
  const s3 = deps.s3;
  if (!s3) throw new Error('An organization run on Step Functions needs an S3 client');
  const bucket = bucketOf(settings);
  const run = await startOrganizationRun(deps);
  const accounts = await listOrganizationAccounts(deps, settings, run.runId);
  const key = `organization-runs/${run.runId}/accounts.json`;
  await putOwnedObject(s3, {
    bucket,
    key,
    body: JSON.stringify(accounts),
    contentType: 'application/json',
    owner: run.orchestratorAccountId,
  });
  deps.logger.info('organization accounts listed', { runId: run.runId, accounts: accounts.length });
  return {
    run: { ...run, startedAt: run.startedAt.toISOString() },
    items: { bucket, key, resultsPrefix: `organization-runs/${run.runId}/results` },
    count: accounts.length,
    maxConcurrency: settings.organizationConcurrency,
  };
}
