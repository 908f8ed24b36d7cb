/**
 * The auditor's settings: one zod schema for the `Settings` object (ranges and cross-field rules) and
 * one for the environment variables serverless.yml sets from its params. Nothing else in the project
 * reads `process.env`: a handler calls `loadSettings(process.env)` once per cold start.
 */
import { z } from 'zod';
import { RULE_IDS, type RuleId } from '../model.js';
import { type ConfigIssue, SettingsError } from './errors.js';
import { DEFAULTS, deriveWarnDays, issueSentence, PRESETS, values } from './values.js';
import type { ZodIssue } from './zod-issue.js';

export { SettingsError } from './errors.js';

/** What the auditor does, how strictly, and to whom. Built by `loadSettings`, never by hand. */
export interface Settings {
  /** `report` (default) never changes IAM; `enforce` deactivates keys the plan allows. */
  mode: 'report' | 'enforce';
  /** `cis` sets the unused-key threshold to 45 days (warning from 31); explicit thresholds win. */
  preset: 'default' | 'cis';
  rules: {
    unusedKey: { enabled: boolean; days: number; warnDays: number };
    neverUsedKey: { enabled: boolean; days: number };
    rotationOverdue: { enabled: boolean; days: number };
    twoActiveKeys: { enabled: boolean };
    rootAccessKey: { enabled: boolean };
    inactiveKeyCleanup: { enabled: boolean; days: number };
  };
  /** User names, globs (`*`, `?`) and IAM paths whose keys are never acted on. */
  exemptions: { userNames: string[]; userGlobs: string[]; paths: string[] };
  /** Above this many deactivations in one run, none is applied. */
  maxActionsPerRun: number;
  /** Optional extra cap: this percentage of the account's active keys, rounded down. */
  maxActionsPercent: number | null;
  /** Parallel IAM calls in the inventory. */
  concurrency: number;
  /** Stop starting new work when less than this many seconds of the Lambda's time are left. */
  timeBudgetMarginSeconds: number;
  /**
   * Where the inventory comes from: `auto` reads the credential report for whole-account audits and
   * the live API for named users; `live` always the live API; `credential-report` always the report.
   */
  inventorySource: 'auto' | 'live' | 'credential-report';
  /** A credential report older than this is regenerated (or used with a warning if IAM refuses). */
  credentialReportMaxAgeHours: number;
  /** How long to wait for a credential report to be COMPLETE before falling back to the live API. */
  credentialReportWaitSeconds: number;
  /** Evaluation time; null means now. */
  asOf: Date | null;
  /** The report topic; wins over `reportTopicName`. */
  reportTopicArn: string | null;
  /** The report topic's name; its ARN is built at run time from the region and account. */
  reportTopicName: string | null;
  /** What the SNS message's `https` member carries: the JSON report, or a Chatbot custom notification. */
  chatFormat: 'json' | 'chatbot';
  /** At most this many per-team messages per run (0: no per-team routing). */
  maxTeamMessages: number;
  /** The SSM SecureString parameter holding the Slack incoming-webhook URL (slackNotifier). */
  slackWebhookParameter: string | null;
  /** Archive every run's full report (JSON, CSV, HTML) in this S3 bucket; null: no archive. */
  reportBucket: string | null;
}

/** The per-rule blocks of `Settings.rules`, keyed as rules refer to them. */
export type RuleSettingsKey = keyof Settings['rules'];

/** Which block of `Settings.rules` belongs to which rule id. */
export const RULE_SETTINGS_KEYS = {
  'unused-key': 'unusedKey',
  'never-used-key': 'neverUsedKey',
  'rotation-overdue': 'rotationOverdue',
  'two-active-keys': 'twoActiveKeys',
  'root-access-key': 'rootAccessKey',
  'inactive-key-cleanup': 'inactiveKeyCleanup',
} as const satisfies Record<RuleId, RuleSettingsKey>;

