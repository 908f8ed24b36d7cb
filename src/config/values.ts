/**
 * The value schemas every setting is checked with. The environment variables, the `Settings` object
 * and the ad-hoc event's overrides all reuse these, so a range is written once and a threshold means
 * the same thing wherever it is set. A rule's thresholds come from the rule's own settings schema.
 */
import * as z from 'zod';
import { neverUsedKeySettingsSchema } from '../evaluate/never-used-key.js';
import { rotationOverdueSettingsSchema } from '../evaluate/rotation-overdue.js';
import { unusedKeySettingsSchema } from '../evaluate/unused-key.js';
import { DIRECTORY_LOCATION } from '../owners/directory-location.js';
import { EMAIL_ADDRESS } from '../owners/email-address.js';
import { intBetween } from '../setting-values.js';
import type { ZodIssue } from './zod-issue.js';

/** IAM began recording key use in April 2015 and launched in 2010; an earlier `asOf` is a typo. */
export const EARLIEST_AS_OF = new Date('2006-01-01T00:00:00Z');

/** Days between the unused-key warning and the deactivation when only the deactivation is set. */
export const WARN_WINDOW_DAYS = 14;

/** Thresholds each preset sets; explicit settings win over them. Only `unusedKey` differs today. */
export const PRESETS = {
  default: { unusedKeyDays: 90, unusedKeyWarnDays: 76 },
  cis: { unusedKeyDays: 45, unusedKeyWarnDays: 31 },
} as const;

/**
 * The warning day used when a deactivation threshold is set without one: two weeks earlier, and at
 * least day 1 so the window is never empty.
 *
 * @example
 * deriveWarnDays(60); // 46
 */
export function deriveWarnDays(unusedKeyDays: number): number {
  return Math.max(1, unusedKeyDays - WARN_WINDOW_DAYS);
}

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
// Commas separate the entries of EXEMPT_USERS, so a name pattern cannot contain one.
const USER_NAME_PATTERN = /^[\w+=.@*?-]{1,64}$/;
const IAM_PATH = /^\/[\u0021-\u007e]{0,510}$/;
const TOPIC_NAME = /^[\w-]{1,256}(\.fifo)?$/;
// S3's rules for general purpose bucket names: 3-63 of a-z, 0-9, `.` and `-`, a letter or digit at
// each end, no `..`, not shaped like an IP address.
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;
// An SSM parameter name: with or without a leading slash, at most 2048 characters (AWS's limit).
const SSM_PARAMETER_NAME = /^\/?[\w.-]+(\/[\w.-]+)*$/;

const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

// The answer page's address: https anywhere (a function URL), or http on the loopback (the demo
// serves the page locally); a host, an optional path, no credentials, query or fragment.
const PAGE_URL =
  /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?)(\/[\w./-]*)?$/i;

const userNameError = 'expected an IAM user name: 1 to 64 letters, digits or +=,.@_-';

