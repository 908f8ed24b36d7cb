/**
 * The progress of a run on the operator's terminal (stderr), drawn by `cli-progress` from the
 * audit's own progress events: one line per phase, a bar with the count and ETA when the total is
 * known, a spinner while it is not. A finished phase stays on screen as its last state.
 */
import cliProgress from 'cli-progress';
import type { OnProgress, ProgressEvent, ProgressPhase } from '../progress.js';

export const PHASE_LABELS: Readonly<Record<ProgressPhase, string>> = {
  'credential-report': 'Credential report',
  users: 'Reading users',
  resolving: 'Resolving planned users',
  applying: 'Applying',
  publishing: 'Publishing',
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const LABEL_WIDTH = Math.max(...Object.values(PHASE_LABELS).map((label) => label.length));
const BAR = '{label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted}';
const COUNTING = '{spinner} {label} {value}';
const WAITING = '{spinner} {label}';
const DONE = '✔ {label} {value}/{total} in {duration_formatted}';

export interface ProgressView {
  onProgress: OnProgress;
  /** Ends the current line (before a question is asked on the same terminal). */
  pause(): void;
  /** Ends the current line for good (before the report is printed). */
  stop(): void;
}

/**
 * Whether to animate: stderr is a terminal, not `--quiet`, not in CI (`CI` set to anything but
 * `false`), and the terminal is not `dumb`.
 */
export function progressWanted(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  quiet: boolean,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return stream.isTTY === true && !quiet && !ci && env.TERM !== 'dumb';
}

/** Nothing drawn: for pipes, CI logs and `--quiet`. */
export const NO_PROGRESS: ProgressView = {
  onProgress: () => undefined,
  pause: () => undefined,
  stop: () => undefined,
};

/**
 * @example
 * const view = progressBar(process.stderr);
 * deps.onProgress = view.onProgress; // ... then view.stop() before printing the report
 */
export function progressBar(stream: NodeJS.WritableStream): ProgressView {
  let bar: cliProgress.SingleBar | null = null;
  let phase: ProgressPhase | null = null;

  const end = () => {
    bar?.stop();
    bar = null;
    phase = null;
  };
  const onProgress = (event: ProgressEvent) => {
    if (event.phase !== phase) {
      end();
      phase = event.phase;
      bar = new cliProgress.SingleBar({
        stream,
        format: formatLine,
        hideCursor: false,
        clearOnComplete: false,
        linewrap: false,
        barsize: 24,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        fps: 10,
      });
      bar.start(event.total ?? 0, event.done, payloadOf(event));
      return;
    }
    if (event.total !== null) bar?.setTotal(event.total);
    bar?.update(event.done, payloadOf(event));
    if (event.total !== null && event.done >= event.total) end();
  };
  return { onProgress, pause: end, stop: end };
}

function payloadOf(event: ProgressEvent): Record<string, unknown> {
  return { label: PHASE_LABELS[event.phase].padEnd(LABEL_WIDTH), known: event.total !== null };
}

/** The line for the bar's state: done, a bar, or a spinner (with a count once there is one). */
const formatLine: cliProgress.GenericFormatter = (options, params, payload: { known: boolean }) => {
  const finished = payload.known && params.total > 0 && params.value >= params.total;
  const template = finished
    ? DONE
    : payload.known && params.total > 0
      ? BAR
      : params.value > 0
        ? COUNTING
        : WAITING;
  const spinner = SPINNER[Math.floor(Date.now() / 100) % SPINNER.length];
  return cliProgress.Format.Formatter({ ...options, format: template }, params, { ...payload, spinner });
};
