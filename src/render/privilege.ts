/** How every renderer says what a key's user can do, and which ranking the report applied. */
import type { AuditReport, Finding } from '../model.js';

/**
 * `admin: AdministratorAccess via group Admins`, with the severity change when weighting made one
 * (`severity raised from medium`); null when the privilege was not read.
 */
export function privilegeText(finding: Finding): string | null {
  if (finding.userName === null || !finding.privilege) return null;
  const { level, source, actions } = finding.privilege;
  const what =
    level === 'none'
      ? 'none: no policy allows anything'
      : `${level}: ${source ?? 'unknown'}${actions.length > 0 ? ` (${actions.join(' with ')})` : ''}`;
  const change = finding.ruleSeverity
    ? `; severity ${SEVERITY_MOVE(finding.ruleSeverity, finding.severity)} from ${finding.ruleSeverity}`
    : '';
  return `${what}${change}`;
}

const ORDER = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_MOVE = (from: string, to: string): string =>
  ORDER.indexOf(to) < ORDER.indexOf(from) ? 'raised' : 'lowered';

/** The sentence that says whether severities followed privilege; null for reports without it. */
export function weightingText(report: Pick<AuditReport, 'privilegeWeighting'>): string | null {
  if (report.privilegeWeighting === undefined) return null;
  return report.privilegeWeighting === 'on'
    ? 'Privilege weighting on: a finding on an administrator or a user who can escalate its privileges is one severity level higher, on a user who can do nothing one lower; findings are ranked riskiest key first.'
    : "Privilege weighting off: severities are the rules' own; each user's privilege is shown.";
}
