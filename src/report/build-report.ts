import { keyRefLabel } from '../key-ref.js';
import type {
  ActionOutcome,
  ActionStatus,
  AuditError,
  AuditReport,
  AuditSummary,
  ExemptEntry,
  Finding,
  KeyEvidenceEntry,
  PlannedAction,
  ReportThresholds,
  Severity,
  UserRecord,
} from '../model.js';
import { RULE_IDS, SEVERITY_ORDER } from '../model.js';
import { compareActions, compareFindings, compareText } from '../order.js';

/** Everything a run knows when it is done; {@link buildReport} turns it into the canonical report. */
export interface ReportInput {
  runId: string;
  accountId: string;
  mode: 'report' | 'enforce';
  /** The evaluation time (now, or the ad-hoc `asOf`). */
  asOf: Date;
  startedAt: Date;
  finishedAt: Date;
  source: AuditReport['source'];
  complete: boolean;
  notReached: string[];
  /** Every user record the inventory produced, the root record included. */
  users: readonly UserRecord[];
  findings: Finding[];
  actions: PlannedAction[];
  exempt: ExemptEntry[];
  errors: AuditError[];
  /** The thresholds the rules used; copied into the report for renderers that mark them. */
  thresholds?: ReportThresholds;
  /** Whether severities followed each user's privilege; stated in the report. */
  privilegeWeighting?: 'on' | 'off';
  /** Usage evidence of the keys with a finding, when it was read. */
  evidence?: KeyEvidenceEntry[];
  /** The owners' notices of the run (enforce mode, notices on). */
  notices?: AuditReport['notices'];
  /** The owners' answers of the last day, when they were read. */
  answers?: AuditReport['answers'];
}

/**
 * Builds the canonical, schema-versioned {@link AuditReport} from a run's results. The summary's
 * counts and the list order are a contract dashboards and filter policies rely on (docs/report.md, "The
 * JSON report"): every list is sorted in a total order, never the concurrent inventory's, so two runs
 * over the same account list things alike. Inputs are not mutated.
 */
export function buildReport(input: ReportInput): AuditReport {
  // Each entry names its user's team (resolved when the user was collected), for per-team routing.
  const teams = new Map<string, string>();
  for (const user of input.users) if (user.team !== null) teams.set(user.userName, user.team);
  const findings = withTeams(input.findings, teams).sort(compareFindings);
  const actions = withTeams(input.actions.map(toOutcome), teams).sort(compareActions);
  const exempt = withTeams(input.exempt, teams).sort(
    (a, b) => compareText(a.userName, b.userName) || compareText(a.accessKeyId, b.accessKeyId),
  );
  const errors = [...input.errors].sort(
    (a, b) =>
      compareText(a.userName, b.userName) ||
      compareText(a.accessKeyId, b.accessKeyId) ||
      compareText(a.operation, b.operation),
  );

  return {
    schemaVersion: 1,
    runId: input.runId,
    accountId: input.accountId,
    mode: input.mode,
    asOf: toIso(input.asOf, 'asOf'),
    startedAt: toIso(input.startedAt, 'startedAt'),
    finishedAt: toIso(input.finishedAt, 'finishedAt'),
    source: {
      kind: input.source.kind,
      reason: input.source.reason,
      // Spread, not an undefined property: the report has the same keys as its JSON copy.
      ...(input.source.generatedAt ? { generatedAt: input.source.generatedAt } : {}),
    },
    complete: input.complete,
    notReached: [...input.notReached],
    summary: summarize(input.users, findings, actions, exempt.length, errors.length),
    findings,
    actions,
    exempt,
    errors,
    // Spread, not an undefined property: the report has the same keys as its JSON copy.
    ...(input.thresholds ? { thresholds: { ...input.thresholds } } : {}),
    ...(input.privilegeWeighting ? { privilegeWeighting: input.privilegeWeighting } : {}),
    ...(input.notices ? { notices: input.notices } : {}),
    ...(input.answers ? { answers: input.answers } : {}),
    ...(input.evidence ? { evidence: input.evidence } : {}),
  };
}

function summarize(
  users: readonly UserRecord[],
  findings: readonly Finding[],
  actions: readonly ActionOutcome[],
  exempt: number,
  errors: number,
): AuditSummary {
  const keys = users.flatMap((user) => user.keys);
  return summarizeEntries(
    {
      usersAudited: users.filter((user) => !user.isRoot).length,
      keysAudited: keys.length,
      activeKeys: keys.filter((key) => key.status === 'Active').length,
    },
    findings,
    actions,
    exempt,
    errors,
  );
}

/**
 * The summary of a set of findings, actions, exemptions and errors, with the scope counts given:
 * {@link buildReport} counts the users and keys, a team's copy of a report keeps the run's.
 */
export function summarizeEntries(
  scope: Pick<AuditSummary, 'usersAudited' | 'keysAudited' | 'activeKeys'>,
  findings: readonly Finding[],
  actions: readonly ActionOutcome[],
  exempt: number,
  errors: number,
): AuditSummary {
  const findingsBySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<
    Severity,
    number
  >;
  const findingsByRule: Record<string, number> = Object.fromEntries(RULE_IDS.map((id) => [id, 0]));
  for (const finding of findings) {
    findingsBySeverity[finding.severity] += 1;
    findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
  }
  const byStatus: Record<ActionStatus, number> = { planned: 0, applied: 0, skipped: 0, failed: 0 };
  for (const action of actions) byStatus[action.status] += 1;

  return {
    ...scope,
    findings: findings.length,
    findingsBySeverity,
    findingsByRule,
    highestSeverity: SEVERITY_ORDER.find((s) => findingsBySeverity[s] > 0) ?? 'none',
    actionsPlanned: byStatus.planned,
    actionsApplied: byStatus.applied,
    actionsSkipped: byStatus.skipped,
    actionsFailed: byStatus.failed,
    exempt,
    errors,
  };
}

/** The report names a key by its id, or by its credential-report slot: `(slot 1)`. */
function toOutcome({ key, ...action }: PlannedAction): ActionOutcome {
  return { ...action, accessKeyId: keyRefLabel(key) };
}

function toIso(date: Date, field: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError(`${field} is not a valid date`);
  return date.toISOString();
}

/**
 * Adds `team` to every entry whose user has one; entries of users without a team stay as they are,
 * so reports of accounts that do not tag teams do not change.
 */
function withTeams<T extends { userName: string | null; team?: string | null }>(
  entries: readonly T[],
  teams: ReadonlyMap<string, string>,
): T[] {
  return entries.map((entry) => {
    const team = entry.userName === null ? undefined : teams.get(entry.userName);
    return team === undefined ? entry : { ...entry, team };
  });
}
