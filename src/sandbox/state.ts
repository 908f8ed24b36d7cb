import { SandboxClock } from './clock.js';
import type { Fixture, FixtureAccount, FixtureBucket, FixtureTopic, FixtureUser } from './fixture.js';
import { createRandom, type Random, randomId, randomSecret, stableId, stableUuid } from './random.js';
import { type SyntheticOptions, syntheticAccountParts } from './synthetic.js';

export interface LastUsedInfo {
  date: Date;
  service: string;
  region: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface SandboxAccessKey {
  id: string;
  /** Known for keys made by CreateAccessKey (and fixture keys that carry one). */
  secret: string | null;
  accountId: string;
  userName: string;
  status: AccessKeyStatus;
  createDate: Date;
  lastUsed: LastUsedInfo | null;
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();
const NO_KEYS: readonly SandboxAccessKey[] = Object.freeze([]);

/**
 * An IAM user. Built to be small, because a benchmark account holds 50,000 of them: the ARN and
 * user ID are derived on demand, and users without tags or keys share one empty map and list.
 */
export class SandboxUser {
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  readonly createDate: Date;
  /** At most two, oldest first. Replaced (never mutated) when keys are added or removed. */
  keys: readonly SandboxAccessKey[] = NO_KEYS;
  private tagMap: Map<string, string> | null = null;

  constructor(accountId: string, name: string, path: string, createDate: Date) {
    this.accountId = accountId;
    this.name = name;
    this.path = path;
    this.createDate = createDate;
  }

  /** `arn:aws:iam::<acct>:user<path><name>` */
  get arn(): string {
    return userArn(this.accountId, this.path, this.name);
  }

  /** A stable `AIDA...` ID derived from the account and name. */
  get userId(): string {
    return stableId('AIDA', this.accountId, this.name);
  }

  /** The user's tags in the order they were added; change them with `setTag` and `deleteTag`. */
  get tags(): ReadonlyMap<string, string> {
    return this.tagMap ?? NO_TAGS;
  }

  setTag(key: string, value: string): void {
    this.tagMap ??= new Map();
    this.tagMap.set(key, value);
  }

  deleteTag(key: string): void {
    this.tagMap?.delete(key);
  }
}

export interface SandboxRootKey {
  id: string | null;
  active: boolean;
  createDate: Date;
  lastUsed: LastUsedInfo | null;
}

export interface SandboxSubscription {
  arn: string;
  protocol: string;
  endpoint: string;
  pendingConfirmation: boolean;
  /** The subscription's filter policy on message attributes, as given (JSON text); null: none. */
  filterPolicy: string | null;
}

export interface SandboxTopic {
  arn: string;
  name: string;
  region: string;
  accountId: string;
  subscriptions: SandboxSubscription[];
}

/** An SSM parameter of an account. */
export interface SandboxParameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModified: Date;
}

/** One S3 object as PutObject stored it. */
export interface SandboxObject {
  key: string;
  body: Buffer;
  /** As sent; S3's default `binary/octet-stream` when the request had none. */
  contentType: string;
  /** Hex MD5 of the body, without quotes (single-part uploads). */
  etag: string;
  lastModified: Date;
  /** The encryption S3 applied: the requested one, else the bucket default (SSE-S3, `AES256`). */
  serverSideEncryption: string;
  /** The `x-amz-server-side-encryption` header exactly as the request carried it, or null. */
  sseRequested: string | null;
  sseKmsKeyId: string | null;
  /** The additional checksum the client sent (`x-amz-checksum-<algorithm>`), verified when supported. */
  checksum: { algorithm: string; value: string } | null;
  /** `x-amz-meta-*` headers, names lower-cased and without the prefix. */
  metadata: Record<string, string>;
}

/** An S3 bucket: global name, owning account, region and its objects by key. */
export interface SandboxBucket {
  name: string;
  accountId: string;
  region: string;
  createdAt: Date;
  objects: Map<string, SandboxObject>;
}

export interface CredentialReport {
  /** Sandbox-clock time of generation (the report's `GeneratedTime`). */
  generatedTime: Date;
  /** Real time (ms) from which the report is COMPLETE. */
  readyAt: number;
  /** Base64 of the CSV, built once per generation. */
  content: string;
}

export interface SandboxAccount {
  id: string;
  alias: string | null;
  /** The root user's creation time (the credential report's first row). */
  createDate: Date;
  rootKeys: SandboxRootKey[];
  /** By lower-cased name: IAM user names are unique regardless of case. */
  users: Map<string, SandboxUser>;
  /** Users in creation order; ListUsers pages through it by index. */
  userList: SandboxUser[];
  credentialReport: CredentialReport | null;
  /** SSM parameters by name (a leading `/` is part of the name, as in SSM). */
  parameters: Map<string, SandboxParameter>;
}

/** Temporary credentials issued by AssumeRole; requests signed with them act in `accountId`. */
export interface AssumedRoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  assumedRoleId: string;
  arn: string;
  expiration: Date;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** The protocols whose message body a published message is resolved for. */
export const SNS_BODY_PROTOCOLS = [
  'default',
  'email',
  'email-json',
  'sqs',
  'lambda',
  'http',
  'https',
] as const;
export type SnsBodyProtocol = (typeof SNS_BODY_PROTOCOLS)[number];

/** One SNS Publish as the sandbox recorded it (served by `GET /_sandbox/published`). */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  /** The account the publisher acted in. */
  accountId: string;
  subject: string | null;
  /** The `Message` parameter exactly as received. */
  message: string;
  messageStructure: 'json' | null;
  messageAttributes: Record<string, MessageAttributeValue>;
  /** Sandbox-clock time, ISO 8601. */
  timestamp: string;
  /** The message text each protocol's subscribers get (per-protocol key of a JSON structure, else `default`). */
  bodies: Record<SnsBodyProtocol, string>;
  /**
   * The full payload each protocol delivers: `email` is the plain-text body, `email-json`, `sqs`,
   * `http` and `https` the SNS notification JSON, `lambda` the Lambda event JSON.
   */
  deliveries: Record<Exclude<SnsBodyProtocol, 'default'>, string>;
  /**
   * The topic's subscriptions at publish time, with each one's filter policy and whether the
   * message passed it (`delivered`).
   */
  subscriptions: {
    protocol: string;
    endpoint: string;
    subscriptionArn: string;
    filterPolicy: string | null;
    delivered: boolean;
  }[];
}

