/**
 * Per-team routing: the copy of a report that one team gets (a user's team is resolved when the
 * user is collected: `teamOf` in src/evaluate/tags.ts).
 */

import type { AuditReport, AuditSummary } from '../model.js';
import { SEVERITY_ORDER } from '../model.js';
import { compareText } from '../order.js';
import { summarizeEntries } from './build-report.js';

/**
 * The teams a report names, the ones that most need to read it first: highest severity, then
 * most findings, then name.
 */
export function reportTeams(report: AuditReport): string[] {
  const stats = new Map<string, { rank: number; findings: number }>();
  const touch = (team: string | null | undefined) => {
    if (!team) return undefined;
    let entry = stats.get(team);
    if (!entry) {
      entry = { rank: SEVERITY_ORDER.length, findings: 0 };
      stats.set(team, entry);
    }
    return entry;
  };
  for (const finding of report.findings) {
    const entry = touch(finding.team);
    if (!entry) continue;
    entry.findings += 1;
    entry.rank = Math.min(entry.rank, SEVERITY_ORDER.indexOf(finding.severity));
  }
  for (const entry of [...report.actions, ...report.exempt]) touch(entry.team);
  return [...stats.entries()]
    .sort(([a, x], [b, y]) => x.rank - y.rank || y.findings - x.findings || compareText(a, b))
    .map(([team]) => team);
}

/**
 * The copy of the report for one team: only its findings, actions and exempt entries, the errors
 * about its users, and `team` set. The summary's finding, action, exemption and error counts are
 * the team's; the scope counts (users and keys audited) and `complete`/`notReached` describe the
 * run, since an unreached user's team is unknown.
 */
export function reportForTeam(report: AuditReport, team: string): AuditReport {
  const findings = report.findings.filter((f) => f.team === team);
  const actions = report.actions.filter((a) => a.team === team);
  const exempt = report.exempt.filter((e) => e.team === team);
  const users = new Set<string>();
  for (const entry of [...findings, ...actions, ...exempt]) if (entry.userName) users.add(entry.userName);
  const errors = report.errors.filter((e) => e.userName !== null && users.has(e.userName));
  const { usersAudited, keysAudited, activeKeys } = report.summary;
  const summary: AuditSummary = summarizeEntries(
    { usersAudited, keysAudited, activeKeys },
    findings,
    actions,
    exempt.length,
    errors.length,
  );
  return { ...report, summary, findings, actions, exempt, errors, team };
}

/** The team reports of a run, at most `maxTeams`, and the teams left out. */
export interface TeamSplit {
  reports: AuditReport[];
  omitted: string[];
}

/** One report per team the run names, the most urgent teams first, at most `maxTeams` of them. */
export function splitByTeam(report: AuditReport, maxTeams: number): TeamSplit {
  const teams = reportTeams(report);
  return {
    reports: teams.slice(0, maxTeams).map((team) => reportForTeam(report, team)),
    omitted: teams.slice(maxTeams),
  };
}
