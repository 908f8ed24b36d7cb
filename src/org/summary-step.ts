/**
 * The organizationAudit state machine's last task: the outcomes from the map's results
 * (ResultWriter's manifest and result files), then the organization report. An account the map
 * lost (its child failed after its retries, or never ran) is an outcome of its own: failed, never
 * a gap.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { Settings } from '../config/settings.js';
import {
  type AccountOutcome,
  accountOutcomeSchema,
  lostAccount,
  organizationAccountSchema,
} from './organization-report.js';
import {
  type OrganizationRunDeps,
  type OrganizationRunStart,
  type OrganizationSummary,
  summarizeOrganizationRun,
} from './run-steps.js';
import { accountStepInputSchema, type RunRef, summaryStepInputSchema } from './step-schemas.js';

/**
 * The summary step reads the account list and the map's results back.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SUMMARY_STEP_PERMISSIONS = [
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/organization-runs/*',
    why: "reads an organization run's account list and the Distributed Map's results",
  },
] as const satisfies readonly PermissionDeclaration[];

const runStart = (run: RunRef): OrganizationRunStart => ({ ...run, startedAt: new Date(run.startedAt) });

async function readJson(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  key: string,
  owner: string,
): Promise<unknown> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '');
}

/** One entry of a ResultWriter results file (the fields the summary reads). */
const mapResultSchema = z.object({
  Status: z.string(),
  Input: z.string(),
  Output: z.string().optional(),
  Error: z.string().optional(),
  Cause: z.string().optional(),
});

const manifestSchema = z.object({
  ResultFiles: z.record(z.string(), z.array(z.object({ Key: z.string() }))),
});

/**
 * The outcomes the map's results hold, and a failed outcome for every listed account without one
 * (a child that failed after its retries carries its error; one that never ran, a note that it did not).
 */
export async function outcomesFromMapResults(
  s3: Pick<S3Client, 'send'>,
  input: z.infer<typeof summaryStepInputSchema>,
  accountsKey: string,
): Promise<AccountOutcome[]> {
  const owner = input.run.orchestratorAccountId;
  const manifest = manifestSchema.parse(await readJson(s3, input.manifest.Bucket, input.manifest.Key, owner));
  const listed = z
    .array(organizationAccountSchema)
    .parse(await readJson(s3, input.manifest.Bucket, accountsKey, owner));
  const outcomes = new Map<string, AccountOutcome>();
  for (const file of Object.values(manifest.ResultFiles).flat()) {
    const results = z
      .array(mapResultSchema)
      .parse(await readJson(s3, input.manifest.Bucket, file.Key, owner));
    for (const result of results) {
      const { account } = accountStepInputSchema.parse(JSON.parse(result.Input));
      if (result.Status === 'SUCCEEDED' && result.Output !== undefined) {
        outcomes.set(account.accountId, accountOutcomeSchema.parse(JSON.parse(result.Output)));
      } else if (!outcomes.has(account.accountId)) {
        outcomes.set(
          account.accountId,
          lostAccount(
            account,
            `the account's audit ${result.Status.toLowerCase()} on Step Functions: ${result.Error ?? 'no error'}: ${result.Cause ?? 'no cause'}`,
          ),
        );
      }
    }
  }
  return listed.map(
    (account) =>
      outcomes.get(account.accountId) ??
      lostAccount(account, 'the Distributed Map returned no result for this account'),
  );
}

/** Step 3: the organization report from the map's results, archived and published once. */
export async function summaryStep(
  deps: Pick<OrganizationRunDeps, 's3' | 'sns' | 'region' | 'clock' | 'logger'>,
  settings: Settings,
  input: unknown,
): Promise<OrganizationSummary> {
  const parsed = summaryStepInputSchema.parse(input);
  const s3 = deps.s3;
  if (!s3) throw new Error('An organization run on Step Functions needs an S3 client');
  const outcomes = await outcomesFromMapResults(
    s3,
    parsed,
    `organization-runs/${parsed.run.runId}/accounts.json`,
  );
  return summarizeOrganizationRun(deps, settings, runStart(parsed.run), outcomes, { notify: true });
}
