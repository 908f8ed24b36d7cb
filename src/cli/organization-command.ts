/**
 * `key-hygiene org` (`key-hygiene audit --org`, `npm run audit -- --org [--member-role NAME]
 * [--concurrency N] [--mode report|enforce] [--notify] [--output FORMAT] [--out FILE] [--fail-on
 * LEVEL]`): an organization run on one machine, the same three steps the organizationAudit state
 * machine runs, with a pool of `--concurrency` account audits. Credentials come from the same AWS
 * flags as `audit` (profile, role, endpoint); settings from the same variables; the report formats
 * and exit codes are `audit`'s.
 */

import type { AuditOutcome } from '../audit.js';
import { ConfigError } from '../config/errors.js';
import { loadSettings, type Settings, validateSettings } from '../config/settings.js';
import { values } from '../config/values.js';
import { runOrganizationAudit } from '../org/run-organization.js';
import { organizationRunDeps } from '../runtime/organization-deps.js';
import { type AwsFlags, GLOBAL_REGION_NOTE, openAwsSession, regionalUse } from './aws-session.js';
import { organizationConsentRefusal } from './consent.js';
import { EXIT_CODES, type FailOn, organizationExitCodeOf } from './exit-codes.js';
import {
  emitReport,
  isOrganizationFormat,
  ORGANIZATION_OUTPUT_FORMATS,
  type OrganizationFormatName,
  renderOrganization,
} from './output.js';

/** Where the command writes (the same shape as the single-account command's). */
interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The options of an organization run, as a command-line parser hands them over. */
export interface OrganizationCommandOptions extends AwsFlags {
  memberRole?: string;
  concurrency?: string | number;
  mode?: string;
  notify?: boolean;
  /** Enforce without a prompt: an organization run never asks, so enforce needs it. */
  yes?: boolean;
  /** The report's format (default text); `audit --org` may hand over one only an account has. */
  output?: string;
  /** Write the report here instead of stdout. */
  out?: string;
  /** Exit 2 when a finding is at or above this severity (default none). */
  failOn?: FailOn;
}

/** Options that cannot be run; the message names the flag. */
class OrganizationUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrganizationUsageError';
  }
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

/** The report format asked for, when an organization report has it. */
function formatOf(options: OrganizationCommandOptions): OrganizationFormatName {
  const output = options.output ?? 'text';
  if (isOrganizationFormat(output)) return output;
  throw new OrganizationUsageError(
    `--output ${output}: an organization report comes as ${ORGANIZATION_OUTPUT_FORMATS.join(', ')}. Nothing was done.`,
  );
}

/**
 * Runs an organization audit; resolves to the exit code, as `audit` defines them (`EXIT_CODES`):
 * 1 bad options or settings, or the run failed; 2 a finding at or above `--fail-on`; 3 an account
 * not covered or not audited to the end. Writes the report (stdout or `--out`), and a line per
 * account on stderr as it finishes.
 */
export async function runOrganizationAuditCommand(
  options: OrganizationCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo,
): Promise<number> {
  let settings: Settings;
  let format: OrganizationFormatName;
  try {
    format = formatOf(options);
    settings = withFlags(loadSettings(env), options);
    const refusal = organizationConsentRefusal({ mode: settings.mode, yes: options.yes === true });
    if (refusal) throw new OrganizationUsageError(refusal);
  } catch (error) {
    if (error instanceof OrganizationUsageError || error instanceof ConfigError) {
      io.stderr(`key-hygiene audit --org: ${error.message}\n`);
      return EXIT_CODES.error;
    }
    throw error;
  }
  try {
    const { clients, evidenceTrail, region, globalDefault, selfAccessKeyId } = await openAwsSession(options, {
      regionalUse: regionalUse({ ...settings, notify: options.notify === true }),
    });
    if (globalDefault) io.stderr(`${GLOBAL_REGION_NOTE}\n`);
    const deps = organizationRunDeps(
      {
        ...clients,
        region,
        clock: () => new Date(),
        selfAccessKeyId,
        ...(settings.evidence === 'on' ? { evidenceTrail } : {}),
        logger: {
          info: () => {},
          warn: (message, extra) => io.stderr(`warning: ${message} ${JSON.stringify(extra)}\n`),
        },
      },
      // Organizations and the member roles are reached with the same credentials and endpoint.
      {
        region,
        credentials: clients.iam.config.credentials,
        ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      },
    );
    // Only the CSV has a row per finding: the other formats need no account's full report kept.
    const audits = new Map<string, AuditOutcome>();
    const summary = await runOrganizationAudit(deps, settings, {
      notify: options.notify === true,
      onAccount: (outcome) =>
        io.stderr(`${outcome.accountId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}\n`),
      ...(format === 'csv'
        ? { onAudit: (accountId: string, audit: AuditOutcome) => audits.set(accountId, audit) }
        : {}),
    });
    await emitReport(
      { output: format, out: options.out },
      io,
      renderOrganization(format, { report: summary.report, audits }),
    );
    if (summary.messageId) io.stderr(`Published to ${summary.topicArn} (message ${summary.messageId}).\n`);
    return organizationExitCodeOf(summary.report, options.failOn ?? 'none');
  } catch (error) {
    io.stderr(
      `key-hygiene audit --org: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return EXIT_CODES.error;
  }
}
