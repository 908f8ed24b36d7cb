/**
 * Every setting, once: its environment variable, the serverless param that sets it, where it lands
 * in `Settings`, its value schema, its default and one line for the docs. The `Settings` type and
 * schema, the environment parsing (settings.ts), the docs/settings.md table (below) and the bad-input tests
 * are derived from this table, and a test holds serverless.yml to it. Adding a setting is one entry
 * here and its line in serverless.yml (a rule threshold also goes in the rule's settings schema).
 */
import * as z from 'zod';
import { exposedKeySettingsSchema } from '../evaluate/exposed-key.js';
import { inactiveKeyCleanupSettingsSchema } from '../evaluate/inactive-key-cleanup.js';
import { OWNER_TAG_KEYS } from '../evaluate/tags.js';
import { RULE_IDS } from '../model.js';
import { PRESETS, values } from './values.js';

/** How a variable's text becomes a value before its schema checks it. */
export type SettingText = 'integer' | 'number' | 'boolean' | 'text' | 'list' | 'date';

/** A default that the preset decides (`PRESETS`), unless the variable is set. */
interface PresetDefault {
  preset: keyof (typeof PRESETS)['default'];
}

interface SettingFields {
  /** The Lambda environment variable. */
  env: string;
  /** The serverless param that sets it (`--param="unusedKeyDays=60"`). */
  param: string;
  /**
   * Where it lands in `Settings` (`rules.unusedKey.days`). RULES_DISABLED and EXEMPT_USERS fan out
   * to several fields; settings.ts places those two.
   */
  setting: string;
  /** The value's schema, with the sentence shown when a value is wrong. */
  value: z.ZodType;
  text: SettingText;
  /** One line for the settings table of docs/settings.md. */
  doc: string;
}

/** One setting. `defaultDoc` is the default as docs/settings.md shows it, where the value would not say it all. */
export type SettingEntry = SettingFields &
  (
    | {
        /** The value when the variable is unset or blank; null when the setting is then absent. */
        default: string | number | boolean | null | readonly never[] | readonly string[];
        defaultDoc?: string;
      }
    | { default: PresetDefault; defaultDoc: string }
  );

const ruleIdError = `expected rule ids separated by commas, out of ${RULE_IDS.join(', ')}`;

