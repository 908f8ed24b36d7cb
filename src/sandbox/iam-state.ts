import type { TrailEvent } from './cloudtrail-state.js';
import type { AccountPolicies } from './iam-policy-state.js';
import { stableId } from './random.js';
import type { SandboxSecret } from './secrets-manager-state.js';
import type { SesSettings } from './ses-state.js';
import type { SandboxParameter } from './ssm-state.js';

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

  get arn(): string {
    return `arn:aws:iam::${this.accountId}:user${this.path}${this.name}`;
  }

  /** Derived from the account and name, so a fixture user keeps its ID across restarts. */
  get userId(): string {
    return stableId('AIDA', this.accountId, this.name);
  }

  /** In the order they were added. */
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
  /** Null unless the fixture gives one, so that requests can be signed as root. */
  id: string | null;
  active: boolean;
  createDate: Date;
  lastUsed: LastUsedInfo | null;
}

export interface CredentialReport {
  /** Sandbox-clock time of generation (the report's `GeneratedTime`). */
  generatedTime: Date;
  /** Real time (ms) from which the report is COMPLETE. */
  readyAt: number;
  /** Sandbox-clock time (ms) from which it is COMPLETE too, so a test moves the clock, not waits. */
  readyOnClock: number;
  /** Base64 of the CSV, built once per generation. */
  content: string;
}

/**
 * Test aids for credential reports the sandbox cannot produce from an account: a CSV given
 * verbatim, a generation stuck in INPROGRESS, a caller refused generation.
 */
export interface CredentialReportAid {
  csv: string | null;
  stuck: boolean;
  refuseGeneration: boolean;
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
  /** Secrets Manager secrets by `secretKey(region, name)`. */
  secrets: Map<string, SandboxSecret>;
  /** Amazon SES: verified identities, sandbox status, configuration sets. */
  ses: SesSettings;
  /** Groups, managed policies and what each user holds. */
  policies: AccountPolicies;
  /** CloudTrail management events, oldest first (LookupEvents answers newest first). */
  trail: TrailEvent[];
  /** CloudTrail's lookup rate, a token bucket per region (2 requests a second per account and region). */
  trailBuckets: Map<string, TrailBucket>;
}

/** Tokens left, and when they were counted: real time and sandbox time, in milliseconds. */
export interface TrailBucket {
  tokens: number;
  realAt: number;
  sandboxAt: number;
}

/** Adds a user (CreateUser and fixture loading). The caller checks that the name is free. */
export function addUser(account: SandboxAccount, name: string, path: string, createDate: Date): SandboxUser {
  const user = new SandboxUser(account.id, name, path, createDate);
  account.users.set(name.toLowerCase(), user);
  account.userList.push(user);
  return user;
}

/** Adds an access key to a user and to the index of every key, keeping the user's keys oldest first. */
export function addKey(
  keys: Map<string, SandboxAccessKey>,
  user: SandboxUser,
  key: Omit<SandboxAccessKey, 'accountId' | 'userName'>,
): SandboxAccessKey {
  const full: SandboxAccessKey = {
    id: key.id,
    secret: key.secret,
    accountId: user.accountId,
    userName: user.name,
    status: key.status,
    createDate: key.createDate,
    lastUsed: key.lastUsed,
  };
  user.keys = [...user.keys, full].sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  keys.set(full.id, full);
  return full;
}

export function deleteKey(
  keys: Map<string, SandboxAccessKey>,
  user: SandboxUser,
  key: SandboxAccessKey,
): void {
  user.keys = user.keys.filter((k) => k !== key);
  keys.delete(key.id);
}
