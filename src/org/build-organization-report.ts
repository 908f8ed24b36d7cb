/**
 * The organization report from the accounts' outcomes. Pure: no AWS, no clock.
 */
import { SEVERITY_ORDER, type Severity } from '../model.js';
import { compareText } from '../order.js';
import { organizationOwners } from './account-owners.js';
import {
  type AccountOutcome,
  ORGANIZATION_CAP_REASON,
  type OrganizationFinding,
  type OrganizationReport,
} from './organization-report.js';

export interface OrganizationRunFacts {
  runId: string;
  orchestratorAccountId: string;
  mode: 'report' | 'enforce';
  startedAt: Date;
  finishedAt: Date;
  capLimit: number;
}

const emptyBySeverity = (): Record<Severity, number> => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  info: 0,
});

/** An account's worst severity: a failed account is a blind spot, as bad as it gets. */
function worstOf(outcome: AccountOutcome): number {
  if (outcome.status === 'failed') return 0;
  const highest = outcome.summary?.highestSeverity ?? 'none';
  return highest === 'none' ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(highest);
}

/** Worst first: highest severity, then most critical findings, then most findings, then account id. */
export function compareAccounts(a: AccountOutcome, b: AccountOutcome): number {
  return (
    worstOf(a) - worstOf(b) ||
    (b.summary?.findingsBySeverity.critical ?? 0) - (a.summary?.findingsBySeverity.critical ?? 0) ||
    (b.summary?.findings ?? 0) - (a.summary?.findings ?? 0) ||
    compareText(a.accountId, b.accountId)
  );
}

function organizationFindings(
  outcomes: readonly AccountOutcome[],
  facts: OrganizationRunFacts,
): OrganizationFinding[] {
  const findings: OrganizationFinding[] = outcomes
    .filter((outcome) => outcome.status === 'failed')
    .map((outcome) => ({
      ruleId: 'not-covered',
      severity: 'critical',
      accountId: outcome.accountId,
      message: `Account ${outcome.accountId} (${outcome.name}) is not covered: ${outcome.reason ?? 'unknown error'}. Its access keys were not audited; fix the member role or the error and run again.`,
    }));
  const limited = outcomes.filter((outcome) => outcome.reason?.startsWith(ORGANIZATION_CAP_REASON));
  if (facts.mode === 'enforce' && limited.length > 0) {
    findings.push({
      ruleId: 'organization-cap',
      severity: 'critical',
      accountId: null,
      message: `The organization cap of ${facts.capLimit} deactivations was reached: ${limited.length} account(s) were audited in report mode or with a lowered cap (${limited
        .map((outcome) => outcome.accountId)
        .join(
          ', ',
        )}). Review the reports; raise maxActionsPerOrganizationRun only if the deactivations are expected.`,
    });
  }
  return findings;
}

/** The organization report of a run whose every account has an outcome. */
export function buildOrganizationReport(
  outcomes: readonly AccountOutcome[],
  facts: OrganizationRunFacts,
): OrganizationReport {
  const accounts = [...outcomes].sort(compareAccounts);
  const findings = organizationFindings(accounts, facts);
  const bySeverity = emptyBySeverity();
  const byRule: Record<string, number> = {};
  for (const outcome of accounts) {
    for (const severity of SEVERITY_ORDER)
      bySeverity[severity] += outcome.summary?.findingsBySeverity[severity] ?? 0;
    for (const [rule, count] of Object.entries(outcome.summary?.findingsByRule ?? {})) {
      byRule[rule] = (byRule[rule] ?? 0) + count;
    }
  }
  for (const finding of findings) {
    bySeverity[finding.severity] += 1;
    byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
  }
  const keysDeactivated = accounts.reduce((sum, outcome) => sum + outcome.keysDeactivated, 0);
  const count = (status: AccountOutcome['status']) => accounts.filter((o) => o.status === status).length;
  const total = SEVERITY_ORDER.reduce((sum, severity) => sum + bySeverity[severity], 0);
  const owners = organizationOwners(accounts);
  return {
    schemaVersion: 1,
    scope: 'organization',
    runId: facts.runId,
    orchestratorAccountId: facts.orchestratorAccountId,
    mode: facts.mode,
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    accounts,
    findings,
    totals: {
      accounts: accounts.length,
      audited: count('audited'),
      failed: count('failed'),
      skipped: count('skipped'),
      findings: total,
      findingsBySeverity: bySeverity,
      findingsByRule: byRule,
      highestSeverity: SEVERITY_ORDER.find((severity) => bySeverity[severity] > 0) ?? 'none',
      keysDeactivated,
      actionsFailed: accounts.reduce((sum, outcome) => sum + (outcome.summary?.actionsFailed ?? 0), 0),
    },
    cap: {
      limit: facts.capLimit,
      keysDeactivated,
      reached: findings.some((finding) => finding.ruleId === 'organization-cap'),
    },
    ...(owners ? { owners } : {}),
  };
}