export interface ActionStats {
  /** Every request, throttled and failed ones included. */
  total: number;
  /** Answered `Throttling` by the injected throttle. */
  throttled: number;
  /** Answered `ServiceFailure` by the injected failure rate. */
  failed: number;
  /** Answered with any other AWS error (NoSuchEntity, ValidationError, InvalidAction, ...). */
  errors: number;
}

/** One service's counts, in total and by action. */
export interface ServiceStats extends ActionStats {
  actions: Record<string, ActionStats>;
}

/** Call counts (served by `GET /_sandbox/calls`): overall, then by service, then by action. */
export interface CallStats extends ActionStats {
  services: Record<string, ServiceStats>;
}

export type CallOutcome = 'ok' | 'throttled' | 'failed' | 'error';

/**
 * Test aids for the credential report, for cases the sandbox cannot produce on its own: a report
 * whose CSV is given verbatim (quoted fields, extra columns, no root row, garbage), a generation
 * stuck in INPROGRESS, and a caller not allowed to generate. `reset()` clears them.
 */
export interface CredentialReportAid {
  /** Served by GetCredentialReport instead of the CSV built from the account. */
  csv: string | null;
  /** Generation never completes: GenerateCredentialReport says INPROGRESS, GetCredentialReport ReportInProgress. */
  stuck: boolean;
  /** GenerateCredentialReport answers AccessDenied, as for a role without that permission. */
  refuseGeneration: boolean;
}

