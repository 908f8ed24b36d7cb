/**
 * `key-hygiene audit` and `key-hygiene undo`: the ad-hoc audit (or undo) from a laptop or a CI job.
 * The flags become the same event the `adhocAudit` function takes, checked by the same schema and
 * bounds, and run by the same pipeline (`auditAccount`, `runUndo`); settings come from the same
 * environment variables as the deployed function's (docs/settings.md).
 */
import { deliverAdhoc } from '../adhoc.js';
import { answerLinkSource } from '../answer/notice-links.js';
import { type AuditOutcome, auditAccount, NOT_CONFIRMED_REASON } from '../audit.js';
import { type AdhocEvent, applyEventOverrides, parseAdhocEvent } from '../config/adhoc-event.js';
import { ConfigError, EventValidationError } from '../config/errors.js';
import { loadSettings, type Settings } from '../config/settings.js';
import type { AuditDeps } from '../run-start.js';
import { UNDO_SKIP_REASONS } from '../undo/reactivate.js';
import { runUndo } from '../undo/run-undo.js';
import type { UndoReport } from '../undo/types.js';
import { deniedActionHints, hintFor } from './aws-hints.js';
import { type AwsFlags, GLOBAL_REGION_NOTE, openAwsSession, regionalUse } from './aws-session.js';
import { colourAllowed } from './colour.js';
import { askOnTerminal } from './confirm.js';
import { asksBeforeActing, auditConsentRefusal, onTerminal } from './consent.js';
import { EXIT_CODES, exitCodeOf, type FailOn } from './exit-codes.js';
import { emitReport, type OutputFormatName, renderAudit, renderUndo, UNDO_OUTPUT_FORMATS } from './output.js';
import { NO_PROGRESS, type ProgressView, progressBar, progressWanted } from './progress-bar.js';

/** Where the command writes, and the terminal it runs in when there is one. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * The process's own streams, for what only a terminal gets: the progress bar, colours, the
   * enforce confirmation. Absent (a test's buffers), the command behaves as in a pipe.
   */
  terminal?: {
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    stdout: { isTTY?: boolean };
    stderr: NodeJS.WritableStream & { isTTY?: boolean };
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The flags of `audit` (and `undo`), as the parser hands them over. */
export interface AuditFlags extends AwsFlags {
  mode?: string;
  users?: string;
  asOf?: string;
  notify?: boolean;
  undo?: string;
  output: OutputFormatName;
  out?: string;
  failOn: FailOn;
  yes?: boolean;
  quiet?: boolean;
  /** Undo only: reactivate on the user tags when the undone run's archived report cannot be read. */
  trustTags?: boolean;
}

/** A command line that cannot be run; the message names the flag. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The flag for each event field, to name the flag in an error. */
const FLAG_BY_FIELD: Readonly<Record<string, string>> = {
  mode: '--mode',
  users: '--users',
  asOf: '--as-of',
  notify: '--notify',
  undo: '--undo (or undo RUNID)',
  trustTags: '--trust-tags',
};

/**
 * The flags as the ad-hoc event (not yet validated).
 *
 * @example
 * eventFromFlags({ mode: 'report', users: 'alice, bob' }); // { mode: 'report', users: ['alice', 'bob'] }
 */
export function eventFromFlags(
  flags: Pick<AuditFlags, 'mode' | 'users' | 'asOf' | 'notify' | 'undo' | 'trustTags'>,
): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  if (flags.mode !== undefined) event.mode = flags.mode;
  if (flags.users !== undefined) {
    event.users = flags.users
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  }
  if (flags.asOf !== undefined) event.asOf = flags.asOf;
  if (flags.notify) event.notify = true;
  if (flags.undo !== undefined) event.undo = flags.undo;
  if (flags.trustTags) event.trustTags = true;
  return event;
}

/** An event validation error rewritten with the flags' names (`--as-of` rather than `asOf`). */
function flagError(error: EventValidationError): UsageError {
  const parts = error.issues.map((issue) => {
    const field = issue.name.split('.')[0] ?? '';
    return `${FLAG_BY_FIELD[field] ?? issue.name}: ${issue.message}`;
  });
  return new UsageError(`Invalid option ${parts.join('; ')}`, { cause: error });
}

interface Prepared {
  event: AdhocEvent;
  settings: Settings;
}

/** Everything checked before the first AWS call: flags, settings, the format, enforce's consent. */
function prepare(flags: AuditFlags, env: Env, io: CommandIo): Prepared {
  let event: AdhocEvent;
  try {
    event = parseAdhocEvent(eventFromFlags(flags));
  } catch (error) {
    throw error instanceof EventValidationError ? flagError(error) : error;
  }
  const settings = applyEventOverrides(loadSettings(env), event);
  if (event.undo !== undefined && !UNDO_OUTPUT_FORMATS.includes(flags.output)) {
    throw new UsageError(
      `--output ${flags.output}: an undo report comes as ${UNDO_OUTPUT_FORMATS.join(' or ')} (it has no per-key rows)`,
    );
  }
  const refusal = auditConsentRefusal({
    undo: event.undo !== undefined,
    mode: settings.mode,
    yes: flags.yes === true,
    terminal: onTerminal(io.terminal),
  });
  if (refusal) throw new UsageError(refusal);
  return { event, settings };
}

