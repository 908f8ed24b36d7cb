/** What the audit benchmark runs and what each run reports; shared by its two processes. */

export const STRATEGIES = ['naive', 'live', 'credential-report'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What one run prints. */
export interface RunOutput {
  wallMs: number;
  /** Keys the run saw (the naive scan and the live path) or the report listed. */
  keysSeen: number;
  /** Deactivations the run would make (report mode); the naive scan's "unused" keys. */
  plannedActions: number;
  /** Per-key or per-call failures the run recorded. */
  errors: number;
  /** Where the inventory came from (`source.kind` of the report). */
  source: string | null;
  complete: boolean;
  peakRssMb: number;
}

/**
 * Report mode, with a threshold and a cap that leave some deactivations planned: with the defaults
 * (90 days, a cap of 25) the synthetic account's many stale keys exceed the blast-radius cap, nothing
 * is planned, and the credential-report path would have no key to read live.
 */
export const REPORT_MODE_SETTINGS = { MODE: 'report', UNUSED_KEY_DAYS: '1800', MAX_ACTIONS_PER_RUN: '1000' };
