/**
 * Severity follows privilege: a stale key of an administrator is a bigger risk than the same key
 * of a user who can read one bucket. Pure.
 */
import { type Finding, type FindingPrivilege, SEVERITY_ORDER, type Severity } from '../model.js';

export type PrivilegeWeighting = 'on' | 'off';

/** One level more severe (critical stays critical). */
function raised(severity: Severity): Severity {
  return SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(severity) - 1)] as Severity;
}

/** One level less severe (info stays info). A critical finding is never lowered: it is critical whatever the key can do. */
function lowered(severity: Severity): Severity {
  if (severity === 'critical') return severity;
  return SEVERITY_ORDER[
    Math.min(SEVERITY_ORDER.length - 1, SEVERITY_ORDER.indexOf(severity) + 1)
  ] as Severity;
}

/**
 * Each key finding with its user's privilege; with weighting `on`, a finding on an `admin` or
 * `privilege-escalation` user is raised one level (medium -> high, high -> critical) and one on a
 * user who can do nothing (`none`) lowered one level, the rule's own severity kept beside it.
 * Findings whose user was not read (root, a read error) are left as they are.
 */
export function weighFindings(
  findings: readonly Finding[],
  privileges: ReadonlyMap<string, FindingPrivilege>,
  weighting: PrivilegeWeighting,
): Finding[] {
  return findings.map((finding) => {
    if (finding.userName === null) return finding;
    const privilege = privileges.get(finding.userName);
    if (!privilege) return finding;
    const severity =
      weighting === 'off'
        ? finding.severity
        : privilege.level === 'admin' || privilege.level === 'privilege-escalation'
          ? raised(finding.severity)
          : privilege.level === 'none'
            ? lowered(finding.severity)
            : finding.severity;
    return {
      ...finding,
      privilege,
      severity,
      ...(severity === finding.severity ? {} : { ruleSeverity: finding.severity }),
    };
  });
}
