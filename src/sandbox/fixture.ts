import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { AWS_MANAGED_POLICIES } from './aws-managed-policies.js';
import { parseFilterPolicy } from './filter-policy.js';

/** Strict ISO 8601 date-time with a zone (`Z` or `+hh:mm`), the form IAM itself writes. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const NOT_ISO = 'not an ISO 8601 date';

const isoDate = z
  .string()
  .refine((value) => ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)), NOT_ISO);

/** IAM user names: 1..64 of letters, digits and `+=,.@_-`. */
const userName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'not a valid IAM user name (1-64 of letters, digits and +=,.@_-)');

const iamPath = z
  .string()
  .regex(
    /^\/([\u0021-\u007E]{0,510}\/)?$/,
    'not a valid IAM path (starts and ends with "/", e.g. "/service/")',
  );

/** IAM role names: 1..64 of letters, digits and `+=,.@_-`. */
const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'not a valid IAM role name (1-64 of letters, digits and +=,.@_-)');

const accessKeyId = z
  .string()
  .regex(/^AKIA[A-Z0-9]{16}$/, 'not an access key ID (AKIA followed by 16 upper-case letters or digits)');

const lastUsed = z.strictObject({
  date: isoDate,
  service: z.string().min(1),
  region: z.string().min(1),
});

const accessKey = z.strictObject({
  id: accessKeyId,
  /** Optional: the secret the sandbox hands back nowhere, kept for symmetry with CreateAccessKey. */
  secret: z.string().min(1).optional(),
  status: z.enum(['Active', 'Inactive']),
  createDate: isoDate,
  lastUsed: lastUsed.nullable().default(null),
});

const rootAccessKey = z.strictObject({
  /** Optional, so a test can sign requests as the root user. */
  id: accessKeyId.optional(),
  active: z.boolean(),
  createDate: isoDate,
  lastUsedDate: isoDate.nullable().default(null),
  lastUsedService: z.string().min(1).optional(),
  lastUsedRegion: z.string().min(1).optional(),
});

const tags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((value) => Object.keys(value).length <= 50, 'more than 50 tags (IAM allows 50 per user)');

/** A policy document as IAM stores it: a JSON object with a Statement (stored as given). */
const policyDocument = z
  .record(z.string(), z.unknown())
  .refine((value) => 'Statement' in value, 'not a policy document (no "Statement")');

const policyName = z.string().regex(/^[\w+=,.@-]{1,128}$/, 'not a valid IAM policy name');

/** Inline policies by name. */
const inlinePolicies = z.record(policyName, policyDocument).default({});

/** Managed policies by name: the account's own (`policies`) first, else the AWS-managed one. */
const attachedPolicies = z
  .array(policyName)
  .max(20, 'more than 20 managed policies (IAM allows 20)')
  .default([]);

const user = z.strictObject({
  name: userName,
  path: iamPath.default('/'),
  createDate: isoDate,
  tags: tags.default({}),
  accessKeys: z.array(accessKey).max(2, 'more than 2 access keys (IAM allows 2 per user)').default([]),
  /** Names of groups of the account (`groups`). */
  groups: z.array(userName).default([]),
  attachedPolicies,
  inlinePolicies,
  /** The managed policy (by name) set as the user's permissions boundary. */
  permissionsBoundary: policyName.optional(),
});

const group = z.strictObject({
  name: userName,
  path: iamPath.default('/'),
  createDate: isoDate.optional(),
  attachedPolicies,
  inlinePolicies,
});

/** A customer-managed policy; `document` is its default (and only) version, v1. */
const customerPolicy = z.strictObject({
  name: policyName,
  path: iamPath.default('/'),
  description: z.string().max(1000).optional(),
  createDate: isoDate.optional(),
  document: policyDocument,
});

