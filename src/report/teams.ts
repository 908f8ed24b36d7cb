/**
 * Per-team routing: which team a user belongs to (its `team` tag, else its `owner` tag), and the
 * copy of a report that one team gets.
 */

import { tagValue } from '../evaluate/tags.js';
import type { AuditReport, AuditSummary } from '../model.js';
import { SEVERITY_ORDER } from '../model.js';
import { summarizeEntries } from './build-report.js';

/** The user tags that name a team, the first present wins. */
export const TEAM_TAG_KEYS = ['team', 'owner'] as const;

/** Longer values are cut: the team becomes an SNS attribute value and part of a subject. */
export const MAX_TEAM_CHARS = 128;

/**
 * The team of a user from its tags: `team`, else `owner` (keys compared without case, as IAM
 * does), trimmed; null when neither is set to something non-blank.
 *
 * @example
 * teamOf({ Owner: ' payments ' }); // 'payments'
 * teamOf({ team: 'risk', owner: 'alice' }); // 'risk'
 */
export function teamOf(tags: Readonly<Record<string, string>>): string | null {
  for (const key of TEAM_TAG_KEYS) {
    // IAM allows no control characters in tag values; a fixture or a future source might, and the
    // team becomes an SNS attribute value, so they are dropped.
    const value = tagValue(tags, key)
      ?.replace(/\p{Cc}/gu, '')
      .trim();
    if (value) return Array.from(value).slice(0, MAX_TEAM_CHARS).join('');
  }
  return null;
}

/**
 * Adds `team` to every entry whose user has one; entries of users without a team are returned as
 * they are, so reports of accounts that do not tag teams do not change.
 */
export function withTeams<T extends { userName: string | null; team?: string | null }>(
  entries: readonly T[],
  teams: ReadonlyMap<string, string>,
): T[] {
  return entries.map((entry) => {
    const team = entry.userName === null ? undefined : teams.get(entry.userName);
    return team === undefined ? entry : { ...entry, team };
  });
}

/**
 * The teams a report names, the ones that most need to read it first: highest severity, then
 * most findings, then name.
 *
 * @example
 * reportTeams(report); // ['payments', 'data-platform']
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
    .sort(([a, x], [b, y]) => x.rank - y.rank || y.findings - x.findings || (a < b ? -1 : a > b ? 1 : 0))
    .map(([team]) => team);
}

/**
 * The copy of the report for one team: only its findings, actions and exempt entries, the errors
 * about its users, and `team` set. The summary's finding, action, exemption and error counts are
 * the team's; the scope counts (users and keys audited) and `complete`/`notReached` describe the
 * run, since an unreached user's team is unknown.
 *
 * @example
 * const payments = reportForTeam(report, 'payments');
 * payments.findings.every((f) => f.team === 'payments'); // true
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

/**
 * One report per team the run names, the most urgent teams first, at most `maxTeams` of them.
 *
 * @example
 * const { reports, omitted } = splitByTeam(report, 50);
 */
export function splitByTeam(report: AuditReport, maxTeams: number): TeamSplit {
  const teams = reportTeams(report);
  return {
    reports: teams.slice(0, maxTeams).map((team) => reportForTeam(report, team)),
    omitted: teams.slice(maxTeams),
  };
}
