import type { SandboxClock } from './clock.js';
import { trailEvents } from './cloudtrail-state.js';
import type { Fixture, FixtureAccount, FixtureUser } from './fixture.js';
import { emptyAccountPolicies } from './iam-policy-state.js';
import {
  addKey,
  addUser,
  type SandboxAccessKey,
  type SandboxAccount,
  type SandboxRootKey,
} from './iam-state.js';
import { loadPolicies } from './load-policies.js';
import type { AccountStanding, SandboxOrganization } from './organizations-state.js';
import { stableUuid } from './random.js';
import { addBucket, type SandboxBucket } from './s3-state.js';
import { addSecretVersion, createSecret } from './secrets-manager-state.js';
import { addTopic, type SandboxTopic } from './sns-state.js';
import { putParameter } from './ssm-state.js';
import { SYNTHETIC_DEFAULT_NOW, type SyntheticOptions, syntheticAccountParts } from './synthetic.js';

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

/** The parts of the sandbox state that loading fills; they are empty when it starts. */
export interface LoadTarget {
  readonly clock: SandboxClock;
  readonly accounts: Map<string, SandboxAccount>;
  readonly keys: Map<string, SandboxAccessKey>;
  readonly rootKeys: Map<string, { accountId: string; key: SandboxRootKey }>;
  readonly topics: Map<string, SandboxTopic>;
  readonly buckets: Map<string, SandboxBucket>;
}

type AccountSource = Omit<FixtureAccount, 'users'> & { users: Iterable<FixtureUser> };

/**
 * Sets the clock, then loads the fixture's accounts and the synthetic one.
 *
 * @returns the ID of the default account: the first one loaded.
 */
export function loadState(target: LoadTarget, source: StateSource): string {
  const { fixture, synthetic } = source;
  let now: Date | string | null = source.now !== undefined ? source.now : (fixture?.now ?? null);
  if (now === null && synthetic && source.now === undefined) now = SYNTHETIC_DEFAULT_NOW;
  target.clock.set(now);
  for (const account of fixture?.accounts ?? []) addAccount(target, account);
  if (synthetic) {
    const { account, users } = syntheticAccountParts(synthetic, target.clock.now());
    addAccount(target, { ...account, users });
  }
  const first = target.accounts.keys().next();
  if (first.done) throw new Error('The sandbox needs a fixture or a synthetic account; give one of them');
  return first.value;
}

function addAccount(target: LoadTarget, source: AccountSource): void {
  if (target.accounts.has(source.id)) {
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
    secrets: new Map(),
    ses: {
      identities: source.ses?.identities ?? [],
      sandbox: source.ses?.sandbox ?? false,
      configurationSets: source.ses?.configurationSets ?? [],
    },
    policies: emptyAccountPolicies(),
    trail: [],
    trailBuckets: new Map(),
  };
  // Without a root creation date, the earliest date in the account stands in for it.
  let earliest = Number.POSITIVE_INFINITY;
  target.accounts.set(account.id, account);
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
    if (rootKey.id) target.rootKeys.set(rootKey.id, { accountId: account.id, key: rootKey });
  }
  for (const u of source.users) {
    const user = addUser(account, u.name, u.path, new Date(u.createDate));
    earliest = Math.min(earliest, user.createDate.getTime());
    for (const [key, value] of Object.entries(u.tags)) user.setTag(key, value);
    for (const k of u.accessKeys) {
      addKey(target.keys, user, {
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
  for (const topic of source.topics) addTopic(target.topics, account.id, topic);
  for (const p of source.parameters) putParameter(account.parameters, p, target.clock.now());
  for (const s of source.secrets) loadSecret(account, s, target.clock.now());
  for (const bucket of source.buckets) addBucket(target.buckets, account.id, bucket, target.clock.now());
  account.createDate = source.createDate
    ? new Date(source.createDate)
    : new Date(Number.isFinite(earliest) ? earliest : target.clock.now().getTime());
  loadPolicies(account, source, target.clock.now());
  account.trail = trailEvents(source.cloudTrailEvents, source.cloudTrailHistories);
}

/** A fixture secret: created at its `createdDate` (else the clock's now) with one AWSCURRENT version. */
function loadSecret(account: SandboxAccount, source: FixtureAccount['secrets'][number], now: Date): void {
  const createdDate = source.createdDate ? new Date(source.createdDate) : now;
  const secret = createSecret(account.secrets, {
    accountId: account.id,
    region: source.region,
    name: source.name,
    description: source.description ?? null,
    createdDate,
  });
  addSecretVersion(secret, {
    // Derived from the names, so a fixture secret keeps its VersionId across resets.
    versionId: stableUuid(account.id, source.region, source.name, 'v1'),
    secretString: source.value ?? null,
    secretBinary: source.binaryBase64 === undefined ? null : Buffer.from(source.binaryBase64, 'base64'),
    createdDate,
  });
}

/** The fixture's organization (null without one) and each fixture account's status and roles. */
export function loadOrganization(fixture: Fixture | null): {
  organization: SandboxOrganization | null;
  standings: Map<string, AccountStanding>;
} {
  const standings = new Map<string, AccountStanding>(
    (fixture?.accounts ?? []).map((account) => [
      account.id,
      {
        status: account.unknownState ?? account.status,
        listedAs: account.listedAs,
        roles: account.roles ? new Set(account.roles) : null,
        organizationalUnitId: account.organizationalUnitId ?? null,
      },
    ]),
  );
  const managementAccountId = fixture?.organization?.managementAccountId;
  if (managementAccountId === undefined) return { organization: null, standings };
  // Real ids are `o-` and 10 to 32 lower-case letters or digits.
  const key = Number(managementAccountId).toString(36).padStart(10, '0');
  const id = `o-${key.slice(-10)}`;
  return { organization: { id, managementAccountId, rootId: `r-${key.slice(-4)}` }, standings };
}
