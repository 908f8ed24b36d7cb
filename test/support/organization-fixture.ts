import type { FixtureInput } from '../../src/sandbox/fixture.js';

/** The management account: the auditor runs here, with its own credentials. */
export const MANAGEMENT = '100000000001';
/** A member with the member role. */
export const PAYMENTS = '200000000002';
/** A member whose member role is missing (declares no roles). */
export const ANALYTICS = '300000000003';
/** A suspended member. */
export const LEGACY = '400000000004';

export const ORG_AUDITOR_KEY = 'AKIAORGAUDITOR000001';
export const ORG_BUCKET = 'org-key-hygiene-reports';
export const ORG_TOPIC_ARN = `arn:aws:sns:us-east-1:${MANAGEMENT}:key-hygiene-org-reports`;
export const MEMBER_ROLE = 'KeyHygieneMemberRole';
/** The organizational unit the payments account is in (the others are in the root). */
export const PAYMENTS_OU = 'ou-ab12-payments1';

// Relative to the real clock, as the command-line runner audits as of now.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

/** A user with one active key created `created` days ago and last used `used` days ago (null: never). */
function userWithKey(name: string, keyId: string, created: number, used: number | null) {
  return {
    name,
    createDate: daysAgo(created + 1),
    accessKeys: [
      {
        id: keyId,
        status: 'Active' as const,
        createDate: daysAgo(created),
        lastUsed: used === null ? null : { date: daysAgo(used), service: 's3', region: 'us-east-1' },
      },
    ],
  };
}

/**
 * An organization of four accounts: the management account (where the auditor runs, one stale
 * key), a member with the member role (two stale keys, one healthy), a member without it (its
 * audit cannot start) and a suspended member.
 */
export function organizationFixture(): FixtureInput {
  return {
    now: NOW,
    organization: { managementAccountId: MANAGEMENT },
    accounts: [
      {
        id: MANAGEMENT,
        alias: 'org-management',
        users: [
          userWithKey('key-hygiene-auditor', ORG_AUDITOR_KEY, 30, 0),
          userWithKey('mgmt-stale', 'AKIAMGMTSTALE0000001', 400, 200),
        ],
        topics: [{ name: 'key-hygiene-org-reports' }],
        buckets: [{ name: ORG_BUCKET }],
      },
      {
        id: PAYMENTS,
        alias: 'org-payments',
        roles: [MEMBER_ROLE],
        organizationalUnitId: PAYMENTS_OU,
        users: [
          userWithKey('pay-stale', 'AKIAPAYSTALE00000001', 300, 120),
          userWithKey('pay-unused', 'AKIAPAYUNUSED0000001', 200, null),
          userWithKey('pay-healthy', 'AKIAPAYHEALTHY000001', 20, 1),
        ],
      },
      {
        id: ANALYTICS,
        alias: 'org-analytics',
        roles: [],
        users: [userWithKey('ana-stale', 'AKIAANASTALE00000001', 300, 150)],
      },
      {
        id: LEGACY,
        alias: 'org-legacy',
        status: 'SUSPENDED',
        roles: [MEMBER_ROLE],
        users: [userWithKey('legacy-stale', 'AKIALEGACYSTALE00001', 900, 800)],
      },
    ],
  };
}

/** The management account of `accountStatesFixture`, and its auditor's key. */
export const STATES_MANAGEMENT = '110000000001';
export const STATES_AUDITOR_KEY = 'AKIASTATES0000000001';
export const STATES_TOPIC_ARN = `arn:aws:sns:us-east-1:${STATES_MANAGEMENT}:key-hygiene-org-reports`;

/**
 * An organization with an account in each Organizations account state (its alias names it), one
 * in a state the SDK does not know yet, one listed with the retired `Status` only (as older
 * implementations do) and one listed with neither.
 */
export function accountStatesFixture(): FixtureInput {
  return {
    now: NOW,
    organization: { managementAccountId: STATES_MANAGEMENT },
    accounts: [
      {
        id: STATES_MANAGEMENT,
        alias: 'active',
        status: 'ACTIVE',
        users: [userWithKey('key-hygiene-auditor', STATES_AUDITOR_KEY, 30, 0)],
        topics: [{ name: 'key-hygiene-org-reports' }],
      },
      { id: '110000000002', alias: 'suspended', status: 'SUSPENDED' },
      { id: '110000000003', alias: 'pending-closure', status: 'PENDING_CLOSURE' },
      { id: '110000000004', alias: 'pending-activation', status: 'PENDING_ACTIVATION' },
      { id: '110000000005', alias: 'closed', status: 'CLOSED' },
      { id: '110000000006', alias: 'future', unknownState: 'ARCHIVED' },
      { id: '110000000007', alias: 'older-active', status: 'ACTIVE', listedAs: 'Status' },
      { id: '110000000008', alias: 'older-suspended', status: 'SUSPENDED', listedAs: 'Status' },
      { id: '110000000009', alias: 'stateless', listedAs: 'neither' },
    ],
  };
}