/** A CloudTrail management event, answered by LookupEvents (AccessKeyId, EventName, ... lookups). */
const cloudTrailEvent = z.strictObject({
  eventTime: isoDate,
  eventName: z.string().min(1),
  eventSource: z.string().regex(/^[\w.-]+\.amazonaws\.com$/, 'not an event source (e.g. "s3.amazonaws.com")'),
  accessKeyId: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'not an access key ID'),
  userName: userName.optional(),
  /**
   * The caller was a role session (an IAM Identity Center user signs in as
   * `AWSReservedSSO_<set>_<id>/<user name>`) rather than the IAM user `userName`.
   */
  assumedRole: z
    .strictObject({ roleName: z.string().min(1), sessionName: z.string().min(2).max(64) })
    .optional(),
  /** The record's `requestParameters` and `responseElements` (e.g. CreateAccessKey's new key). */
  requestParameters: z.record(z.string(), z.unknown()).nullable().default(null),
  responseElements: z.record(z.string(), z.unknown()).nullable().default(null),
  sourceIPAddress: z.string().min(1),
  awsRegion: z.string().min(1).default('us-east-1'),
  userAgent: z.string().default('aws-cli/2.15.0'),
  readOnly: z.boolean().default(false),
  resources: z.array(z.strictObject({ type: z.string().min(1), name: z.string().min(1) })).default([]),
});

/**
 * A key's history of management events, generated (seeded by the key id): `events` calls between
 * `from` and `to` (the last one at `to`), each from one of `sourceIPs` with one of `userAgents`,
 * making one of `calls` in one of `regions`. Compact enough to give a fixture realistic keys.
 */
const cloudTrailHistory = z.strictObject({
  accessKeyId: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'not an access key ID'),
  userName: userName.optional(),
  from: isoDate,
  to: isoDate,
  events: z.number().int().min(1).max(5000),
  sourceIPs: z.array(z.string().min(1)).min(1),
  userAgents: z.array(z.string()).min(1),
  calls: z
    .array(
      z.strictObject({
        eventSource: z
          .string()
          .regex(/^[\w.-]+\.amazonaws\.com$/, 'not an event source (e.g. "s3.amazonaws.com")'),
        eventName: z.string().min(1),
        readOnly: z.boolean().default(true),
      }),
    )
    .min(1),
  regions: z.array(z.string().min(1)).min(1).default(['us-east-1']),
});

const SNS_PROTOCOLS = ['email', 'email-json', 'sqs', 'lambda', 'http', 'https'] as const;

const topic = z.strictObject({
  name: z.string().regex(/^[\w-]{1,256}(\.fifo)?$/, 'not a valid SNS topic name'),
  region: z.string().min(1).default('us-east-1'),
  subscriptions: z
    .array(
      z.strictObject({
        protocol: z.enum(SNS_PROTOCOLS),
        endpoint: z.string().min(1),
        /** A filter policy on message attributes, e.g. `{ "team": ["payments"] }`. */
        filterPolicy: z
          .record(z.string(), z.array(z.unknown()))
          .superRefine((policy, ctx) => {
            try {
              parseFilterPolicy(JSON.stringify(policy));
            } catch (error) {
              ctx.addIssue({ code: 'custom', message: (error as Error).message });
            }
          })
          .optional(),
      }),
    )
    .default([]),
});

/** An SSM parameter (GetParameter); a SecureString is answered in plain text only WithDecryption. */
const parameter = z.strictObject({
  name: z.string().regex(/^\/?[\w.-]+(\/[\w.-]+)*$/, 'not a valid SSM parameter name'),
  type: z.enum(['String', 'StringList', 'SecureString']).default('String'),
  value: z.string().min(1).max(8192),
});

/** Secrets Manager's secret names: 1-512 of letters, digits and `/_+=.@-`. */
export const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