/**
 * Runs an audit or an undo; resolves to the exit code (see `EXIT_CODES`). Nothing is thrown: every
 * failure is a message on stderr, with what to do when that is known.
 *
 * @example
 * process.exitCode = await runAuditCommand({ output: 'text', failOn: 'high' }, process.env, io);
 */
export async function runAuditCommand(flags: AuditFlags, env: Env, io: CommandIo): Promise<number> {
  let prepared: Prepared;
  try {
    prepared = prepare(flags, env, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`key-hygiene: ${error.message}\n`);
      return EXIT_CODES.error;
    }
    throw error;
  }
  const { event, settings } = prepared;
  const stderr = io.terminal?.stderr;
  const progress: ProgressView =
    stderr && progressWanted(stderr, env, flags.quiet === true) ? progressBar(stderr) : NO_PROGRESS;
  const fail = (error: unknown): number => {
    progress.stop();
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr(`key-hygiene: ${what}\n`);
    const hint = hintFor(error, { profile: flags.profile ?? env.AWS_PROFILE });
    if (hint) io.stderr(`key-hygiene: ${hint}\n`);
    return EXIT_CODES.error;
  };
  try {
    const deps = await commandDeps(
      flags,
      io,
      progress,
      regionalUse({ ...settings, notify: event.notify === true }),
      settings,
    );
    // A failed publish must not hide the report: the run may already have changed keys.
    const publish = async (report: Parameters<typeof deliverAdhoc>[2]) => {
      if (!event.notify) return { failure: null, line: null };
      try {
        const { topicArn, messageId } = await deliverAdhoc(deps, settings, report);
        return { failure: null, line: `Published to ${topicArn} (message ${messageId}).\n` };
      } catch (error) {
        return { failure: error, line: null };
      }
    };
    if (event.undo !== undefined) {
      const report = await runUndo(deps, {
        undoneRunId: event.undo,
        settings,
        trustTags: event.trustTags === true,
      });
      const published = await publish(report);
      progress.stop();
      await emitReport(flags, io, renderUndo(flags.output, report));
      if (published.line) io.stderr(published.line);
      if (published.failure) return fail(published.failure);
      if (report.actions.some((action) => action.reason === UNDO_SKIP_REASONS.notConfirmed)) {
        io.stderr('key-hygiene: not confirmed: no key was changed.\n');
        return EXIT_CODES.error;
      }
      return undoExitCode(report);
    }
    const outcome = await auditAccount(deps, { settings, ...(event.users ? { users: event.users } : {}) });
    const published = await publish(outcome.report);
    progress.stop();
    const colour = !flags.out && io.terminal !== undefined && colourAllowed(io.terminal.stdout, env);
    await emitReport(
      flags,
      io,
      renderAudit(flags.output, outcome, { colour, thresholds: settings.rules, region: deps.region }),
    );
    if (published.line) io.stderr(published.line);
    for (const hint of deniedActionHints(outcome.report.errors)) io.stderr(`key-hygiene: ${hint}\n`);
    if (published.failure) return fail(published.failure);
    if (outcome.report.actions.some((action) => action.reason === NOT_CONFIRMED_REASON)) {
      io.stderr('key-hygiene: not confirmed: no key was changed.\n');
      return EXIT_CODES.error;
    }
    return auditExitCode(outcome, flags.failOn);
  } catch (error) {
    return fail(error);
  }
}

function auditExitCode({ report }: AuditOutcome, failOn: FailOn): number {
  return exitCodeOf(report, failOn);
}

function undoExitCode(report: UndoReport): number {
  const failed = report.actions.some((action) => action.status === 'failed');
  return exitCodeOf({ findings: [], complete: report.complete && !failed, errors: report.errors }, 'none');
}

async function commandDeps(
  flags: AuditFlags,
  io: CommandIo,
  progress: ProgressView,
  regional: string | null,
  settings: Settings,
): Promise<AuditDeps> {
  const { clients, evidenceTrail, secrets, region, globalDefault, selfAccessKeyId } = await openAwsSession(
    flags,
    { regionalUse: regional },
  );
  const evidence = settings.evidence === 'on';
  const answerLinks = answerLinkSource(settings, secrets);
  if (globalDefault) io.stderr(`${GLOBAL_REGION_NOTE}\n`);
  const terminal = io.terminal;
  const ask = terminal && asksBeforeActing({ yes: flags.yes === true, terminal: onTerminal(terminal) });
  return {
    ...clients,
    region,
    clock: () => new Date(),
    selfAccessKeyId,
    // CloudTrail is read (and its lookups paced) only with evidence on.
    ...(evidence ? { evidenceTrail } : {}),
    // The notices' answer links, when ANSWER_PAGE_URL and ANSWER_SECRET are set, as in the functions.
    ...(answerLinks ? { answerLinks } : {}),
    onProgress: progress.onProgress,
    ...(ask
      ? {
          confirmActions: askOnTerminal(
            { input: terminal.stdin, output: terminal.stderr },
            clients.iam,
            progress.pause,
          ),
        }
      : {}),
    logger: {
      info: () => {},
      warn: (message, extra) => {
        progress.pause();
        const detail = typeof extra.message === 'string' ? extra.message : JSON.stringify(extra);
        io.stderr(`warning: ${message}: ${detail}\n`);
      },
    },
  };
}
