/**
 * `npm run audit -- [--mode report|enforce] [--users a,b] [--as-of ISO] [--notify] [--undo RUNID]`:
 * the ad-hoc audit (or undo) from a laptop. It builds the same event the `adhocAudit` function takes
 * and runs the same code (`runAdhoc`), with the SDK's default credential chain and region;
 * `AWS_ENDPOINT_URL` points it at the sandbox. Settings come from the same environment variables
 * as the deployed function's (README settings table). Prints the text report.
 */
import { parseArgs } from 'node:util';
import { deliverAdhoc, renderAdhocText, runAdhoc } from '../adhoc.js';
import { createClients, signingAccessKeyId } from '../aws/clients.js';
import { applyEventOverrides, parseAdhocEvent } from '../config/adhoc-event.js';
import { ConfigError, EventValidationError } from '../config/errors.js';
import { loadSettings } from '../config/settings.js';
import type { AuditDeps } from '../run-start.js';
import { runOrganizationArgs } from './organization-command.js';

export const AUDIT_USAGE = `Usage: npm run audit -- [options]

  --mode report|enforce  report (default: the MODE setting) lists what enforce would do
  --users a,b            audit only these IAM users
  --as-of ISO            evaluate as of this date-time, e.g. 2027-01-01T00:00:00Z (report mode)
  --notify               also publish the report to the report topic
  --undo RUNID           reactivate the keys run RUNID deactivated (takes only --notify)
  --org                  audit every account of the organization (--org --help for its options)
  --help                 show this text

Credentials and region come from the AWS SDK's default chain (AWS_PROFILE, AWS_REGION, ...);
AWS_ENDPOINT_URL=http://127.0.0.1:PORT runs against the sandbox (npm run sandbox).
`;

/** Where the command writes; the real process's streams, or a test's buffers. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command-line flag for each event field, to name the flag in an error. */
const FLAG_BY_FIELD: Readonly<Record<string, string>> = {
  mode: '--mode',
  users: '--users',
  asOf: '--as-of',
  notify: '--notify',
  undo: '--undo',
};

/** A command line that cannot be run; the message names the flag. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * Turns the arguments into the ad-hoc event (not yet validated).
 *
 * @example
 * eventFromArgs(['--mode', 'report', '--users', 'alice,bob']); // { mode: 'report', users: ['alice', 'bob'] }
 */
export function eventFromArgs(argv: readonly string[]): Record<string, unknown> | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string' },
        users: { type: 'string' },
        'as-of': { type: 'string' },
        notify: { type: 'boolean' },
        undo: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the options.`, { cause: error });
  }
  if (values.help) return 'help';
  const event: Record<string, unknown> = {};
  if (values.mode !== undefined) event.mode = values.mode;
  if (typeof values.users === 'string') {
    event.users = values.users
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  }
  if (values['as-of'] !== undefined) event.asOf = values['as-of'];
  if (values.notify) event.notify = true;
  if (values.undo !== undefined) event.undo = values.undo;
  return event;
}

/** An event validation error rewritten with the flags' names (`--as-of` rather than `asOf`). */
function flagError(error: EventValidationError): UsageError {
  const parts = error.issues.map((issue) => {
    const field = issue.name.split('.')[0] ?? '';
    const flag = FLAG_BY_FIELD[field] ?? issue.name;
    return `${flag}: ${issue.message}`;
  });
  return new UsageError(`Invalid option ${parts.join('; ')}`, { cause: error });
}

/**
 * Runs the command; resolves to the exit code (0 done, 1 the run failed, 2 bad options or settings).
 *
 * @example
 * process.exitCode = await runAuditCommand(process.argv.slice(2), process.env, { stdout, stderr });
 */
export async function runAuditCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo,
): Promise<number> {
  if (argv.includes('--org')) return runOrganizationArgs(argv, env, io);
  let event: ReturnType<typeof parseAdhocEvent>;
  let settings: ReturnType<typeof loadSettings>;
  try {
    const raw = eventFromArgs(argv);
    if (raw === 'help') {
      io.stdout(AUDIT_USAGE);
      return 0;
    }
    event = parseAdhocEvent(raw);
    settings = applyEventOverrides(loadSettings(env), event);
  } catch (error) {
    const shown = error instanceof EventValidationError ? flagError(error) : error;
    if (shown instanceof UsageError || shown instanceof ConfigError) {
      io.stderr(`key-hygiene audit: ${shown.message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const deps = await commandDeps(env, io);
    const report = await runAdhoc(deps, settings, event);
    io.stdout(renderAdhocText(report));
    if (event.notify) {
      const { topicArn, messageId } = await deliverAdhoc(deps, settings, report);
      io.stderr(`Published to ${topicArn} (message ${messageId}).\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(
      `key-hygiene audit: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return 1;
  }
}

async function commandDeps(
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo,
): Promise<AuditDeps> {
  const configured = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const clients = createClients(configured ? { region: configured } : {});
  let region: string;
  try {
    region = await clients.sns.config.region();
  } catch (error) {
    throw new Error('No AWS region configured; set AWS_REGION (or a region in your AWS profile).', {
      cause: error,
    });
  }
  return {
    ...clients,
    region,
    clock: () => new Date(),
    selfAccessKeyId: await signingAccessKeyId(clients.iam),
    logger: {
      info: () => {},
      warn: (message, extra) => io.stderr(`warning: ${message} ${JSON.stringify(extra)}\n`),
    },
  };
}