/** A Secrets Manager secret with one version (AWSCURRENT): a string, or bytes given in base64. */
const secret = z
  .strictObject({
    name: z.string().regex(SECRET_NAME, 'not a valid secret name (1-512 of letters, digits and /_+=.@-)'),
    region: z.string().min(1).default('us-east-1'),
    value: z.string().min(1).max(65536).optional(),
    binaryBase64: z.base64().min(1).optional(),
    description: z.string().max(2048).optional(),
    createdDate: isoDate.optional(),
  })
  .refine((s) => (s.value === undefined) !== (s.binaryBase64 === undefined), {
    message: 'give exactly one of value and binaryBase64',
    path: ['value'],
  });

/** An email address (`a@b.example`) or a domain (`b.example`): a verified SES identity. */
const sesIdentity = z
  .string()
  .regex(
    /^([^@\s<>]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i,
    'not an email address or domain (e.g. "notices@acme.example" or "acme.example")',
  );

/** Amazon SES in this account: its verified identities and configuration sets. */
const ses = z.strictObject({
  identities: z.array(sesIdentity).default([]),
  /** The account is still in the SES sandbox: recipients must be verified identities too. */
  sandbox: z.boolean().default(false),
  configurationSets: z.array(z.string().regex(/^[\w-]{1,64}$/, 'not a configuration set name')).default([]),
});

/**
 * S3's naming rules for general purpose buckets: 3-63 lower-case letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, no `..`, not shaped like an IP address.
 */
export const S3_BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const bucket = z.strictObject({
  name: z
    .string()
    .regex(
      S3_BUCKET_NAME,
      'not a valid S3 bucket name (3-63 of a-z, 0-9, "." and "-", starting and ending with a letter or digit)',
    ),
  region: z.string().min(1).default('us-east-1'),
});

/**
 * Organizations' `AccountState` values (the SDK's model); `Status`, retired on 2026-09-09, knew the
 * first three only.
 */
const ACCOUNT_STATES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'PENDING_ACTIVATION', 'CLOSED'] as const;
const RETIRED_STATUSES: readonly string[] = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'];

const account = z.strictObject({
  id: z.string().regex(/^\d{12}$/, 'not an AWS account ID (12 digits)'),
  alias: z.string().min(1).optional(),
  /** When the root user was created (the credential report's `<root_account>` row). */
  createDate: isoDate.optional(),
  rootAccessKeys: z.array(rootAccessKey).max(2, 'more than 2 root access keys (AWS allows 2)').default([]),
  users: z.array(user).default([]),
  topics: z.array(topic).default([]),
  parameters: z.array(parameter).default([]),
  /** Secrets Manager secrets (GetSecretValue); CreateSecret and PutSecretValue add to them. */
  secrets: z.array(secret).default([]),
  /** Amazon SES (API v2): verified identities; absent, no identity is verified. */
  ses: ses.optional(),
  /** S3 buckets that exist from the start (empty); the archive tests write into them. */
  buckets: z.array(bucket).default([]),
  groups: z.array(group).default([]),
  /** Customer-managed policies; users and groups attach them by name. */
  policies: z.array(customerPolicy).default([]),
  cloudTrailEvents: z.array(cloudTrailEvent).default([]),
  /** Generated histories, added to `cloudTrailEvents` (see `cloudTrailHistory`). */
  cloudTrailHistories: z.array(cloudTrailHistory).default([]),
  /**
   * The account's `State` in the organization (Organizations ListAccounts), one of the values of
   * the SDK's `AccountState`. Named `status` since fixtures written for the retired `Status` field
   * (ACTIVE, SUSPENDED) keep their meaning.
   */
  status: z.enum(ACCOUNT_STATES).default('ACTIVE'),
  /**
   * How ListAccounts words the state: `State` (AWS, the default), `Status` only (an older
   * implementation; `status` must then be one the retired field knew: ACTIVE, SUSPENDED or
   * PENDING_CLOSURE) or `neither` (a listing without a state), for testing clients against them.
   */
  listedAs: z.enum(['State', 'Status', 'neither']).default('State'),
  /**
   * A `State` value the SDK's model does not know yet (AWS adds states: CLOSED and
   * PENDING_ACTIVATION came with `State`), answered in place of `status`.
   */
  unknownState: z
    .string()
    .regex(/^[A-Z][A-Z_]{2,}$/, 'not an upper-case state name (e.g. ARCHIVED)')
    .refine((value) => !(ACCOUNT_STATES as readonly string[]).includes(value), 'a known state: use status')
    .optional(),
  /** When set, the only roles AssumeRole may assume in this account; absent, any role. */
  roles: z.array(roleName).optional(),
  /** The organizational unit the account is in (ListAccountsForParent); absent, the root. */
  organizationalUnitId: z
    .string()
    .regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'not an organizational unit id (ou-abcd-12345678)')
    .optional(),
});