export const SETTINGS_TABLE = [
  {
    env: 'MODE',
    param: 'mode',
    setting: 'mode',
    value: values.mode,
    text: 'text',
    default: 'report',
    doc: '`report` lists findings and planned actions without changing IAM; `enforce` deactivates keys.',
  },
  {
    env: 'PRESET',
    param: 'preset',
    setting: 'preset',
    value: values.preset,
    text: 'text',
    default: 'default',
    doc: '`cis` deactivates keys unused for 45 days (warning from day 31); explicit thresholds win over it.',
  },
  {
    env: 'UNUSED_KEY_DAYS',
    param: 'unusedKeyDays',
    setting: 'rules.unusedKey.days',
    value: values.unusedKeyDays,
    text: 'integer',
    default: { preset: 'unusedKeyDays' },
    defaultDoc: `${PRESETS.default.unusedKeyDays} (cis: ${PRESETS.cis.unusedKeyDays})`,
    doc: 'Deactivate an active key not used (never used: not since creation) for this many days (2 to 3650).',
  },
  {
    env: 'UNUSED_KEY_WARN_DAYS',
    param: 'unusedKeyWarnDays',
    setting: 'rules.unusedKey.warnDays',
    value: values.unusedKeyWarnDays,
    text: 'integer',
    default: { preset: 'unusedKeyWarnDays' },
    defaultDoc: `${PRESETS.default.unusedKeyWarnDays} (cis: ${PRESETS.cis.unusedKeyWarnDays}; UNUSED_KEY_DAYS - 14 when only that is set)`,
    doc: 'Warn (low severity) from this many unused days; must be less than UNUSED_KEY_DAYS.',
  },
  {
    env: 'NEVER_USED_KEY_DAYS',
    param: 'neverUsedKeyDays',
    setting: 'rules.neverUsedKey.days',
    value: values.neverUsedKeyDays,
    text: 'integer',
    default: 7,
    doc: 'Report an active key never used this many days after its creation (1 to 3650).',
  },
  {
    env: 'ROTATION_DAYS',
    param: 'rotationDays',
    setting: 'rules.rotationOverdue.days',
    value: values.rotationDays,
    text: 'integer',
    default: 90,
    doc: 'Report an active key older than this many days as due for rotation (1 to 3650).',
  },
  {
    env: 'RULES_DISABLED',
    param: 'rulesDisabled',
    setting: 'rules.<rule>.enabled',
    value: z.array(z.enum(RULE_IDS, { error: ruleIdError })),
    text: 'list',
    default: [],
    doc: `Comma list of rule ids to turn off: ${RULE_IDS.join(', ')}.`,
  },
  {
    env: 'CLEANUP_ENABLED',
    param: 'cleanupEnabled',
    setting: 'rules.inactiveKeyCleanup.enabled',
    value: inactiveKeyCleanupSettingsSchema.shape.enabled,
    text: 'boolean',
    default: false,
    doc: '`true` turns on inactive-key-cleanup: enforce mode deletes keys key-hygiene deactivated in an earlier run CLEANUP_DAYS ago and unused since; other old inactive keys are only reported.',
  },
  {
    env: 'CLEANUP_DAYS',
    param: 'cleanupDays',
    setting: 'rules.inactiveKeyCleanup.days',
    value: inactiveKeyCleanupSettingsSchema.shape.days,
    text: 'integer',
    default: 30,
    doc: 'deleteAfterDays (1 to 3650): an inactive key is deleted (or, without our tag, reported) when its deactivation and last use are this many days old.',
  },
  {
    env: 'EXEMPT_USERS',
    param: 'exemptUsers',
    setting: 'exemptions.userNames, exemptions.userGlobs',
    value: z.array(values.userNamePattern),
    text: 'list',
    default: [],
    doc: 'Comma list of user names never acted on; entries with `*` or `?` are globs (case-insensitive, like IAM names).',
  },
  {
    env: 'EXEMPT_PATHS',
    param: 'exemptPaths',
    setting: 'exemptions.paths',
    value: z.array(values.iamPath),
    text: 'list',
    default: [],
    doc: 'Comma list of IAM paths such as `/system/`; users at or under a path are exempt.',
  },
  {
    env: 'MAX_ACTIONS_PER_RUN',
    param: 'maxActionsPerRun',
    setting: 'maxActionsPerRun',
    value: values.maxActionsPerRun,
    text: 'integer',
    default: 25,
    doc: 'Blast-radius cap (1 to 1000): a run that would deactivate more keys deactivates none and raises a critical finding.',
  },
  {
    env: 'MAX_ACTIONS_PERCENT',
    param: 'maxActionsPercent',
    setting: 'maxActionsPercent',
    value: values.maxActionsPercent,
    text: 'number',
    default: null,
    doc: 'Optional extra cap: this percentage (over 0, at most 100) of the audited active keys, rounded down.',
  },
  {
    env: 'CONCURRENCY',
    param: 'concurrency',
    setting: 'concurrency',
    value: values.concurrency,
    text: 'integer',
    default: 8,
    doc: 'Parallel IAM calls while collecting the inventory (1 to 64).',
  },
  {
    env: 'TIME_BUDGET_MARGIN_SECONDS',
    param: 'timeBudgetMarginSeconds',
    setting: 'timeBudgetMarginSeconds',
    value: values.timeBudgetMarginSeconds,
    text: 'integer',
    default: 60,
    doc: 'Stop starting new work when less than this many seconds of the Lambda timeout are left (1 to 900).',
  },
  {
    env: 'INVENTORY_SOURCE',
    param: 'inventorySource',
    setting: 'inventorySource',
    value: values.inventorySource,
    text: 'text',
    default: 'auto',
    doc: '`auto` reads the credential report for whole-account audits and the live IAM API for `users: [...]` audits; `live` or `credential-report` forces one. The live API is the fallback when the report cannot be had.',
  },
  {
    env: 'CREDENTIAL_REPORT_MAX_AGE_HOURS',
    param: 'credentialReportMaxAgeHours',
    setting: 'credentialReportMaxAgeHours',
    value: values.credentialReportMaxAgeHours,
    text: 'integer',
    default: 4,
    doc: 'A credential report older than this many hours (1 to 168) is regenerated; if IAM refuses, it is used with a warning.',
  },
  {
    env: 'CREDENTIAL_REPORT_WAIT_SECONDS',
    param: 'credentialReportWaitSeconds',
    setting: 'credentialReportWaitSeconds',
    value: values.credentialReportWaitSeconds,
    text: 'integer',
    default: 60,
    doc: 'Wait at most this many seconds (1 to 600) for the credential report to be COMPLETE, then fall back to the live API.',
  },
  {
    env: 'AS_OF',
    param: 'asOf',
    setting: 'asOf',
    value: values.asOfDate,
    text: 'date',
    default: null,
    doc: 'Evaluate as of this ISO 8601 date-time (e.g. `2027-01-01T00:00:00Z`) instead of now.',
  },
  {
    env: 'REPORT_TOPIC_ARN',
    param: 'reportTopicArn',
    setting: 'reportTopicArn',
    value: values.topicArn,
    text: 'text',
    default: null,
    doc: 'Publish the report to this SNS topic (e.g. a central one) instead of the stack topic.',
  },
  {
    env: 'REPORT_TOPIC_NAME',
    param: 'reportTopicName',
    setting: 'reportTopicName',
    value: values.topicName,
    text: 'text',
    default: null,
    defaultDoc: '`<service>-<stage>-reports` (serverless.yml)',
    doc: "Name of the stack's report topic; its ARN is built at run time from the region and account.",
  },
  {
    env: 'CHAT_FORMAT',
    param: 'chatFormat',
    setting: 'chatFormat',
    value: values.chatFormat,
    text: 'text',
    default: 'json',
    doc: 'What HTTPS subscribers get: `json` (the report) or `chatbot` (an Amazon Q Developer in chat applications custom notification).',
  },
  {
    env: 'MAX_TEAM_MESSAGES',
    param: 'maxTeamMessages',
    setting: 'maxTeamMessages',
    value: values.maxTeamMessages,
    text: 'integer',
    default: 50,
    doc: 'Per-team routing: at most this many extra messages per run, one per `team` (else `owner`) tag value, most urgent first (0 to 500; 0 turns it off).',
  },
  {
    env: 'SLACK_WEBHOOK_PARAMETER',
    param: 'slackWebhookParameter',
    setting: 'slackWebhookParameter',
    value: values.ssmParameterName,
    text: 'text',
    default: null,
    doc: 'Name of the SSM SecureString parameter holding a Slack incoming-webhook URL; when set, the `slackNotifier` function posts each report to Slack.',
  },
  // Owners (docs/owners.md): who answers for each key with a finding
  {
    env: 'OWNER_TAG_KEYS',
    param: 'ownerTagKeys',
    setting: 'ownerTagKeys',
    value: values.ownerTagKeys,
    text: 'list',
    default: OWNER_TAG_KEYS,
    defaultDoc: '`owner,email,contact`',
    doc: "User tags holding a key's owner (an email address), tried in order (at most 10); a value that is not an address is reported and the next source is tried.",
  },
  {
    env: 'TEAM_DIRECTORY',
    param: 'teamDirectory',
    setting: 'teamDirectory',
    value: values.teamDirectory,
    text: 'text',
    default: null,
    doc: 'The team directory (team -> emails, optional Slack webhook parameter), JSON in `ssm:/key-hygiene/owners/<name>` (a String parameter) or `s3://<reportBucket>/owners/<key>`; read once per run for keys whose user has no owner tag.',
  },
  {
    env: 'OWNER_TRAIL_PAGES',
    param: 'ownerTrailPages',
    setting: 'ownerTrailPages',
    value: values.ownerTrailPages,
    text: 'integer',
    default: 5,
    doc: 'CloudTrail pages (50 CreateAccessKey events each, 90 days back) read per run to find who created a key no tag or directory entry owns (0 to 20; 0 skips CloudTrail).',
  },
  // Notices (docs/owners.md): no deactivation without a notice sent to the key's owner
  {
    env: 'NOTICES',
    param: 'notices',
    setting: 'notices',
    value: values.notices,
    text: 'text',
    default: 'on',
    doc: '`on`: in enforce mode an unused key is deactivated only after its owner was sent a notice naming it and a deadline at least NOTICE_DAYS before (recorded under `notices/` of the report bucket); `off` acts on the first run past the threshold, as before notices existed.',
  },
  {
    env: 'NOTICE_DAYS',
    param: 'noticeDays',
    setting: 'noticeDays',
    value: values.noticeDays,
    text: 'integer',
    default: 7,
    doc: "Days between a key's notice and its deadline, the earliest day it may be deactivated (1 to 90); a final reminder goes the day before.",
  },
  {
    env: 'NOTICE_SENDER',
    param: 'noticeSender',
    setting: 'noticeSender',
    value: values.noticeSender,
    text: 'text',
    default: null,
    doc: "The verified SES identity (an email address) the owners' notices are sent from; unset, notices go to the report topic and the report says owners were not emailed.",
  },
  // The answer page (docs/owners.md, "Answering a notice")
  {
    env: 'ANSWER_SECRET',
    param: 'answerSecret',
    setting: 'answerSecret',
    value: values.secretName,
    text: 'text',
    default: null,
    defaultDoc: '`key-hygiene-<stage>-answer-link` (serverless.yml)',
    doc: "The Secrets Manager secret holding the HMAC key of the answer links; the stack generates it at deploy time. Required by the answerPage function; the audit functions read it too, to sign the notices' links.",
  },
  {
    env: 'ANSWER_PAGE_URL',
    param: 'answerPageUrl',
    setting: 'answerPageUrl',
    value: values.pageUrl,
    text: 'text',
    default: null,
    doc: "The answer page's address: the answerPage function URL (the stack's `AnswerPageLambdaFunctionUrl` output); notices link to it. Empty: notices carry no link.",
  },
  {
    env: 'SNOOZE_MAX_DAYS',
    param: 'snoozeMaxDays',
    setting: 'snoozeMaxDays',
    value: values.snoozeMaxDays,
    text: 'integer',
    default: 30,
    doc: 'The longest an owner may keep a key past its notice from the answer page, in days (1 to 365).',
  },
  {
    env: 'SNOOZE_LIMIT',
    param: 'snoozeLimit',
    setting: 'snoozeLimit',
    value: values.snoozeLimit,
    text: 'integer',
    default: 1,
    doc: 'How many times an owner may keep one key from the answer page (1 to 10); the security team raises it, or removes the `key-hygiene:snoozed` tag.',
  },
  {
    env: 'REPORT_BUCKET',
    param: 'reportBucket',
    setting: 'reportBucket',
    value: values.bucketName,
    text: 'text',
    default: null,
    doc: 'S3 bucket that serverless creates (encrypted, private, TLS only) and each run archives its full report to, as JSON, CSV and HTML under `reports/`; the messages link to them.',
  },
  // Organization runs (`npm run audit -- --org`, the organizationAudit state machine)
  {
    env: 'ACCOUNTS',
    param: 'accounts',
    setting: 'accounts',
    value: z.array(values.accountId),
    text: 'list',
    default: [],
    doc: 'Organization runs: audit exactly these account ids (comma list) instead of listing the organization; needs no Organizations access.',
  },
  {
    env: 'INCLUDE_ACCOUNTS',
    param: 'includeAccounts',
    setting: 'includeAccounts',
    value: z.array(values.accountId),
    text: 'list',
    default: [],
    doc: 'Organization runs: audit only these of the listed accounts (comma list of account ids).',
  },
  {
    env: 'EXCLUDE_ACCOUNTS',
    param: 'excludeAccounts',
    setting: 'excludeAccounts',
    value: z.array(values.accountId),
    text: 'list',
    default: [],
    doc: 'Organization runs: never audit these accounts (comma list of account ids).',
  },
  {
    env: 'ORGANIZATION_UNIT_IDS',
    param: 'organizationUnitIds',
    setting: 'organizationUnitIds',
    value: z.array(values.organizationUnitId),
    text: 'list',
    default: [],
    doc: 'Organization runs: audit only the accounts directly in these OUs (or roots); on deploy, the member role is rolled out to them as a service-managed StackSet.',
  },
  {
    env: 'ORGANIZATION_ROLE_ARN',
    param: 'organizationRoleArn',
    setting: 'organizationRoleArn',
    value: values.roleArn,
    text: 'text',
    default: null,
    doc: 'Organization runs: a role in the management (or delegated administrator) account to assume for ListAccounts; unset, the auditor calls Organizations with its own credentials.',
  },
  {
    env: 'MEMBER_ROLE_NAME',
    param: 'memberRoleName',
    setting: 'memberRoleName',
    value: values.roleName,
    text: 'text',
    default: 'KeyHygieneMemberRole',
    doc: "Organization runs: the role (deploy/member-role.yml) assumed in every account but the auditor's own.",
  },
  {
    env: 'ORGANIZATION_CONCURRENCY',
    param: 'organizationConcurrency',
    setting: 'organizationConcurrency',
    value: values.organizationConcurrency,
    text: 'integer',
    default: 20,
    doc: "Organization runs: accounts audited at once (1 to 1000; the Distributed Map's MaxConcurrency).",
  },
  {
    env: 'MAX_ACTIONS_PER_ORGANIZATION_RUN',
    param: 'maxActionsPerOrganizationRun',
    setting: 'maxActionsPerOrganizationRun',
    value: values.maxActionsPerOrganizationRun,
    text: 'integer',
    default: 100,
    doc: 'Organization cap (1 to 100000): once the accounts audited so far deactivated this many keys, the rest of the run only reports, and the organization report has a critical finding.',
  },
  {
    env: 'NOTIFY_ACCOUNTS',
    param: 'notifyAccounts',
    setting: 'notifyAccounts',
    value: z.boolean({ error: 'expected true or false' }),
    text: 'boolean',
    default: false,
    doc: "Organization runs: also publish each account's own report, with its `accountId` message attribute (owners subscribe with a filter policy).",
  },
  {
    env: 'SECURITY_HUB',
    param: 'securityHub',
    setting: 'securityHub',
    value: values.securityHub,
    text: 'text',
    default: 'off',
    doc: "`on` sends each run's findings to AWS Security Hub (ASFF, the account's default product) in the Lambda's region, updates them in place night after night and archives those no longer found; the role gets `securityhub:BatchImportFindings` and `GetFindings` only then.",
  },
  {
    env: 'PRIVILEGE_WEIGHTING',
    param: 'privilegeWeighting',
    setting: 'privilegeWeighting',
    value: values.privilegeWeighting,
    text: 'text',
    default: 'on',
    doc: "`on` raises a finding one severity level when its user is an administrator or can escalate its privileges, and lowers it one level when the user can do nothing; `off` keeps the rules' severities. Either way the report shows each user's privilege.",
  },
  {
    env: 'EVIDENCE',
    param: 'evidence',
    setting: 'evidence',
    value: values.evidence,
    text: 'text',
    default: 'off',
    doc: '`on` reads CloudTrail after apply for each key with a finding used within EVIDENCE_DAYS, and adds its usage summary and profile (pipeline, workload on AWS, workload elsewhere, person, unknown) to the JSON report; grants the role `cloudtrail:LookupEvents`. Not in organization member accounts yet.',
  },
  {
    env: 'EVIDENCE_DAYS',
    param: 'evidenceDays',
    setting: 'evidenceDays',
    value: values.evidenceDays,
    text: 'integer',
    default: 90,
    doc: "Days of CloudTrail history read for each key's usage evidence (1 to 90; LookupEvents keeps 90).",
  },
  {
    env: 'EVIDENCE_MAX_PAGES_PER_KEY',
    param: 'evidenceMaxPagesPerKey',
    setting: 'evidenceMaxPagesPerKey',
    value: values.evidenceMaxPagesPerKey,
    text: 'integer',
    default: 4,
    doc: 'CloudTrail lookups (pages of 50 events) at most per key, over its regions (1 to 40); a key with more events is summarised from its most recent ones and marked incomplete.',
  },
  {
    env: 'EVIDENCE_TIME_BUDGET_SECONDS',
    param: 'evidenceTimeBudgetSeconds',
    setting: 'evidenceTimeBudgetSeconds',
    value: values.evidenceTimeBudgetSeconds,
    text: 'integer',
    default: 120,
    doc: 'Seconds the usage evidence may take in a run (1 to 600); at 2 lookups a second per region, 120 s is about 240 pages. Keys not reached are marked incomplete.',
  },
  {
    env: 'EXPOSED_KEY_ACTION',
    param: 'exposedKeyAction',
    setting: 'rules.exposedKey.action',
    value: exposedKeySettingsSchema.shape.action,
    text: 'text',
    default: 'deactivate',
    doc: 'What the exposed-key responder (and an enforce run, for a key the responder recorded) does with a key AWS Health reports as exposed: `deactivate` it at once, or only `notify`.',
  },
] as const satisfies readonly SettingEntry[];

