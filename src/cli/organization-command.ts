/**
 * `npm run audit -- --org [--member-role NAME] [--concurrency N] [--mode report|enforce] [--notify]`:
 * an organization run on one machine, the same three steps the organizationAudit state machine
 * runs, with a pool of `--concurrency` account audits. Credentials, region and endpoint come from
 * the SDK's default chain, as for the single-account command; settings from the same variables.
 */
import { parseArgs } from 'node:util';
import { createClients, signingAccessKeyId } from '../aws/clients.js';
import { ConfigError } from '../config/errors.js';
import { loadSettings, type Settings, validateSettings } from '../config/settings.js';
import { values } from '../config/values.js';
import { renderOrganizationText } from '../org/render-organization.js';
import { runOrganizationAudit } from '../org/run-organization.js';
import { organizationRunDeps } from '../runtime/organization-deps.js';

/** Where the command writes (the same shape as the single-account command's). */
interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The options of an organization run, as a command-line parser hands them over. */
export interface OrganizationCommandOptions {
  memberRole?: string;
  concurrency?: string | number;
  mode?: string;
  notify?: boolean;
}

export const ORGANIZATION_USAGE = `Usage: npm run audit -- --org [options]

  --member-role NAME     the role assumed in each member account (default: MEMBER_ROLE_NAME, KeyHygieneMemberRole)
  --concurrency N        accounts audited at once (default: ORGANIZATION_CONCURRENCY, 20)
  --mode report|enforce  report (default: the MODE setting) lists what enforce would do
  --notify               publish the organization report (and, with NOTIFY_ACCOUNTS, each account's)

Accounts come from Organizations ListAccounts (or the ACCOUNTS setting); the account the
credentials are in is audited with them, every other one through the member role.
`;

/** Options that cannot be run; the message names the flag. */
class OrganizationUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrganizationUsageError';
  }
}

/** The `--org` command line as options; throws naming the flag. */
export function organizationOptionsFromArgs(argv: readonly string[]): OrganizationCommandOptions | 'help' {
  let parsed: Record<string, string | boolean | undefined>;
  try {
    ({ values: parsed } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        org: { type: 'boolean' },
        'member-role': { type: 'string' },
        concurrency: { type: 'string' },
        mode: { type: 'string' },
        notify: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new OrganizationUsageError(`${(error as Error).message}. Run with --org --help for the options.`);
  }
  if (parsed.help) return 'help';
  return {
    memberRole: parsed['member-role'] as string | undefined,
    concurrency: parsed.concurrency as string | undefined,
    mode: parsed.mode as string | undefined,
    notify: parsed.notify === true,
  };
}

/** The settings with the flags applied, each checked by its setting's own schema. */
function withFlags(settings: Settings, options: OrganizationCommandOptions): Settings {
  const problems: string[] = [];
  const check = <T>(
    flag: string,
    schema: {
      safeParse(
        v: unknown,
      ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
    },
    value: unknown,
  ): T | undefined => {
    if (value === undefined) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(`${flag}: ${result.error.issues[0]?.message ?? 'invalid'}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const concurrency =
    typeof options.concurrency === 'string' && /^\d+$/.test(options.concurrency.trim())
      ? Number(options.concurrency)
      : options.concurrency;
  const next: Settings = {
    ...settings,
    mode: check('--mode', values.mode, options.mode) ?? settings.mode,
    memberRoleName: check('--member-role', values.roleName, options.memberRole) ?? settings.memberRoleName,
    organizationConcurrency:
      check('--concurrency', values.organizationConcurrency, concurrency) ?? settings.organizationConcurrency,
  };
  if (problems.length > 0) throw new OrganizationUsageError(`Invalid option ${problems.join('; ')}`);
  const issues = validateSettings(next);
  if (issues.length > 0) {
    throw new OrganizationUsageError(issues.map((i) => `${i.path}: ${i.issue.message}`).join('; '));
  }
  return next;
}

/**
 * Runs an organization audit; resolves to the exit code (0 done, 1 the run failed, 2 bad options
 * or settings). Prints the organization report as text, and a line per account as it finishes.
 */
export async function runOrganizationAuditCommand(
  options: OrganizationCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo,
): Promise<number> {
  let settings: Settings;
  try {
    settings = withFlags(loadSettings(env), options);
  } catch (error) {
    if (error instanceof OrganizationUsageError || error instanceof ConfigError) {
      io.stderr(`key-hygiene audit --org: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const configured = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const clientOptions = configured ? { region: configured } : {};
    const clients = createClients(clientOptions);
    const region = await clients.sns.config.region();
    const deps = organizationRunDeps(
      {
        ...clients,
        region,
        clock: () => new Date(),
        selfAccessKeyId: await signingAccessKeyId(clients.iam),
        logger: {
          info: () => {},
          warn: (message, extra) => io.stderr(`warning: ${message} ${JSON.stringify(extra)}\n`),
        },
      },
      { region },
    );
    const summary = await runOrganizationAudit(deps, settings, {
      notify: options.notify === true,
      onAccount: (outcome) =>
        io.stderr(`${outcome.accountId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}\n`),
    });
    io.stdout(renderOrganizationText(summary.report));
    if (summary.messageId) io.stderr(`Published to ${summary.topicArn} (message ${summary.messageId}).\n`);
    return 0;
  } catch (error) {
    io.stderr(
      `key-hygiene audit --org: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return 1;
  }
}

/** `--org` on the single-account command's line: parses the flags and runs. */
export async function runOrganizationArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo,
): Promise<number> {
  let options: OrganizationCommandOptions | 'help';
  try {
    options = organizationOptionsFromArgs(argv);
  } catch (error) {
    io.stderr(`key-hygiene audit --org: ${(error as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(ORGANIZATION_USAGE);
    return 0;
  }
  return runOrganizationAuditCommand(options, env, io);
}