/** Makes the fixture an organization whose management account may call Organizations. */
const organization = z.strictObject({
  managementAccountId: z.string().regex(/^\d{12}$/, 'not an AWS account ID (12 digits)'),
});

/**
 * A fault rule: requests of `operation` (with these parameter values, inside this window of the
 * sandbox clock) are answered `code` instead of served, after `after` of them pass, `times` times
 * (every later one when absent). Refusals (a lost permission), failures and races, one mechanism.
 */
export const faultRuleSchema = z
  .strictObject({
    operation: z
      .string()
      .regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, 'not service:Action (e.g. sns:Publish, iam:UntagUser)'),
    params: z.record(z.string(), z.string()).optional(),
    /**
     * `AccessDenied` (a refusal, worded as the service words it, which the SDK does not retry),
     * `ServiceFailure` (the service's 500) or `NoSuchEntity` (IAM only: the user deleted between
     * two calls, a race no fixture shows).
     */
    code: z.enum(['AccessDenied', 'ServiceFailure', 'NoSuchEntity']),
    after: z.number().int().min(0).default(0),
    times: z.number().int().min(1).optional(),
    from: z.union([isoDate, z.date()]).optional(),
    until: z.union([isoDate, z.date()]).optional(),
  })
  .refine((rule) => rule.code !== 'NoSuchEntity' || rule.operation.startsWith('iam:'), {
    message: 'NoSuchEntity is an IAM answer: use it with iam: operations only',
    path: ['code'],
  });

/** The zod schema of a sandbox fixture file. See `docs/sandbox.md` for every field. */
export const fixtureSchema = z.strictObject({
  now: isoDate.nullable().optional(),
  organization: organization.optional(),
  /** Fault rules in force from the start (and again after every reset). */
  faults: z.array(faultRuleSchema).default([]),
  accounts: z.array(account).min(1, 'at least one account is needed (the first is the default)'),
});

/** A validated fixture (defaults filled in). */
export type Fixture = z.output<typeof fixtureSchema>;
export type FixtureAccount = Fixture['accounts'][number];
export type FixtureUser = FixtureAccount['users'][number];
export type FixtureAccessKey = FixtureUser['accessKeys'][number];
export type FixtureInput = z.input<typeof fixtureSchema>;

/** One problem in a fixture, located by its path (`accounts[0].users[3].name`). */
export interface FixtureIssue {
  path: string;
  message: string;
}

/** A fixture that does not validate; the message lists every problem with its path. */
export class FixtureError extends Error {
  readonly issues: readonly FixtureIssue[];
  readonly source: string;

  constructor(source: string, issues: readonly FixtureIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`);
    super(`Invalid sandbox fixture ${source}; fix these fields:\n${lines.join('\n')}`);
    this.name = 'FixtureError';
    this.issues = issues;
    this.source = source;
  }
}

/** `['accounts', 0, 'users', 3, 'name']` -> `accounts[0].users[3].name` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

// Zod's default messages ("Invalid input: expected string, received undefined") do not say what
// to do; these do, and keep the field path separate so the error reads `path: problem`.
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined)
      return `missing; add ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
};

function toIssues(error: z.ZodError): FixtureIssue[] {
  const issues: FixtureIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // Name the unknown field itself, so a typo like `acessKeys` points at the right line.
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...issue.path, key]),
          message: 'unknown field; remove it or fix its name',
        });
      }
      continue;
    }
    issues.push({ path: formatPath(issue.path), message: issue.message });
  }
  return issues;
}