/** The settings block of each rule; rules expose theirs as `settingsSchema`. */
export const ruleSettingsSchemas = {
  unusedKey: z.strictObject({
    enabled: values.enabled,
    days: values.unusedKeyDays,
    warnDays: values.unusedKeyWarnDays,
  }),
  neverUsedKey: z.strictObject({ enabled: values.enabled, days: values.neverUsedKeyDays }),
  rotationOverdue: z.strictObject({ enabled: values.enabled, days: values.rotationDays }),
  twoActiveKeys: z.strictObject({ enabled: values.enabled }),
  rootAccessKey: z.strictObject({ enabled: values.enabled }),
  inactiveKeyCleanup: z.strictObject({ enabled: values.enabled, days: values.cleanupDays }),
} as const;

/**
 * The single schema of a complete `Settings` object, with the cross-field rules. `loadSettings` and
 * `applyEventOverrides` both end here, so an override can never produce settings the environment
 * could not.
 *
 * @example
 * settingsSchema.safeParse({ ...settings, rules: { ...settings.rules, unusedKey: { enabled: true, days: 30, warnDays: 40 } } }).success; // false
 */
export const settingsSchema = z
  .strictObject({
    mode: values.mode,
    preset: values.preset,
    rules: z.strictObject(ruleSettingsSchemas),
    exemptions: z.strictObject({
      userNames: z.array(values.userNamePattern),
      userGlobs: z.array(values.userNamePattern),
      paths: z.array(values.iamPath),
    }),
    maxActionsPerRun: values.maxActionsPerRun,
    maxActionsPercent: values.maxActionsPercent.nullable(),
    concurrency: values.concurrency,
    timeBudgetMarginSeconds: values.timeBudgetMarginSeconds,
    inventorySource: values.inventorySource,
    credentialReportMaxAgeHours: values.credentialReportMaxAgeHours,
    credentialReportWaitSeconds: values.credentialReportWaitSeconds,
    asOf: values.asOfDate.nullable(),
    reportTopicArn: values.topicArn.nullable(),
    reportTopicName: values.topicName.nullable(),
    chatFormat: values.chatFormat,
    maxTeamMessages: values.maxTeamMessages,
    slackWebhookParameter: values.ssmParameterName.nullable(),
    reportBucket: values.bucketName.nullable(),
  })
  .superRefine((settings, ctx) => {
    const { days, warnDays } = settings.rules.unusedKey;
    if (warnDays >= days) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', 'unusedKey', 'warnDays'],
        input: warnDays,
        message: `expected fewer days than the unused-key threshold (${days}), got ${warnDays}`,
      });
    }
  });

// The interface above is what the rest of the project reads; this line keeps the schema honest.
const schemaMatchesInterface: z.ZodType<Settings, unknown> = settingsSchema;
void schemaMatchesInterface;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** Strings that only hold digits (with a sign) become numbers; anything else becomes NaN and fails. */
const integerText = (text: string): number => (/^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN);
const numberText = (text: string): number =>
  /^[+-]?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;

const envInt = <T extends z.ZodType<number, number>>(schema: T) =>
  z.string().transform(integerText).pipe(schema);
const envNumber = <T extends z.ZodType<number, number>>(schema: T) =>
  z.string().transform(numberText).pipe(schema);
const envText = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .transform((text) => text.trim())
    .pipe(schema);
const envList = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z.string().transform(list).pipe(z.array(schema));
const envBoolean = z
  .string()
  .transform((text) => text.trim().toLowerCase())
  .pipe(z.enum(['true', 'false'], { error: 'expected "true" or "false"' }))
  .transform((text) => text === 'true');

const ruleIdError = `expected rule ids separated by commas, out of ${RULE_IDS.join(', ')}`;