/** Where the state comes from; `reset()` rebuilds it from the same source. */
export interface StateSource {
  fixture: Fixture | null;
  synthetic: SyntheticOptions | null;
  /** Seeds generated IDs (CreateAccessKey, AssumeRole) so runs are reproducible. */
  seed: string;
  /** Overrides the fixture's `now`; `null` follows real time. */
  now?: Date | string | null;
  /** Real milliseconds between GenerateCredentialReport starting and the report being COMPLETE. */
  credentialReportDelayMs: number;
}

/** The clock that a synthetic-only sandbox pins, so a seed always gives the same ages. */
export const SYNTHETIC_DEFAULT_NOW = '2026-11-20T00:00:00Z';

const EMPTY_STATS = (): ActionStats => ({ total: 0, throttled: 0, failed: 0, errors: 0 });

/** `arn:aws:iam::<acct>:user<path><name>`, e.g. `arn:aws:iam::111111111111:user/service/ci-deployer`. */
export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}

/**
 * The sandbox's in-memory world: accounts, users, keys, tags, topics, sessions, published messages,
 * call counts and the clock. Handlers mutate it; tests read it directly or through `/_sandbox/*`.
 */
export class SandboxState {
  readonly clock: SandboxClock;
  readonly source: StateSource;
  accounts = new Map<string, SandboxAccount>();
  /** The first fixture account (or the synthetic one); unknown keys act in it. */
  defaultAccountId = '';
  /** Every user access key by ID, across accounts. */
  readonly keys = new Map<string, SandboxAccessKey>();
  /** Root keys that carry an ID, so requests can be signed as root. */
  readonly rootKeys = new Map<string, { accountId: string; key: SandboxRootKey }>();
  readonly sessions = new Map<string, AssumedRoleSession>();
  /** By ARN. */
  readonly topics = new Map<string, SandboxTopic>();
  /** S3 buckets by (global) name. */
  readonly buckets = new Map<string, SandboxBucket>();
  readonly published: PublishedMessage[] = [];
  private callStats = new Map<string, Map<string, ActionStats>>();
  /** Credential report test aids (see {@link CredentialReportAid}); every account uses them. */
  credentialReportAid: CredentialReportAid = { csv: null, stuck: false, refuseGeneration: false };
  /**
   * Test aid: actions (`iam:GetAccountAuthorizationDetails`) of the query services (IAM, STS, SNS)
   * answered `AccessDenied`, as for a caller whose role or an SCP denies them. `reset()` clears it.
   */
  readonly deniedActions = new Set<string>();
  /** Seeded source of generated IDs. */
  rng: Random;

  constructor(source: StateSource) {
    this.source = source;
    this.clock = new SandboxClock(null);
    this.rng = createRandom(`${source.seed}/ids`);
    this.reset();
  }

  /** Back to the fixture (and synthetic account): users, keys, topics, clock, counters, messages. */
  reset(): void {
    const { fixture, synthetic } = this.source;
    this.accounts = new Map();
    this.keys.clear();
    this.rootKeys.clear();
    this.sessions.clear();
    this.topics.clear();
    this.buckets.clear();
    this.published.length = 0;
    this.callStats = new Map();
    this.credentialReportAid = { csv: null, stuck: false, refuseGeneration: false };
    this.deniedActions.clear();
    this.rng = createRandom(`${this.source.seed}/ids`);
    let now: Date | string | null = this.source.now !== undefined ? this.source.now : (fixture?.now ?? null);
    if (now === null && synthetic && this.source.now === undefined) now = SYNTHETIC_DEFAULT_NOW;
    this.clock.set(now);
    for (const account of fixture?.accounts ?? []) this.addAccount(account);
    if (synthetic) {
      const { account, users } = syntheticAccountParts(synthetic, this.clock.now());
      this.addAccount({ ...account, users });
    }
    const first = this.accounts.keys().next();
    if (first.done) throw new Error('The sandbox needs a fixture or a synthetic account; give one of them');
    this.defaultAccountId = first.value;
  }

