/**
 * The steps of an organization run that do not audit: its start, the listing of the accounts and
 * the summary. The local runner (run-organization.ts) and the state machine's tasks (the
 * *-step.ts modules) both call them.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Settings } from '../config/settings.js';
import { reportTopicArn } from '../deliver.js';
import { newRunId } from '../run-id.js';
import { accountIdOf } from '../run-start.js';
import type { OrganizationDeps } from './audit-account.js';
import { buildOrganizationReport } from './build-organization-report.js';
import { archiveOrganizationReport, publishOrganizationReport } from './deliver-organization.js';
import type { AccountOutcome, OrganizationReport } from './organization-report.js';
import type { TemporaryCredentials } from './temporary-credentials.js';

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
