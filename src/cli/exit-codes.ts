/**
 * The command's exit codes, so a CI job can gate on them: `--fail-on` picks the severity that
 * fails the job; a run that could not finish says so with its own code.
 */
import type { AuditReport, Severity } from '../model.js';
import { SEVERITY_ORDER } from '../model.js';

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
  3  the run is incomplete (time budget, or users or keys it could not read): see the report`;

/**
 * Findings at or above the level win over an incomplete run: a gate must fail on a critical key
 * the run did see, whatever else it missed.
 *
 * @example
 * exitCodeOf(report, 'high'); // 2 when the report has a critical or high finding
 */
export function exitCodeOf(
  report: Pick<AuditReport, 'findings' | 'complete' | 'errors'>,
  failOn: FailOn,
): number {
  if (failOn !== 'none') {
    const worst = SEVERITY_ORDER.indexOf(failOn as Severity);
    if (report.findings.some((f) => SEVERITY_ORDER.indexOf(f.severity) <= worst)) return EXIT_CODES.findings;
  }
  return report.complete && report.errors.length === 0 ? EXIT_CODES.ok : EXIT_CODES.incomplete;
}
