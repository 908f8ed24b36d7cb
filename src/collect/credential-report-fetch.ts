import { setTimeout as delay } from 'node:timers/promises';
import { GenerateCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { OnProgress } from '../progress.js';

/**
 * The IAM call that generates the credential report (the download: credential-report-download.ts).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const CREDENTIAL_REPORT_FETCH_PERMISSIONS = [
  {
    action: 'iam:GenerateCredentialReport',
    resource: '*',
    why: 'asks IAM for a fresh credential report, then polls until it is complete (takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

import { downloadCredentialReport } from './credential-report-download.js';

export interface FetchReportDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The wall clock, to judge the report's age. */
  clock: () => Date;
  /** A report older than this is regenerated, or used with a warning when IAM will not. */
  maxAgeMs: number;
  /** The longest wait for COMPLETE. */
  maxWaitMs: number;
  /** Asked between polls; true once the time budget is spent. */
  shouldStop?: () => boolean;
  /** Waits between polls; tests may pass a faster one. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Told when the wait starts (total unknown) and when the report is in. */
  onProgress?: OnProgress;
}

export interface FetchedReport {
  csv: string;
  generatedAt: Date;
  /** Why the report is used although it is not what was asked for (too old). */
  warnings: string[];
}

/** The credential report could not be had; the audit falls back to the live API. */
export class CredentialReportUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialReportUnavailableError';
  }
}

/** First pause between polls; doubled each time up to the cap (clients poll every 0.25 to 2 s). */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;
const HOUR_MS = 3_600_000;

/** The SDK's names for "no report yet" and "not ready yet". */
const NOT_PRESENT = new Set(['CredentialReportNotPresentException', 'ReportNotPresent']);
const EXPIRED = new Set(['CredentialReportExpiredException', 'ReportExpired']);
const NOT_READY = new Set(['CredentialReportNotReadyException', 'ReportInProgress']);

/**
 * Gets a current credential report: GenerateCredentialReport (IAM answers COMPLETE at once when it
 * has a report under four hours old, else starts one), polled with backoff until COMPLETE within
 * `maxWaitMs`, then GetCredentialReport. Two or three IAM calls for any account size.
 *
 * A report older than `maxAgeMs` is used with a warning when IAM hands back the same one (it makes
 * at most one every four hours) or refuses to generate (e.g. AccessDenied) while an older report
 * exists.
 *
 * @throws CredentialReportUnavailableError when no report is COMPLETE within the wait, none exists
 * and generation is refused, or IAM fails; the message says which and what to do.
 * @example
 * const { csv, generatedAt } = await fetchCredentialReport({ iam, clock: () => new Date(), maxAgeMs: 4 * 3_600_000, maxWaitMs: 60_000 });
 */
export async function fetchCredentialReport(deps: FetchReportDeps): Promise<FetchedReport> {
  deps.onProgress?.({ phase: 'credential-report', done: 0, total: null });
  const report = await fetchReport(deps);
  deps.onProgress?.({ phase: 'credential-report', done: 1, total: 1 });
  return report;
}

async function fetchReport(deps: FetchReportDeps): Promise<FetchedReport> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const started = Date.now();
  let slept = 0;
  const waitSeconds = Math.round(deps.maxWaitMs / 1000);
  const warnings: string[] = [];

  let state: string | undefined;
  try {
    ({ State: state } = await deps.iam.send(new GenerateCredentialReportCommand({})));
  } catch (error) {
    // Generation refused: an existing report (even an old one) is still better than none.
    const { code, message } = describeAwsError(error);
    warnings.push(`GenerateCredentialReport failed (${code}: ${message}), so the existing report was used`);
    const report = await getReport(deps, `GenerateCredentialReport failed (${code}: ${message}) and`);
    return withAge(deps, report, warnings, 'IAM refused to generate a new one');
  }

  for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    if (state === 'COMPLETE') {
      try {
        const report = await getReport(deps, 'GenerateCredentialReport said COMPLETE but');
        return withAge(
          deps,
          report,
          warnings,
          'IAM returned it again instead of a new one (it makes at most one every 4 hours)',
        );
      } catch (error) {
        if (!(error instanceof NotReadyError)) throw error;
      }
    }
    // Real time, or the pauses asked for when they are shorter (a test's sleep on the sandbox
    // clock returns at once): the wait ends after the same polls either way.
    const left = deps.maxWaitMs - Math.max(Date.now() - started, slept);
    if (left <= 0) {
      throw new CredentialReportUnavailableError(
        `the credential report was still ${state ?? 'not ready'} after ${waitSeconds} s (CREDENTIAL_REPORT_WAIT_SECONDS); raise that setting for a large account`,
      );
    }
    if (deps.shouldStop?.()) {
      throw new CredentialReportUnavailableError(
        'the time budget ran out while waiting for the credential report',
      );
    }
    const pauseMs = Math.min(pause, left);
    await sleep(pauseMs);
    slept += pauseMs;
    try {
      ({ State: state } = await deps.iam.send(new GenerateCredentialReportCommand({})));
    } catch (error) {
      const { code, message } = describeAwsError(error);
      throw new CredentialReportUnavailableError(
        `GenerateCredentialReport failed while waiting for the report (${code}: ${message})`,
        { cause: error },
      );
    }
  }
}

class NotReadyError extends CredentialReportUnavailableError {}

async function getReport(
  deps: FetchReportDeps,
  context: string,
): Promise<{ csv: string; generatedAt: Date }> {
  try {
    const { Content, GeneratedTime } = await downloadCredentialReport(deps.iam);
    if (!Content || !GeneratedTime) {
      throw new CredentialReportUnavailableError(
        `${context} GetCredentialReport answered without ${Content ? 'GeneratedTime' : 'Content'}`,
      );
    }
    return { csv: new TextDecoder().decode(Content), generatedAt: GeneratedTime };
  } catch (error) {
    if (error instanceof CredentialReportUnavailableError) throw error;
    const { code, message } = describeAwsError(error);
    const name = (error as Error).name;
    if (NOT_READY.has(name)) throw new NotReadyError(`${context} the report is still being generated`);
    const why = NOT_PRESENT.has(name)
      ? 'no credential report exists (ReportNotPresent); grant iam:GenerateCredentialReport so the audit can make one'
      : EXPIRED.has(name)
        ? 'the credential report has expired (ReportExpired)'
        : `GetCredentialReport failed (${code}: ${message})`;
    throw new CredentialReportUnavailableError(`${context} ${why}`, { cause: error });
  }
}

function withAge(
  deps: FetchReportDeps,
  report: { csv: string; generatedAt: Date },
  warnings: string[],
  whyOld: string,
): FetchedReport {
  const ageMs = deps.clock().getTime() - report.generatedAt.getTime();
  if (ageMs > deps.maxAgeMs) {
    const hours = Math.floor((ageMs / HOUR_MS) * 10) / 10;
    warnings.push(
      `the credential report is ${hours} hours old, older than CREDENTIAL_REPORT_MAX_AGE_HOURS (${deps.maxAgeMs / HOUR_MS}), and ${whyOld}; every planned action is still checked on live data`,
    );
  }
  return { ...report, warnings };
}