/** Each environment variable as serverless.yml sets it: a string, parsed to its setting's type. */
const envSchema = z
  .object({
    MODE: envText(values.mode).optional(),
    PRESET: envText(values.preset).optional(),
    UNUSED_KEY_DAYS: envInt(values.unusedKeyDays).optional(),
    UNUSED_KEY_WARN_DAYS: envInt(values.unusedKeyWarnDays).optional(),
    NEVER_USED_KEY_DAYS: envInt(values.neverUsedKeyDays).optional(),
    ROTATION_DAYS: envInt(values.rotationDays).optional(),
    RULES_DISABLED: envList(z.enum(RULE_IDS, { error: ruleIdError })).optional(),
    CLEANUP_ENABLED: envBoolean.optional(),
    CLEANUP_DAYS: envInt(values.cleanupDays).optional(),
    EXEMPT_USERS: envList(values.userNamePattern).optional(),
    EXEMPT_PATHS: envList(values.iamPath).optional(),
    MAX_ACTIONS_PER_RUN: envInt(values.maxActionsPerRun).optional(),
    MAX_ACTIONS_PERCENT: envNumber(values.maxActionsPercent).optional(),
    CONCURRENCY: envInt(values.concurrency).optional(),
    TIME_BUDGET_MARGIN_SECONDS: envInt(values.timeBudgetMarginSeconds).optional(),
    INVENTORY_SOURCE: envText(values.inventorySource).optional(),
    CREDENTIAL_REPORT_MAX_AGE_HOURS: envInt(values.credentialReportMaxAgeHours).optional(),
    CREDENTIAL_REPORT_WAIT_SECONDS: envInt(values.credentialReportWaitSeconds).optional(),
    AS_OF: envText(values.asOfString)
      .transform((text) => new Date(text))
      .optional(),
    REPORT_TOPIC_ARN: envText(values.topicArn).optional(),
    REPORT_TOPIC_NAME: envText(values.topicName).optional(),
    CHAT_FORMAT: envText(values.chatFormat).optional(),
    MAX_TEAM_MESSAGES: envInt(values.maxTeamMessages).optional(),
    SLACK_WEBHOOK_PARAMETER: envText(values.ssmParameterName).optional(),
    REPORT_BUCKET: envText(values.bucketName).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.CLEANUP_ENABLED === true && env.RULES_DISABLED?.includes('inactive-key-cleanup')) {
      ctx.addIssue({
        code: 'custom',
        path: ['RULES_DISABLED'],
        message: 'lists inactive-key-cleanup while CLEANUP_ENABLED is "true"; set only one of them',
      });
    }
  });

type EnvName = keyof z.input<typeof envSchema>;

/** One row of the README settings table. */
export interface SettingDoc {
  /** The Lambda environment variable. */
  env: string;
  /** The serverless param that sets it (`--param="unusedKeyDays=60"`). */
  param: string;
  /** Where it lands in `Settings`. */
  setting: string;
  /** The default, as a person would write it; empty when unset. */
  default: string;
  description: string;
}