/** Rules that span fields: unique names and IDs, dates in a possible order. */
function crossFieldIssues(fixture: Fixture): FixtureIssue[] {
  const issues: FixtureIssue[] = [];
  const now = fixture.now ? Date.parse(fixture.now) : Number.POSITIVE_INFINITY;
  const accountIds = new Map<string, number>();
  const keyIds = new Map<string, string>();
  // Bucket names are global across accounts, as in S3.
  const bucketNames = new Map<string, string>();
  fixture.accounts.forEach((acct, a) => {
    const at = `accounts[${a}]`;
    const seen = accountIds.get(acct.id);
    if (seen !== undefined) issues.push({ path: `${at}.id`, message: `duplicate of accounts[${seen}].id` });
    else accountIds.set(acct.id, a);
    acct.rootAccessKeys.forEach((key, k) => {
      const kt = `${at}.rootAccessKeys[${k}]`;
      if (key.id !== undefined) {
        const other = keyIds.get(key.id);
        if (other) issues.push({ path: `${kt}.id`, message: `duplicate of ${other}` });
        else keyIds.set(key.id, `${kt}.id`);
      }
      if (key.lastUsedDate && Date.parse(key.lastUsedDate) < Date.parse(key.createDate)) {
        issues.push({ path: `${kt}.lastUsedDate`, message: 'before the key was created' });
      }
      if (Date.parse(key.createDate) > now) {
        issues.push({ path: `${kt}.createDate`, message: 'after the fixture "now"' });
      }
    });
    const names = new Map<string, number>();
    acct.users.forEach((u, i) => {
      const ut = `${at}.users[${i}]`;
      // IAM user names are unique regardless of case.
      const lower = u.name.toLowerCase();
      const dup = names.get(lower);
      if (dup !== undefined)
        issues.push({ path: `${ut}.name`, message: `duplicate of ${at}.users[${dup}].name` });
      else names.set(lower, i);
      if (Date.parse(u.createDate) > now)
        issues.push({ path: `${ut}.createDate`, message: 'after the fixture "now"' });
      u.accessKeys.forEach((key, k) => {
        const kt = `${ut}.accessKeys[${k}]`;
        const other = keyIds.get(key.id);
        if (other) issues.push({ path: `${kt}.id`, message: `duplicate of ${other}` });
        else keyIds.set(key.id, `${kt}.id`);
        const created = Date.parse(key.createDate);
        if (created < Date.parse(u.createDate)) {
          issues.push({ path: `${kt}.createDate`, message: "before the user's createDate" });
        }
        if (created > now) issues.push({ path: `${kt}.createDate`, message: 'after the fixture "now"' });
        if (key.lastUsed) {
          const used = Date.parse(key.lastUsed.date);
          if (used < created)
            issues.push({ path: `${kt}.lastUsed.date`, message: 'before the key was created' });
          if (used > now) issues.push({ path: `${kt}.lastUsed.date`, message: 'after the fixture "now"' });
        }
      });
    });
    const topicNames = new Set<string>();
    acct.topics.forEach((t, i) => {
      const id = `${t.region}/${t.name}`;
      if (topicNames.has(id))
        issues.push({ path: `${at}.topics[${i}].name`, message: 'duplicate topic in this region' });
      topicNames.add(id);
    });
    const secretNames = new Set<string>();
    acct.secrets.forEach((secret, i) => {
      const id = `${secret.region}/${secret.name}`;
      if (secretNames.has(id))
        issues.push({ path: `${at}.secrets[${i}].name`, message: 'duplicate secret in this region' });
      secretNames.add(id);
      if (secret.createdDate && Date.parse(secret.createdDate) > now)
        issues.push({ path: `${at}.secrets[${i}].createdDate`, message: 'after the fixture "now"' });
    });
    issues.push(...policyIssues(acct, at));
    if (acct.listedAs === 'Status' && (acct.unknownState || !RETIRED_STATUSES.includes(acct.status))) {
      issues.push({
        path: `${at}.status`,
        message: `listedAs Status answers the retired Status field, which knows only ${RETIRED_STATUSES.join(', ')}`,
      });
    }
    acct.buckets.forEach((b, i) => {
      const bt = `${at}.buckets[${i}].name`;
      const other = bucketNames.get(b.name);
      if (other) issues.push({ path: bt, message: `duplicate of ${other} (bucket names are global)` });
      else bucketNames.set(b.name, bt);
    });
  });
  const management = fixture.organization?.managementAccountId;
  if (management !== undefined && !accountIds.has(management)) {
    issues.push({
      path: 'organization.managementAccountId',
      message: `names no account of the fixture; add account ${management} to accounts`,
    });
  }
  return issues;
}

