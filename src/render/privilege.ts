/** How every renderer says which ranking the report applied. */
import type { AuditReport } from '../model.js';

/** The sentence that says whether severities followed privilege; null for reports without it. */
export function weightingText(report: Pick<AuditReport, 'privilegeWeighting'>): string | null {
  if (report.privilegeWeighting === undefined) return null;
  return report.privilegeWeighting === 'on'
    ? 'Privilege weighting on: a finding on an administrator or a user who can escalate its privileges is one severity level higher, on a user who can do nothing one lower; findings are ranked riskiest key first.'
    : "Privilege weighting off: severities are the rules' own; each user's privilege is shown.";
}