/** One row of the settings table (docs/settings.md): an entry of `SETTINGS_TABLE` in words. */
interface SettingDoc {
  env: string;
  param: string;
  setting: string;
  /** The default, as a person would write it; empty when unset. */
  default: string;
  description: string;
}

function defaultText(entry: SettingEntry): string {
  if (entry.defaultDoc !== undefined) return entry.defaultDoc;
  const value = entry.default;
  if (value === null || typeof value === 'object') return '';
  return String(value);
}

/** Every environment variable the auditor reads, in the order docs/settings.md lists them. */
export const SETTINGS_DOC: readonly SettingDoc[] = SETTINGS_TABLE.map((entry: SettingEntry) => ({
  env: entry.env,
  param: entry.param,
  setting: entry.setting,
  default: defaultText(entry),
  description: entry.doc,
}));

/**
 * The settings table of docs/settings.md (`npm run --silent settings-table`), generated from the same table the
 * parser reads, so the documentation cannot drift from the code (a test compares the two).
 */
export function renderSettingsTable(): string {
  const rows = SETTINGS_DOC.map(
    (row) =>
      `| \`${row.param}\` | \`${row.env}\` | ${row.default === '' ? '(none)' : row.default} | ${row.description} |`,
  );
  return ['| param | environment variable | default | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