// `satisfies` makes the compiler check that every variable the schema reads is documented.
const ENV_DOCS = {
  MODE: {
    param: 'mode',
    setting: 'mode',
    default: DEFAULTS.mode,
    description:
      '`report` lists findings and planned actions without changing IAM; `enforce` deactivates keys.',
  },
  PRESET: {
    param: 'preset',
    setting: 'preset',
    default: DEFAULTS.preset,
    description:
      '`cis` deactivates keys unused for 45 days (warning from day 31); explicit thresholds win over it.',
  },
  UNUSED_KEY_DAYS: {
    param: 'unusedKeyDays',
    setting: 'rules.unusedKey.days',
    default: `${PRESETS.default.unusedKeyDays} (cis: ${PRESETS.cis.unusedKeyDays})`,
    description:
      'Deactivate an active key not used (never used: not since creation) for this many days (2 to 3650).',
  },
  UNUSED_KEY_WARN_DAYS: {
    param: 'unusedKeyWarnDays',
    setting: 'rules.unusedKey.warnDays',
    default: `${PRESETS.default.unusedKeyWarnDays} (cis: ${PRESETS.cis.unusedKeyWarnDays}; UNUSED_KEY_DAYS - 14 when only that is set)`,
    description: 'Warn (low severity) from this many unused days; must be less than UNUSED_KEY_DAYS.',
  },
  NEVER_USED_KEY_DAYS: {
    param: 'neverUsedKeyDays',
    setting: 'rules.neverUsedKey.days',
    default: String(DEFAULTS.neverUsedKeyDays),
    description: 'Report an active key never used this many days after its creation (1 to 3650).',
  },
  ROTATION_DAYS: {
    param: 'rotationDays',
    setting: 'rules.rotationOverdue.days',
    default: String(DEFAULTS.rotationDays),
    description: 'Report an active key older than this many days as due for rotation (1 to 3650).',
  },
  RULES_DISABLED: {
    param: 'rulesDisabled',
    setting: 'rules.<rule>.enabled',
    default: '',
    description: `Comma list of rule ids to turn off: ${RULE_IDS.join(', ')}.`,
  },
  CLEANUP_ENABLED: {
    param: 'cleanupEnabled',
    setting: 'rules.inactiveKeyCleanup.enabled',
    default: String(DEFAULTS.cleanupEnabled),
    description:
      '`true` turns on inactive-key-cleanup: enforce mode deletes keys key-hygiene deactivated in an earlier run CLEANUP_DAYS ago and unused since; other old inactive keys are only reported.',
  },
  CLEANUP_DAYS: {
    param: 'cleanupDays',
    setting: 'rules.inactiveKeyCleanup.days',
    default: String(DEFAULTS.cleanupDays),
    description:
      'deleteAfterDays (1 to 3650): an inactive key is deleted (or, without our tag, reported) when its deactivation and last use are this many days old.',
  },
  EXEMPT_USERS: {
    param: 'exemptUsers',
    setting: 'exemptions.userNames, exemptions.userGlobs',
    default: '',
    description:
      'Comma list of user names never acted on; entries with `*` or `?` are globs (case-insensitive, like IAM names).',
  },
  EXEMPT_PATHS: {
    param: 'exemptPaths',
    setting: 'exemptions.paths',
    default: '',
    description: 'Comma list of IAM paths such as `/system/`; users at or under a path are exempt.',
  },
  MAX_ACTIONS_PER_RUN: {
    param: 'maxActionsPerRun',
    setting: 'maxActionsPerRun',
    default: String(DEFAULTS.maxActionsPerRun),
    description:
      'Blast-radius cap (1 to 1000): a run that would deactivate more keys deactivates none and raises a critical finding.',
  },
  MAX_ACTIONS_PERCENT: {
    param: 'maxActionsPercent',
    setting: 'maxActionsPercent',
    default: '',
    description:
      'Optional extra cap: this percentage (over 0, at most 100) of the audited active keys, rounded down.',
  },
  CONCURRENCY: {
    param: 'concurrency',
    setting: 'concurrency',
    default: String(DEFAULTS.concurrency),
    description: 'Parallel IAM calls while collecting the inventory (1 to 64).',
  },
  TIME_BUDGET_MARGIN_SECONDS: {
    param: 'timeBudgetMarginSeconds',
    setting: 'timeBudgetMarginSeconds',
    default: String(DEFAULTS.timeBudgetMarginSeconds),
    description:
      'Stop starting new work when less than this many seconds of the Lambda timeout are left (0 to 900).',
  },
  INVENTORY_SOURCE: {
    param: 'inventorySource',
    setting: 'inventorySource',
    default: DEFAULTS.inventorySource,
    description:
      '`auto` reads the credential report for whole-account audits and the live IAM API for `users: [...]` audits; `live` or `credential-report` forces one. The live API is the fallback when the report cannot be had.',
  },
  CREDENTIAL_REPORT_MAX_AGE_HOURS: {
    param: 'credentialReportMaxAgeHours',
    setting: 'credentialReportMaxAgeHours',
    default: String(DEFAULTS.credentialReportMaxAgeHours),
    description:
      'A credential report older than this many hours (1 to 168) is regenerated; if IAM refuses, it is used with a warning.',
  },
  CREDENTIAL_REPORT_WAIT_SECONDS: {
    param: 'credentialReportWaitSeconds',
    setting: 'credentialReportWaitSeconds',
    default: String(DEFAULTS.credentialReportWaitSeconds),
    description:
      'Wait at most this many seconds (1 to 600) for the credential report to be COMPLETE, then fall back to the live API.',
  },
  AS_OF: {
    param: 'asOf',
    setting: 'asOf',
    default: '',
    description: 'Evaluate as of this ISO 8601 date-time (e.g. `2027-01-01T00:00:00Z`) instead of now.',
  },
  REPORT_TOPIC_ARN: {
    param: 'reportTopicArn',
    setting: 'reportTopicArn',
    default: '',
    description: 'Publish the report to this SNS topic (e.g. a central one) instead of the stack topic.',
  },
  REPORT_TOPIC_NAME: {
    param: 'reportTopicName',
    setting: 'reportTopicName',
    default: '',
    description:
      "Name of the report topic (serverless.yml sets it to the stack's topic); its ARN is built at run time from the region and account.",
  },
  CHAT_FORMAT: {
    param: 'chatFormat',
    setting: 'chatFormat',
    default: DEFAULTS.chatFormat,
    description:
      'What HTTPS subscribers get: `json` (the report) or `chatbot` (an Amazon Q Developer in chat applications custom notification).',
  },
  MAX_TEAM_MESSAGES: {
    param: 'maxTeamMessages',
    setting: 'maxTeamMessages',
    default: String(DEFAULTS.maxTeamMessages),
    description:
      'Per-team routing: at most this many extra messages per run, one per `team` (else `owner`) tag value, most urgent first (0 to 500; 0 turns it off).',
  },
  SLACK_WEBHOOK_PARAMETER: {
    param: 'slackWebhookParameter',
    setting: 'slackWebhookParameter',
    default: '',
    description:
      'Name of the SSM SecureString parameter holding a Slack incoming-webhook URL; when set, the `slackNotifier` function posts each report to Slack.',
  },
  REPORT_BUCKET: {
    param: 'reportBucket',
    setting: 'reportBucket',
    default: '',
    description:
      'S3 bucket that serverless creates (encrypted, private, TLS only) and each run archives its full report to, as JSON, CSV and HTML under `reports/`; the messages link to them.',
  },
} as const satisfies Record<EnvName, Omit<SettingDoc, 'env'>>;

