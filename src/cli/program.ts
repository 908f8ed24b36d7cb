/**
 * `key-hygiene`: the command line, on `commander`. Each subcommand's `--help` shows examples and
 * the exit codes. A new subcommand (`org`) or output format (`ocsf`) is one more `.command(...)`
 * here or one more entry in output.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import { type AuditFlags, type CommandIo, type Env, runAuditCommand } from './audit-command.js';
import { EXIT_CODES, EXIT_CODES_HELP, FAIL_ON_LEVELS } from './exit-codes.js';
import { type OrganizationCommandOptions, runOrganizationAuditCommand } from './organization-command.js';
import { ORGANIZATION_OUTPUT_FORMATS, OUTPUT_FORMATS, UNDO_OUTPUT_FORMATS } from './output.js';

/** The sandbox's own command line (it imports no product code, so it is handed in). */
export type SandboxRunner = (argv: readonly string[]) => Promise<number>;

const AWS_HELP = `AWS credentials and region come from the AWS SDK's own providers, as the AWS CLI reads them:
--profile (or AWS_PROFILE) picks a profile of ~/.aws/config and ~/.aws/credentials (or
AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE): static keys, SSO, credential_process, role chains.
Settings (thresholds, exemptions, REPORT_TOPIC_ARN, ...) come from the same environment variables
as the deployed function's (docs/settings.md).`;

const AUDIT_EXAMPLES = `Examples:
  key-hygiene audit --profile security-audit
  key-hygiene audit --profile prod --role-arn arn:aws:iam::123456789012:role/key-hygiene-audit --external-id acme
  key-hygiene audit --output html --out report.html
  key-hygiene audit --fail-on high --output json --out report.json      # a CI gate
  key-hygiene audit --users alice,bob --mode enforce                     # asks before changing keys
  key-hygiene audit --as-of 2027-01-01T00:00:00Z                         # what enforce would do then
  key-hygiene audit --endpoint-url http://127.0.0.1:4566 --region us-east-1   # the sandbox`;

/** `audit` options an organization run does not take (option key, flag). */
const SINGLE_ACCOUNT_FLAGS = [
  ['users', '--users'],
  ['asOf', '--as-of'],
  ['undo', '--undo'],
  ['trustTags', '--trust-tags'],
] as const;

const ORG_EXAMPLES = `Examples:
  key-hygiene org --profile security --notify                    # every ACTIVE account, one report
  key-hygiene org --member-role AuditRole --concurrency 5
  key-hygiene org --mode enforce --yes                             # enforce needs --yes: no prompt
  key-hygiene org --output html --out organization.html            # the chart of findings per account
  key-hygiene org --fail-on high --output csv --out findings.csv   # a CI gate; one row per finding
  key-hygiene audit --org                                          # the same as key-hygiene org
Accounts come from Organizations ListAccounts (or the ACCOUNTS setting); the account the
credentials are in is audited with them, every other one through the member role.`;

const UNDO_EXAMPLES = `Examples:
  key-hygiene undo 20261120T030000Z-1a2b3c --profile prod                 # asks before reactivating
  key-hygiene undo 20261120T030000Z-1a2b3c --yes --notify --output json   # a script: no prompt
  key-hygiene undo 20261120T030000Z-1a2b3c --trust-tags                   # no archived report to check
Undo never reactivates a key deactivated because it was exposed, nor a key of a user AWS
quarantined (an AWSCompromisedKeyQuarantine policy attached).`;

/** `--profile`, `--region`, `--role-arn`, `--external-id`, `--endpoint-url`. */
function withAwsOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS profile from the shared config and credentials files')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else the profile)')
    .option('--role-arn <arn>', 'assume this role first (with the profile or default credentials)')
    .option('--external-id <id>', 'the external id the role trust policy asks for (with --role-arn)')
    .option('--endpoint-url <url>', 'send every AWS call here (the sandbox: http://127.0.0.1:4566)');
}

/** `--member-role`, `--concurrency`: how an organization run reaches and paces its accounts. */
function withOrganizationOptions(command: Command): Command {
  return command
    .option(
      '--member-role <name>',
      'organization runs: the role assumed in each member account (MEMBER_ROLE_NAME)',
    )
    .option(
      '--concurrency <n>',
      'organization runs: accounts audited at once (ORGANIZATION_CONCURRENCY, 20)',
    );
}

/** `--output`, `--out`: the report's form and where it goes. */
function withOutputOptions(command: Command, formats: readonly string[]): Command {
  return command
    .addOption(new Option('--output <format>', 'report format').choices(formats).default('text'))
    .option('--out <file>', 'write the report to this file instead of stdout');
}

function withReportOptions(command: Command, formats: readonly string[]): Command {
  return withOutputOptions(command, formats)
    .option('--notify', 'also publish the report to the report topic')
    .option('-q, --quiet', 'no progress bar');
}

function failOnOption(): Option {
  return new Option('--fail-on <level>', 'exit 2 when a finding is at or above this severity')
    .choices(FAIL_ON_LEVELS)
    .default('none');
}

