import type { FixtureAccessKey, FixtureAccount, FixtureUser } from './fixture.js';
import { createRandom, randomId } from './random.js';

/** A generated account for load tests and benchmarks. */
export interface SyntheticOptions {
  /** How many IAM users. */
  users: number;
  /** The same seed gives the same account. */
  seed: string | number;
  /** Defaults to `123456789012`. */
  accountId?: string;
  /** Defaults to `synthetic`. */
  alias?: string;
}

/** The clock that a synthetic-only sandbox pins, so a seed always gives the same ages. */
export const SYNTHETIC_DEFAULT_NOW = '2026-11-20T00:00:00Z';

const DAY = 86_400_000;
const FIRST = ['ada', 'alan', 'grace', 'linus', 'ken', 'barbara', 'edsger', 'donald', 'margaret', 'dennis'];
const LAST = [
  'lovelace',
  'turing',
  'hopper',
  'torvalds',
  'thompson',
  'liskov',
  'dijkstra',
  'knuth',
  'hamilton',
];
const SYSTEMS = ['ci', 'backup', 'etl', 'deployer', 'metrics', 'billing', 'search', 'mailer', 'scanner'];
const TEAMS = ['payments', 'platform', 'data', 'web', 'mobile', 'security', 'ml', 'infra'];
const SERVICES: readonly [service: string, global: boolean][] = [
  ['s3', false],
  ['ec2', false],
  ['sts', false],
  ['iam', true],
  ['dynamodb', false],
  ['lambda', false],
  ['sqs', false],
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A synthetic account's header and a lazy sequence of its users. */
export interface SyntheticAccountParts {
  account: Omit<FixtureAccount, 'users'>;
  /** Generated one at a time, so a 50,000-user account never exists twice in memory. */
  users: Iterable<FixtureUser>;
}

/** The streaming form of {@link generateSyntheticAccount}; iterate `users` once. */
export function syntheticAccountParts(options: SyntheticOptions, now: Date): SyntheticAccountParts {
  if (!Number.isInteger(options.users) || options.users < 0) {
    throw new RangeError(`Synthetic users must be a whole number >= 0, got ${options.users}`);
  }
  const rng = createRandom(`${options.seed}/synthetic`);
  const base = now.getTime();
  const daysAgo = (days: number) => base - days * DAY - rng.int(0, DAY / 1000 - 1) * 1000;
  const rootAccessKeys = rng.chance(0.3)
    ? [{ active: true, createDate: iso(daysAgo(rng.int(400, 2000))), lastUsedDate: null }]
    : [];
  function* users(): Generator<FixtureUser> {
    const keyIds = new Set<string>();
    for (let i = 0; i < options.users; i++) yield syntheticUser(i);
    function syntheticUser(i: number): FixtureUser {
      const roll = rng.next();
      let name: string;
      let path = '/';
      if (roll < 0.3) {
        name = `svc-${rng.pick(SYSTEMS)}-${i}`;
        path = '/service/';
      } else if (roll < 0.35) {
        name = `sys-${rng.pick(SYSTEMS)}-${i}`;
        path = '/system/';
      } else {
        name = `${rng.pick(FIRST)}.${rng.pick(LAST)}${i}`;
        if (rng.chance(0.2)) path = '/engineering/';
      }
      const userCreated = daysAgo(rng.int(20, 2200));
      const tags: Record<string, string> = {};
      if (rng.chance(0.5)) tags.team = rng.pick(TEAMS);
      if (rng.chance(0.3)) tags.owner = `${rng.pick(FIRST)}.${rng.pick(LAST)}@example.com`;
      if (rng.chance(0.02)) {
        if (rng.chance(0.5)) {
          tags['key-hygiene:exempt'] = 'true';
          tags['key-hygiene:exempt-reason'] = 'legacy integration, tracked in SEC-101';
        } else {
          // Some exemptions still hold, some have lapsed.
          tags['key-hygiene:exempt'] = iso(base + rng.int(-60, 180) * DAY).slice(0, 10);
        }
      }
      const keyRoll = rng.next();
      const keyCount = keyRoll < 0.15 ? 0 : keyRoll < 0.8 ? 1 : 2;
      const accessKeys: FixtureAccessKey[] = [];
      for (let k = 0; k < keyCount; k++) {
        let id = randomId(rng, 'AKIA');
        while (keyIds.has(id)) id = randomId(rng, 'AKIA');
        keyIds.add(id);
        const ageDays = Math.max(0, Math.floor((base - userCreated) / DAY));
        const created = Math.min(base, userCreated + rng.int(0, ageDays) * DAY);
        const useRoll = rng.next();
        let lastUsed: FixtureAccessKey['lastUsed'] = null;
        if (useRoll < 0.7) {
          // Recently (within a month) or long ago (3 months to 2 years), never before creation.
          const when = Math.max(
            created,
            useRoll < 0.55 ? daysAgo(rng.int(0, 30)) : daysAgo(rng.int(91, 700)),
          );
          const [service, global] = rng.pick(SERVICES);
          lastUsed = { date: iso(when), service, region: global ? 'N/A' : rng.pick(REGIONS) };
        }
        accessKeys.push({
          id,
          status: rng.chance(0.1) ? 'Inactive' : 'Active',
          createDate: iso(created),
          lastUsed,
        });
      }
      // Synthetic users hold no policies or groups; they share one empty list (50,000 users).
      return {
        name,
        path,
        createDate: iso(userCreated),
        tags,
        accessKeys,
        groups: NONE,
        attachedPolicies: NONE,
        inlinePolicies: NO_INLINE,
      };
    }
  }
  return {
    account: {
      id: options.accountId ?? '123456789012',
      alias: options.alias ?? 'synthetic',
      rootAccessKeys,
      topics: [],
      parameters: [],
      secrets: [],
      buckets: [],
      status: 'ACTIVE',
      listedAs: 'State',
      groups: [],
      policies: [],
      cloudTrailEvents: [],
      cloudTrailHistories: [],
    },
    users: users(),
  };
}

const NONE: string[] = [];
const NO_INLINE: Record<string, Record<string, unknown>> = {};

/**
 * A deterministic account with the mix an audit meets: 0, 1 or 2 keys, used recently, long ago or
 * never, some inactive, some tagged with a team, an owner or an exemption. Dates are relative to `now`.
 */
export function generateSyntheticAccount(options: SyntheticOptions, now: Date): FixtureAccount {
  const { account, users } = syntheticAccountParts(options, now);
  return { ...account, users: [...users] };
}