  private addAccount(
    source: Omit<FixtureAccount, 'users' | 'parameters'> & {
      users: Iterable<FixtureUser>;
      parameters?: FixtureAccount['parameters'];
    },
  ): void {
    if (this.accounts.has(source.id)) {
      throw new Error(
        `Account ${source.id} appears twice (fixture and synthetic?); give the synthetic account another id`,
      );
    }
    const account: SandboxAccount = {
      id: source.id,
      alias: source.alias ?? null,
      createDate: new Date(0),
      rootKeys: [],
      users: new Map(),
      userList: [],
      credentialReport: null,
      parameters: new Map(),
    };
    // Without a root creation date, the earliest date in the account stands in for it.
    let earliest = Number.POSITIVE_INFINITY;
    this.accounts.set(account.id, account);
    for (const key of source.rootAccessKeys) {
      const rootKey: SandboxRootKey = {
        id: key.id ?? null,
        active: key.active,
        createDate: new Date(key.createDate),
        lastUsed: key.lastUsedDate
          ? {
              date: new Date(key.lastUsedDate),
              service: key.lastUsedService ?? 'iam',
              region: key.lastUsedRegion ?? 'N/A',
            }
          : null,
      };
      account.rootKeys.push(rootKey);
      earliest = Math.min(earliest, rootKey.createDate.getTime());
      if (rootKey.id) this.rootKeys.set(rootKey.id, { accountId: account.id, key: rootKey });
    }
    for (const u of source.users) {
      const user = this.addUser(account, u.name, u.path, new Date(u.createDate));
      earliest = Math.min(earliest, user.createDate.getTime());
      for (const [key, value] of Object.entries(u.tags)) user.setTag(key, value);
      for (const k of u.accessKeys) {
        this.addKey(account, user, {
          id: k.id,
          secret: k.secret ?? null,
          status: k.status,
          createDate: new Date(k.createDate),
          lastUsed: k.lastUsed
            ? { date: new Date(k.lastUsed.date), service: k.lastUsed.service, region: k.lastUsed.region }
            : null,
        });
      }
    }
    for (const topic of source.topics) this.addTopic(account.id, topic);
    for (const p of source.parameters ?? []) this.putParameter(account, p);
    for (const bucket of source.buckets) this.addBucket(account.id, bucket);
    account.createDate = source.createDate
      ? new Date(source.createDate)
      : new Date(Number.isFinite(earliest) ? earliest : this.clock.now().getTime());
  }

  /** Adds a user (CreateUser and fixture loading). The caller checks that the name is free. */
  addUser(account: SandboxAccount, name: string, path: string, createDate: Date): SandboxUser {
    const user = new SandboxUser(account.id, name, path, createDate);
    account.users.set(name.toLowerCase(), user);
    account.userList.push(user);
    return user;
  }

  /** Adds an access key to a user, keeping the user's keys oldest first. */
  addKey(
    account: SandboxAccount,
    user: SandboxUser,
    key: Omit<SandboxAccessKey, 'accountId' | 'userName'>,
  ): SandboxAccessKey {
    const full: SandboxAccessKey = {
      id: key.id,
      secret: key.secret,
      accountId: account.id,
      userName: user.name,
      status: key.status,
      createDate: key.createDate,
      lastUsed: key.lastUsed,
    };
    user.keys = [...user.keys, full].sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
    this.keys.set(full.id, full);
    return full;
  }

  /** Removes an access key from its user and from the key index. */
  deleteKey(user: SandboxUser, key: SandboxAccessKey): void {
    user.keys = user.keys.filter((k) => k !== key);
    this.keys.delete(key.id);
  }

  /** A fresh `AKIA`/`ASIA` ID that no key or session uses yet. */
  newKeyId(prefix: 'AKIA' | 'ASIA'): string {
    for (;;) {
      const id = randomId(this.rng, prefix);
      if (!this.keys.has(id) && !this.sessions.has(id) && !this.rootKeys.has(id)) return id;
    }
  }

  newSecret(): string {
    return randomSecret(this.rng);
  }