/** Names a user or group attaches that neither the account nor the shipped AWS-managed set has. */
function policyIssues(acct: FixtureAccount, at: string): FixtureIssue[] {
  const issues: FixtureIssue[] = [];
  const own = new Set(acct.policies.map((p) => p.name));
  const known = (name: string) => own.has(name) || AWS_MANAGED_POLICIES.has(name);
  const unknown = `neither a policy of this account ("policies") nor an AWS-managed policy the sandbox ships (${[...AWS_MANAGED_POLICIES.keys()].join(', ')})`;
  const groups = new Set(acct.groups.map((g) => g.name.toLowerCase()));
  acct.policies.forEach((p, i) => {
    if (acct.policies.findIndex((other) => other.name === p.name) !== i)
      issues.push({ path: `${at}.policies[${i}].name`, message: 'duplicate policy name' });
  });
  acct.groups.forEach((g, i) => {
    if (acct.groups.findIndex((other) => other.name.toLowerCase() === g.name.toLowerCase()) !== i)
      issues.push({ path: `${at}.groups[${i}].name`, message: 'duplicate group name' });
    g.attachedPolicies.forEach((name, k) => {
      if (!known(name)) issues.push({ path: `${at}.groups[${i}].attachedPolicies[${k}]`, message: unknown });
    });
  });
  acct.users.forEach((u, i) => {
    const ut = `${at}.users[${i}]`;
    u.attachedPolicies.forEach((name, k) => {
      if (!known(name)) issues.push({ path: `${ut}.attachedPolicies[${k}]`, message: unknown });
    });
    u.groups.forEach((name, k) => {
      if (!groups.has(name.toLowerCase()))
        issues.push({ path: `${ut}.groups[${k}]`, message: 'not a group of this account ("groups")' });
    });
    if (u.permissionsBoundary !== undefined && !known(u.permissionsBoundary))
      issues.push({ path: `${ut}.permissionsBoundary`, message: unknown });
  });
  return issues;
}

/**
 * Validates a parsed JSON value as a sandbox fixture.
 *
 * @param source names the fixture in error messages (a file path, or `fixture`).
 * @throws FixtureError naming every bad field by its path, e.g.
 *   `accounts[0].users[3].accessKeys[0].createDate: not an ISO 8601 date`.
 */
export function parseFixture(input: unknown, source = 'fixture'): Fixture {
  const result = fixtureSchema.safeParse(input, { error: errorMap });
  if (!result.success) throw new FixtureError(source, toIssues(result.error));
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw new FixtureError(source, issues);
  return result.data;
}

/** @throws FixtureError when the file is missing, is not JSON, or does not validate. */
export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError(path, [
      { path: '', message: `cannot read the file (${(error as Error).message})` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(path, [{ path: '', message: `not valid JSON (${(error as Error).message})` }]);
  }
  return parseFixture(json, path);
}
