/**
 * How far a run is, as the steps report it. One stream serves both readers: the Lambda logs (a
 * line per phase start and end, and every 500 items between) and the command line's progress bar
 * (every event). A step is handed an `onProgress` and never knows which one listens.
 */

/** The phases a person waits on, in run order. */
export const PROGRESS_PHASES = ['credential-report', 'users', 'resolving', 'applying', 'publishing'] as const;
export type ProgressPhase = (typeof PROGRESS_PHASES)[number];

/** `done` of `total` items of a phase; `total` is null while it is unknown (a spinner, not a bar). */
export interface ProgressEvent {
  phase: ProgressPhase;
  done: number;
  total: number | null;
}

export type OnProgress = (event: ProgressEvent) => void;

/** Every this many items a log line, so a 50,000-user run logs about a hundred progress lines. */
const LOG_EVERY = 500;

/**
 * The progress of one run: every event to `onProgress` (when given), and to the logger at a phase's
 * start and end and every 500 items between, with `context` (the run id) on each line.
 *
 * @example
 * const progress = reportProgressTo(deps, { runId });
 * progress({ phase: 'users', done: 0, total: 1200 });
 */
export function reportProgressTo(
  sink: {
    logger: { info(message: string, extra: Record<string, unknown>): void };
    onProgress?: OnProgress;
  },
  context: Record<string, unknown>,
): OnProgress {
  return (event) => {
    sink.onProgress?.(event);
    if (event.done === 0 || event.done === event.total || event.done % LOG_EVERY === 0) {
      sink.logger.info('progress', { ...context, ...event });
    }
  };
}
