/**
 * The command's exit codes, so a CI job can gate on them: `--fail-on` picks the severity that
 * fails the job; a run that could not finish says so with its own code.
 */
import type { Severity } from '../model.js';
import { SEVERITY_ORDER } from '../model.js';
import type { OrganizationReport } from '../org/organization-report.js';

export const EXIT_CODES = {
  /** Done, and nothing at or above `--fail-on`. */
  ok: 0,
  /** A bad command line or setting, or the run failed (credentials, a refused call, ...). */
  error: 1,
  /** Findings at or above `--fail-on`. */
  findings: 2,
  /** The run did not finish (time budget, a listing or a key it could not read): the report says what. */
  incomplete: 3,
} as const;

/** `--fail-on` levels: a severity (and everything above it), or `none`. */
export const FAIL_ON_LEVELS = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** The `--help` lines that explain the codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0  done; no finding at or above --fail-on
  1  bad options or settings, the run failed (credentials, region, a refused call),
     or enforce was not confirmed
  2  findings at or above --fail-on (critical, high, medium or low)
  3  the run is incomplete (time budget, users or keys it could not read, or, for an
     organization run, an account not covered): see the report`;

/**
 * Findings at or above the level win over an incomplete run: a gate must fail on a critical key
 * the run did see, whatever else it missed.
 *
 * @example
 * exitCodeOf(report, 'high'); // 2 when the report has a critical or high finding
 */
export function exitCodeOf(
  report: { findings: readonly { severity: Severity }[]; complete: boolean; errors: readonly unknown[] },
  failOn: FailOn,
): number {
  if (failOn !== 'none') {
    const worst = SEVERITY_ORDER.indexOf(failOn as Severity);
    if (report.findings.some((f) => SEVERITY_ORDER.indexOf(f.severity) <= worst)) return EXIT_CODES.findings;
  }
  return report.complete && report.errors.length === 0 ? EXIT_CODES.ok : EXIT_CODES.incomplete;
}

/**
 * An organization run's code, by the same rule: its findings are every account's and the
 * organization's own; it is incomplete when an account was not covered (failed) or an account's
 * audit did not finish or hit errors. A skipped account (not ACTIVE) is skipped by rule, not a gap
 * the run left.
 */
export function organizationExitCodeOf(report: OrganizationReport, failOn: FailOn): number {
  const bySeverity = report.totals.findingsBySeverity;
  return exitCodeOf(
    {
      findings: SEVERITY_ORDER.filter((severity) => (bySeverity[severity] ?? 0) > 0).map((severity) => ({
        severity,
      })),
      complete: report.accounts.every(
        (account) =>
          account.status !== 'failed' && account.complete !== false && (account.summary?.errors ?? 0) === 0,
      ),
      errors: [],
    },
    failOn,
  );
}