  /** Creates a topic, or returns the existing one of that name (CreateTopic is idempotent). */
  addTopic(
    accountId: string,
    topic: Pick<FixtureTopic, 'name' | 'region'> & Partial<FixtureTopic>,
  ): SandboxTopic {
    const arn = `arn:aws:sns:${topic.region}:${accountId}:${topic.name}`;
    const existing = this.topics.get(arn);
    if (existing) return existing;
    const created: SandboxTopic = {
      arn,
      name: topic.name,
      region: topic.region,
      accountId,
      subscriptions: [],
    };
    this.topics.set(arn, created);
    for (const sub of topic.subscriptions ?? []) {
      created.subscriptions.push({
        arn: `${arn}:${stableUuid(arn, sub.protocol, sub.endpoint)}`,
        protocol: sub.protocol,
        endpoint: sub.endpoint,
        pendingConfirmation: false,
        filterPolicy: sub.filterPolicy === undefined ? null : JSON.stringify(sub.filterPolicy),
      });
    }
    return created;
  }

  /** Creates or overwrites an SSM parameter (the fixture, and the `/_sandbox/parameters` test aid). */
  putParameter(
    account: SandboxAccount,
    parameter: { name: string; type: SandboxParameter['type']; value: string },
  ): SandboxParameter {
    const previous = account.parameters.get(parameter.name);
    const stored: SandboxParameter = {
      ...parameter,
      version: (previous?.version ?? 0) + 1,
      lastModified: this.clock.now(),
    };
    account.parameters.set(parameter.name, stored);
    return stored;
  }

  /**
   * Creates an empty bucket, or returns the existing one when the same account already owns it.
   *
   * @throws Error when another account owns the name (bucket names are global).
   */
  addBucket(accountId: string, bucket: Pick<FixtureBucket, 'name'> & Partial<FixtureBucket>): SandboxBucket {
    const existing = this.buckets.get(bucket.name);
    if (existing) {
      if (existing.accountId !== accountId) {
        throw new Error(`Bucket ${bucket.name} already belongs to account ${existing.accountId}`);
      }
      return existing;
    }
    const created: SandboxBucket = {
      name: bucket.name,
      accountId,
      region: bucket.region ?? 'us-east-1',
      createdAt: this.clock.now(),
      objects: new Map(),
    };
    this.buckets.set(created.name, created);
    return created;
  }

  /** The account with that ID, or undefined. */
  account(id: string): SandboxAccount | undefined {
    return this.accounts.get(id);
  }

  /** The default account (the first of the fixture). */
  get defaultAccount(): SandboxAccount {
    const account = this.accounts.get(this.defaultAccountId);
    if (!account) throw new Error('The sandbox state has no default account');
    return account;
  }

  /** A user by name (any case), or undefined. */
  findUser(accountId: string, name: string): SandboxUser | undefined {
    return this.accounts.get(accountId)?.users.get(name.toLowerCase());
  }

  /** An access key by ID, in any account, or undefined. */
  findKey(id: string): SandboxAccessKey | undefined {
    return this.keys.get(id);
  }

  /** Counts one AWS request and how it ended. */
  recordCall(service: string, action: string, outcome: CallOutcome): void {
    let byAction = this.callStats.get(service);
    if (!byAction) {
      byAction = new Map();
      this.callStats.set(service, byAction);
    }
    let stats = byAction.get(action);
    if (!stats) {
      stats = EMPTY_STATS();
      byAction.set(action, stats);
    }
    stats.total++;
    if (outcome === 'throttled') stats.throttled++;
    else if (outcome === 'failed') stats.failed++;
    else if (outcome === 'error') stats.errors++;
  }

  /** A copy of the call counts: overall, by service and by action. */
  calls(): CallStats {
    const result: CallStats = { ...EMPTY_STATS(), services: {} };
    for (const [service, byAction] of this.callStats) {
      const serviceStats: ServiceStats = { ...EMPTY_STATS(), actions: {} };
      for (const [action, stats] of byAction) {
        serviceStats.actions[action] = { ...stats };
        for (const sum of [serviceStats, result]) {
          sum.total += stats.total;
          sum.throttled += stats.throttled;
          sum.failed += stats.failed;
          sum.errors += stats.errors;
        }
      }
      result.services[service] = serviceStats;
    }
    return result;
  }
}