/**
 * Every environment variable the auditor reads, in README order: the settings table is generated
 * from this, and serverless.yml maps each `param` to its `env`.
 *
 * @example
 * SETTINGS_DOC.map((row) => `| ${row.env} | ${row.param} | ${row.default} | ${row.description} |`).join('\n');
 */
export const SETTINGS_DOC: readonly SettingDoc[] = Object.entries(ENV_DOCS).map(([env, doc]) => ({
  env,
  ...doc,
}));

const ENV_NAMES = Object.keys(ENV_DOCS) as EnvName[];

/** Settings path (`rules.unusedKey.days`) to the variable that sets it, for cross-field errors. */
const ENV_BY_SETTING: Readonly<Record<string, EnvName>> = Object.fromEntries(
  ENV_NAMES.map((env) => [ENV_DOCS[env].setting, env]),
);

function envIssue(issue: ZodIssue, env: Readonly<Record<string, string | undefined>>): ConfigIssue {
  const name = String(issue.path[0]);
  const doc = ENV_DOCS[name as EnvName];
  // A list entry is reported on its own (`got "bad name"`); a scalar with its raw text (`got "abc"`).
  const got = issue.path.length > 1 ? issue.input : env[name];
  return { name, setting: doc?.setting ?? null, message: issueSentence(issue, got) };
}

function settingsIssue(issue: ZodIssue, env: Readonly<Record<string, string | undefined>>): ConfigIssue {
  const setting = issue.path.join('.');
  const name = ENV_BY_SETTING[setting] ?? setting;
  return { name, setting, message: issueSentence(issue, env[name] ?? issue.input) };
}

type EnvValues = z.output<typeof envSchema>;