const ACCOUNT_ID = /^\d{12}$/;
// Organizations ids: a root `r-` and 4-32 characters, an OU `ou-<root part>-<8-32 characters>`.
const ORGANIZATION_UNIT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/([\u0021-\u007e]*\/)?[\w+=,.@-]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Every value a setting or an event field can hold, with the sentence shown when it is wrong. */
export const values = {
  mode: z.enum(['report', 'enforce'], { error: 'expected "report" or "enforce"' }),
  preset: z.enum(['default', 'cis'], { error: 'expected "default" or "cis"' }),
  unusedKeyDays: unusedKeySettingsSchema.shape.days,
  unusedKeyWarnDays: unusedKeySettingsSchema.shape.warnDays,
  neverUsedKeyDays: neverUsedKeySettingsSchema.shape.days,
  rotationDays: rotationOverdueSettingsSchema.shape.days,
  maxActionsPerRun: intBetween(1, 1000),
  maxActionsPercent: z
    .number({ error: 'expected a percentage greater than 0 and at most 100' })
    .gt(0, { error: 'expected a percentage greater than 0 and at most 100' })
    .lte(100, { error: 'expected a percentage greater than 0 and at most 100' }),
  concurrency: intBetween(1, 64),
  evidence: z.enum(['off', 'on'], { error: 'expected "off" or "on"' }),
  evidenceDays: intBetween(1, 90),
  evidenceMaxPagesPerKey: intBetween(1, 40),
  evidenceTimeBudgetSeconds: intBetween(1, 600),
  // Not 0: with no margin the run never stops early, and Lambda ends it at its timeout with no report.
  timeBudgetMarginSeconds: intBetween(1, 900),
  securityHub: z.enum(['off', 'on'], { error: 'expected "off" or "on"' }),
  inventorySource: z.enum(['auto', 'live', 'credential-report'], {
    error: 'expected "auto", "live" or "credential-report"',
  }),
  credentialReportMaxAgeHours: intBetween(1, 168),
  credentialReportWaitSeconds: intBetween(1, 600),
  /** An ISO 8601 date-time with a zone (`Z` or `+02:00`), after 2006-01-01. Stays a string. */
  asOfString: z.iso
    .datetime({
      offset: true,
      error: 'expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z"',
    })
    // A malformed value already failed the format check; this one only judges real dates.
    .refine((value) => !(Date.parse(value) <= EARLIEST_AS_OF.getTime()), {
      error: (issue) => `expected a date-time after 2006-01-01, got ${describeValue(issue.input)}`,
    }),
  asOfDate: z
    .date({ error: 'expected a valid date' })
    .min(new Date(EARLIEST_AS_OF.getTime() + 1), { error: 'expected a date-time after 2006-01-01' }),
  userName: z.string({ error: userNameError }).regex(IAM_USER_NAME, { error: userNameError }),
  /** A user name or a glob (`*`, `?`) for EXEMPT_USERS. */
  userNamePattern: z
    .string()
    .regex(USER_NAME_PATTERN, { error: 'expected a user name or a glob: letters, digits, +=.@_- and * ?' })
    .refine((value) => !/^\*+$/.test(value), {
      error: 'a glob of only "*" would exempt every user; use MODE=report instead',
    }),
  /** An IAM path; a missing trailing slash is added so `/sys` cannot also match `/system/`. */
  iamPath: z
    .string()
    .startsWith('/', { error: 'expected an IAM path such as /system/' })
    .transform((value) => (value.endsWith('/') ? value : `${value}/`))
    .pipe(
      z
        .string()
        .regex(IAM_PATH, { error: 'expected an IAM path such as /system/' })
        .refine((value) => value !== '/', { error: 'the path "/" would exempt every user' }),
    ),
  topicArn: z
    .string()
    .regex(TOPIC_ARN, { error: 'expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)' }),
  topicName: z.string().regex(TOPIC_NAME, { error: 'expected an SNS topic name: letters, digits, - and _' }),
  chatFormat: z.enum(['json', 'chatbot'], { error: 'expected "json" or "chatbot"' }),
  privilegeWeighting: z.enum(['on', 'off'], { error: 'expected "on" or "off"' }),
  maxTeamMessages: intBetween(0, 500),
  ssmParameterName: z
    .string()
    .max(2048, { error: 'expected an SSM parameter name of at most 2048 characters' })
    .regex(SSM_PARAMETER_NAME, {
      error:
        'expected an SSM parameter name such as /key-hygiene/slack-webhook (letters, digits, _ . - and /)',
    }),
  accountId: z.string().regex(ACCOUNT_ID, { error: 'expected an AWS account id: 12 digits' }),
  organizationUnitId: z.string().regex(ORGANIZATION_UNIT_ID, {
    error: 'expected an organizational unit id (ou-abcd-12345678) or a root id (r-abcd)',
  }),
  roleArn: z.string().regex(ROLE_ARN, {
    error: 'expected an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)',
  }),
  roleName: z
    .string()
    .regex(ROLE_NAME, { error: 'expected an IAM role name: 1 to 64 letters, digits or +=,.@_-' }),
  organizationConcurrency: intBetween(1, 1000),
  maxActionsPerOrganizationRun: intBetween(1, 100_000),
  /** An IAM tag key: 1 to 128 characters, no `aws:` prefix. */
  ownerTagKeys: z
    .array(
      // IAM's tag key characters, 1 to 128 of them; `aws:` is AWS's own prefix.
      z.string().regex(/^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
        error:
          'expected an IAM tag key: 1 to 128 letters, digits, spaces or _.:/=+-@, not starting with aws:',
      }),
    )
    .max(10, { error: 'expected at most 10 tag keys' }),
  teamDirectory: z.string().regex(DIRECTORY_LOCATION, {
    error:
      'expected ssm:/key-hygiene/owners/<name> (an SSM String parameter) or s3://<reportBucket>/owners/<key> (the role may read only there)',
  }),
  ownerTrailPages: intBetween(0, 20),
  notices: z.enum(['on', 'off'], { error: 'expected "on" or "off"' }),
  noticeDays: intBetween(1, 90),
  noticeSender: z
    .string()
    .max(254, { error: 'expected one email address of at most 254 characters' })
    .regex(EMAIL_ADDRESS, {
      error:
        'expected one email address (name@example.com), a verified SES identity of this account and region',
    }),
  /** A Secrets Manager secret name: 1 to 512 of letters, digits and /_+=.@- (AWS's rule). */
  secretName: z.string().regex(SECRET_NAME, {
    error: 'expected a Secrets Manager secret name: 1 to 512 letters, digits or /_+=.@-',
  }),
  /** The answer page's address: https (a function URL), or http on the loopback for the demo. */
  pageUrl: z.string().regex(PAGE_URL, {
    error:
      'expected the https address of the answer page (its function URL), such as https://abc.lambda-url.us-east-1.on.aws/',
  }),
  snoozeMaxDays: intBetween(1, 365),
  snoozeLimit: intBetween(1, 10),
  bucketName: z.string().regex(BUCKET_NAME, {
    error:
      'expected an S3 bucket name: 3 to 63 of a-z, 0-9, "." and "-", starting and ending with a letter or digit',
  }),
} as const;

/**
 * Characters JSON.stringify leaves raw that would still mislead a reader of a log line or an error:
 * C1 controls (NEL breaks lines in some viewers), line and paragraph separators, zero-width and
 * bidi marks, embeddings, overrides and isolates (which reorder the text around them).
 */
const INVISIBLE_OR_REORDERING = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A short, log-safe description of a rejected value: strings quoted and escaped (so a control,
 * bidi or line-separator character shows as `\u0007` or `\u202e`, never raw), long ones cut at a
 * code point, arrays and objects summarised.
 *
 * @example
 * describeValue('enforse'); // '"enforse"'
 * describeValue(new Array(1001).fill('a')); // 'a list of 1001'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value).replace(
      INVISIBLE_OR_REORDERING,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    if (quoted.length <= 80) return quoted;
    // Cut between code points: half a surrogate pair would reach the logs as U+FFFD.
    const cut = /[\uD800-\uDBFF]/.test(quoted.charAt(75)) ? 75 : 76;
    return `${quoted.slice(0, cut)}..."`;
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The issue's own message, with `got <value>` appended when the issue carries its input. */
export function issueSentence(issue: ZodIssue, got: unknown = issue.input): string {
  if (issue.code === 'custom' || issue.code === 'unrecognized_keys') return issue.message;
  return got === undefined ? issue.message : `${issue.message}, got ${describeValue(got)}`;
}