/**
 * The whole command line; `run` is set to the chosen command's exit code.
 *
 * @example
 * const program = buildProgram(process.env, io, { sandbox: runSandboxCli });
 */
export function buildProgram(
  env: Env,
  io: CommandIo,
  extra: { sandbox?: SandboxRunner } = {},
): { program: Command; exitCode: () => number } {
  let exitCode: number = EXIT_CODES.ok;
  const program = new Command('key-hygiene')
    .description('Audits the IAM access keys of an AWS account: unused, never used, overdue, doubled up.')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for the options and examples)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nRun key-hygiene <command> --help for examples.`);

  const audit = program
    .command('audit')
    .description('audit the account: report (default) or enforce')
    .option('--mode <mode>', 'report (lists what enforce would do) or enforce (default: the MODE setting)')
    .option('--users <names>', 'audit only these IAM users, comma-separated')
    .option('--as-of <iso>', 'evaluate as of this date-time, e.g. 2027-01-01T00:00:00Z (report mode)')
    .addOption(failOnOption())
    .option('-y, --yes', 'enforce without asking (needed when not on a terminal)')
    .option('--undo <runId>', 'the same as `key-hygiene undo <runId>`')
    .option('--trust-tags', 'with --undo: the same as `key-hygiene undo --trust-tags`')
    .option('--org', 'audit every account of the organization: the same as `key-hygiene org`');
  withOrganizationOptions(audit);
  withReportOptions(audit, OUTPUT_FORMATS);
  withAwsOptions(audit)
    .addHelpText('after', `\n${AUDIT_EXAMPLES}\n\n${EXIT_CODES_HELP}\n\n${AWS_HELP}`)
    .action(async (flags: AuditFlags & OrganizationCommandOptions & { org?: boolean }) => {
      if (!flags.org) {
        exitCode = await runAuditCommand(flags, env, io);
        return;
      }
      // An organization run has its own report: a flag of the single-account run would be ignored.
      const singleAccount = SINGLE_ACCOUNT_FLAGS.filter(([key]) => audit.getOptionValueSource(key) === 'cli');
      if (singleAccount.length > 0) {
        io.stderr(
          `key-hygiene audit --org: ${singleAccount.map(([, flag]) => flag).join(', ')} apply to one account's audit, not an organization run (key-hygiene org --help lists its options). Nothing was done.\n`,
        );
        exitCode = EXIT_CODES.error;
        return;
      }
      exitCode = await runOrganizationAuditCommand(flags, env, io);
    });

  const org = program
    .command('org')
    .description('audit every account of the organization: one report for the organization')
    .option('--mode <mode>', 'report (lists what enforce would do) or enforce (default: the MODE setting)')
    .option('-y, --yes', 'enforce (an organization run never asks, so enforce needs it)')
    .option('--notify', 'publish the organization report (and, with NOTIFY_ACCOUNTS, each account report)')
    .addOption(failOnOption());
  withOrganizationOptions(org);
  withOutputOptions(org, ORGANIZATION_OUTPUT_FORMATS);
  withAwsOptions(org)
    .addHelpText('after', `\n${ORG_EXAMPLES}\n\n${EXIT_CODES_HELP}\n\n${AWS_HELP}`)
    .action(async (flags: OrganizationCommandOptions) => {
      exitCode = await runOrganizationAuditCommand(flags, env, io);
    });

  const undo = program
    .command('undo')
    .description('reactivate the keys an enforce run deactivated (and untag them)')
    .argument('<runId>', 'the run to undo, e.g. 20261120T030000Z-1a2b3c')
    .option('-y, --yes', 'reactivate without asking (needed when not on a terminal)')
    .option(
      '--trust-tags',
      "reactivate on the user tags alone when the run's archived report cannot be read (anyone allowed to tag users can write one)",
    );
  withReportOptions(undo, UNDO_OUTPUT_FORMATS);
  withAwsOptions(undo)
    .addHelpText('after', `\n${UNDO_EXAMPLES}\n\n${EXIT_CODES_HELP}\n\n${AWS_HELP}`)
    .action(async (runId: string, flags: Omit<AuditFlags, 'undo' | 'failOn'>) => {
      exitCode = await runAuditCommand({ ...flags, undo: runId, failOn: 'none' }, env, io);
    });

  const { sandbox } = extra;
  if (sandbox) {
    program
      .command('sandbox')
      .description('run the local AWS stand-in (IAM, STS, SNS, S3) on 127.0.0.1')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[options...]', 'the sandbox options and examples: key-hygiene sandbox --help')
      .action(async (args: string[]) => {
        exitCode = await sandbox(args);
      });
  }
  return { program, exitCode: () => exitCode };
}

/**
 * Parses `argv` (without node and the script) and runs the command; resolves to the exit code.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), process.env, io);
 */
export async function runCli(
  argv: readonly string[],
  env: Env,
  io: CommandIo,
  extra: { sandbox?: SandboxRunner } = {},
): Promise<number> {
  const { program, exitCode } = buildProgram(env, io, extra);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode();
  } catch (error) {
    // Help and version end with code 0; a usage error has been printed with its help hint.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
    throw error;
  }
}