function buildSettings(env: EnvValues): Settings {
  const preset = env.PRESET ?? DEFAULTS.preset;
  const unusedKeyDays = env.UNUSED_KEY_DAYS ?? PRESETS[preset].unusedKeyDays;
  const unusedKeyWarnDays =
    env.UNUSED_KEY_WARN_DAYS ??
    (env.UNUSED_KEY_DAYS === undefined ? PRESETS[preset].unusedKeyWarnDays : deriveWarnDays(unusedKeyDays));
  const disabled = new Set<RuleId>(env.RULES_DISABLED ?? []);
  const enabled = (id: RuleId): boolean => !disabled.has(id);
  const exemptUsers = env.EXEMPT_USERS ?? [];
  const isGlob = (entry: string): boolean => /[*?]/.test(entry);
  return {
    mode: env.MODE ?? DEFAULTS.mode,
    preset,
    rules: {
      unusedKey: { enabled: enabled('unused-key'), days: unusedKeyDays, warnDays: unusedKeyWarnDays },
      neverUsedKey: {
        enabled: enabled('never-used-key'),
        days: env.NEVER_USED_KEY_DAYS ?? DEFAULTS.neverUsedKeyDays,
      },
      rotationOverdue: {
        enabled: enabled('rotation-overdue'),
        days: env.ROTATION_DAYS ?? DEFAULTS.rotationDays,
      },
      twoActiveKeys: { enabled: enabled('two-active-keys') },
      rootAccessKey: { enabled: enabled('root-access-key') },
      inactiveKeyCleanup: {
        enabled: (env.CLEANUP_ENABLED ?? DEFAULTS.cleanupEnabled) && enabled('inactive-key-cleanup'),
        days: env.CLEANUP_DAYS ?? DEFAULTS.cleanupDays,
      },
    },
    exemptions: {
      userNames: exemptUsers.filter((entry) => !isGlob(entry)),
      userGlobs: exemptUsers.filter(isGlob),
      paths: env.EXEMPT_PATHS ?? [],
    },
    maxActionsPerRun: env.MAX_ACTIONS_PER_RUN ?? DEFAULTS.maxActionsPerRun,
    maxActionsPercent: env.MAX_ACTIONS_PERCENT ?? null,
    concurrency: env.CONCURRENCY ?? DEFAULTS.concurrency,
    timeBudgetMarginSeconds: env.TIME_BUDGET_MARGIN_SECONDS ?? DEFAULTS.timeBudgetMarginSeconds,
    inventorySource: env.INVENTORY_SOURCE ?? DEFAULTS.inventorySource,
    credentialReportMaxAgeHours: env.CREDENTIAL_REPORT_MAX_AGE_HOURS ?? DEFAULTS.credentialReportMaxAgeHours,
    credentialReportWaitSeconds: env.CREDENTIAL_REPORT_WAIT_SECONDS ?? DEFAULTS.credentialReportWaitSeconds,
    asOf: env.AS_OF ?? null,
    reportTopicArn: env.REPORT_TOPIC_ARN ?? null,
    reportTopicName: env.REPORT_TOPIC_NAME ?? null,
    chatFormat: env.CHAT_FORMAT ?? DEFAULTS.chatFormat,
    maxTeamMessages: env.MAX_TEAM_MESSAGES ?? DEFAULTS.maxTeamMessages,
    slackWebhookParameter: env.SLACK_WEBHOOK_PARAMETER ?? null,
    reportBucket: env.REPORT_BUCKET ?? null,
  };
}

/**
 * Parses the settings from environment variables. An empty or blank value counts as unset, because
 * serverless params default to `''`. Throws a `SettingsError` naming every bad variable at once.
 *
 * @example
 * const settings = loadSettings({ MODE: 'enforce', PRESET: 'cis', EXEMPT_USERS: 'ci-*,backup' });
 * settings.rules.unusedKey.days; // 45
 * settings.exemptions.userGlobs; // ['ci-*']
 */
export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const present = Object.fromEntries(
    ENV_NAMES.flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value]];
    }),
  );
  const parsedEnv = envSchema.safeParse(present, { reportInput: true });
  if (!parsedEnv.success) {
    throw new SettingsError(parsedEnv.error.issues.map((issue) => envIssue(issue, env)));
  }
  const parsed = settingsSchema.safeParse(buildSettings(parsedEnv.data), { reportInput: true });
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((issue) => settingsIssue(issue, env)));
  }
  return parsed.data;
}

/**
 * Re-checks a complete `Settings` object (for example after an override) against the one schema.
 * Returns the problems, keyed by settings path; empty when the settings are valid.
 *
 * @example
 * validateSettings({ ...settings, maxActionsPerRun: 0 }); // [{ path: 'maxActionsPerRun', issue }]
 */
export function validateSettings(settings: Settings): { path: string; issue: ZodIssue }[] {
  const parsed = settingsSchema.safeParse(settings, { reportInput: true });
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), issue }));
}
