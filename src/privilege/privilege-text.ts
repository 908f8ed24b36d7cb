/** How a finding says what its user can do: one sentence for every renderer and the report's rows. */
import { type Finding, SEVERITY_ORDER, type Severity } from '../model.js';

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
    ? `; severity ${severityMove(finding.ruleSeverity, finding.severity)} from ${finding.ruleSeverity}`
    : '';
  return `${what}${change}`;
}

const severityMove = (from: Severity, to: Severity): string =>
  SEVERITY_ORDER.indexOf(to) < SEVERITY_ORDER.indexOf(from) ? 'raised' : 'lowered';
