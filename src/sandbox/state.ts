import { CallCounter, type CallOutcome, type CallStats } from './call-stats.js';
import { SandboxClock } from './clock.js';
import type {
  CredentialReportAid,
  SandboxAccessKey,
  SandboxAccount,
  SandboxRootKey,
  SandboxUser,
} from './iam-state.js';
import { loadOrganization, loadState, type StateSource } from './load-state.js';
import { type AccountStanding, DEFAULT_STANDING, type SandboxOrganization } from './organizations-state.js';
import { createRandom, type Random, randomId, randomSecret } from './random.js';
import { addBucket, type SandboxBucket } from './s3-state.js';
import { SecurityHubStore } from './securityhub-state.js';
import type { SentEmail } from './ses-state.js';
import type { PublishedMessage, SandboxTopic } from './sns-state.js';
import type { AssumedRoleSession } from './sts-state.js';

const noCredentialReportAid = (): CredentialReportAid => ({
  csv: null,
  stuck: false,
  refuseGeneration: false,
});

/**
 * The sandbox's in-memory world: each service's collections, the clock and the call counts.
 * Handlers mutate it; tests read it directly or through `/_sandbox/*`.
 */
export class SandboxState {
  readonly clock = new SandboxClock(null);
  readonly source: StateSource;
  /** Seeded source of generated IDs. */
  rng: Random;
  // IAM
  accounts = new Map<string, SandboxAccount>();
  /** The first fixture account (or the synthetic one); unknown keys act in it. */
  defaultAccountId = '';
  /** Every user access key by ID, across accounts. */
  readonly keys = new Map<string, SandboxAccessKey>();
  /** Root keys that carry an ID, so requests can be signed as root. */
  readonly rootKeys = new Map<string, { accountId: string; key: SandboxRootKey }>();
  /** Applies to every account; `reset()` clears it. */
  credentialReportAid = noCredentialReportAid();
  // STS, by access key ID
  readonly sessions = new Map<string, AssumedRoleSession>();
  // SNS, topics by ARN
  readonly topics = new Map<string, SandboxTopic>();
  readonly published: PublishedMessage[] = [];
  // SES, every message SendEmail accepted, in order
  readonly sentEmails: SentEmail[] = [];
  // S3, buckets by (global) name
  readonly buckets = new Map<string, SandboxBucket>();
  // Organizations: the fixture's organization, and each account's status and assumable roles
  organization: SandboxOrganization | null = null;
  private standings = new Map<string, AccountStanding>();
  // Security Hub, findings per account
  readonly securityHub = new SecurityHubStore();
  private callCounter = new CallCounter();

  constructor(source: StateSource) {
    this.source = source;
    this.rng = createRandom(`${source.seed}/ids`);
    this.reset();
  }

  /** Back to the fixture (and synthetic account): users, keys, topics, secrets, clock, counters, messages, emails. */
  reset(): void {
    this.accounts = new Map();
    this.keys.clear();
    this.rootKeys.clear();
    this.sessions.clear();
    this.topics.clear();
    this.buckets.clear();
    this.securityHub.clear();
    this.published.length = 0;
    this.sentEmails.length = 0;
    this.callCounter = new CallCounter();
    this.credentialReportAid = noCredentialReportAid();
    this.rng = createRandom(`${this.source.seed}/ids`);
    this.defaultAccountId = loadState(this, this.source);
    ({ organization: this.organization, standings: this.standings } = loadOrganization(this.source.fixture));
  }

  /** The account's status and the roles that can be assumed in it (a synthetic account: any). */
  standing(accountId: string): AccountStanding {
    return this.standings.get(accountId) ?? DEFAULT_STANDING;
  }

  account(id: string): SandboxAccount | undefined {
    return this.accounts.get(id);
  }

  get defaultAccount(): SandboxAccount {
    const account = this.accounts.get(this.defaultAccountId);
    if (!account) throw new Error('The sandbox state has no default account');
    return account;
  }

  /** A user by name in any case, as IAM matches names. */
  findUser(accountId: string, name: string): SandboxUser | undefined {
    return this.accounts.get(accountId)?.users.get(name.toLowerCase());
  }

  findKey(id: string): SandboxAccessKey | undefined {
    return this.keys.get(id);
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

  /**
   * Creates an empty bucket (a test aid), or returns the existing one when the account owns it.
   *
   * @throws Error when another account owns the name (bucket names are global).
   */
  addBucket(accountId: string, bucket: { name: string; region?: string }): SandboxBucket {
    return addBucket(this.buckets, accountId, bucket, this.clock.now());
  }

  recordCall(service: string, action: string, outcome: CallOutcome): void {
    this.callCounter.record(service, action, outcome);
  }

  /** A copy of the call counts: overall, by service and by action. */
  calls(): CallStats {
    return this.callCounter.snapshot();
  }
}
