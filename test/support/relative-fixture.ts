import type { FixtureInput } from '../../src/sandbox/fixture.js';

const DAY_MS = 86_400_000;

/** An ISO date `days` before `now`. */
export const daysAgo = (now: Date, days: number): string =>
  new Date(now.getTime() - days * DAY_MS).toISOString();

export const ACCOUNT_ID = '111111111111';
export const TOPIC_NAME = 'key-hygiene-test-reports';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:${TOPIC_NAME}`;

/** The key the test process signs with (see test/setup-env.ts); it belongs to user `auditor`. */
export const AUDITOR_KEY = 'AKIAIOSFODNN7EXAMPLE';

export const KEYS = {
  stale: 'AKIASTALE00000000001',
  neverUsedOld: 'AKIANEVERUSED0000001',
  fresh: 'AKIAFRESH00000000001',
  exempt: 'AKIAEXEMPT0000000001',
  rotation: 'AKIAROTATE0000000001',
  twinOld: 'AKIATWIN000000000001',
  twinNew: 'AKIATWIN000000000002',
  brandNew: 'AKIABRANDNEW00000001',
  idle: 'AKIAIDLE000000000001',
} as const;

/**
 * A small account whose dates are relative to the real clock, because the handlers read the real
 * clock like the deployed Lambda does. Between them the users trigger every enabled rule.
 */
export function relativeFixture(now: Date = new Date()): FixtureInput {
  const used = (days: number, service = 's3') => ({ date: daysAgo(now, days), service, region: 'us-east-1' });
  return {
    accounts: [
      {
        id: ACCOUNT_ID,
        alias: 'acme-test',
        rootAccessKeys: [{ active: true, createDate: daysAgo(now, 2000), lastUsedDate: null }],
        topics: [
          { name: TOPIC_NAME, subscriptions: [{ protocol: 'email', endpoint: 'secops@example.com' }] },
        ],
        users: [
          {
            name: 'auditor',
            createDate: daysAgo(now, 400),
            // Stale on purpose: the safeguard must still never deactivate the key it signs with.
            accessKeys: [
              {
                id: AUDITOR_KEY,
                status: 'Active',
                createDate: daysAgo(now, 300),
                lastUsed: used(150, 'iam'),
              },
            ],
          },
          {
            name: 'stale-sam',
            createDate: daysAgo(now, 700),
            tags: { team: 'payments' },
            accessKeys: [
              { id: KEYS.stale, status: 'Active', createDate: daysAgo(now, 600), lastUsed: used(200) },
            ],
          },
          {
            name: 'never-nina',
            createDate: daysAgo(now, 130),
            accessKeys: [
              { id: KEYS.neverUsedOld, status: 'Active', createDate: daysAgo(now, 120), lastUsed: null },
            ],
          },
          {
            name: 'fresh-fred',
            createDate: daysAgo(now, 30),
            accessKeys: [
              { id: KEYS.fresh, status: 'Active', createDate: daysAgo(now, 30), lastUsed: used(1) },
            ],
          },
          {
            name: 'exempt-erin',
            createDate: daysAgo(now, 900),
            tags: { 'key-hygiene:exempt': 'true', 'key-hygiene:exempt-reason': 'break-glass account' },
            accessKeys: [
              { id: KEYS.exempt, status: 'Active', createDate: daysAgo(now, 800), lastUsed: used(400) },
            ],
          },
          {
            name: 'rotate-rita',
            createDate: daysAgo(now, 300),
            accessKeys: [
              {
                id: KEYS.rotation,
                status: 'Active',
                createDate: daysAgo(now, 250),
                lastUsed: used(1, 'ec2'),
              },
            ],
          },
          {
            name: 'twin-tom',
            createDate: daysAgo(now, 60),
            accessKeys: [
              { id: KEYS.twinOld, status: 'Active', createDate: daysAgo(now, 50), lastUsed: used(2) },
              { id: KEYS.twinNew, status: 'Active', createDate: daysAgo(now, 20), lastUsed: used(1) },
            ],
          },
          {
            name: 'idle-ida',
            createDate: daysAgo(now, 12),
            accessKeys: [{ id: KEYS.idle, status: 'Active', createDate: daysAgo(now, 10), lastUsed: null }],
          },
          {
            name: 'new-nick',
            createDate: daysAgo(now, 3),
            accessKeys: [
              { id: KEYS.brandNew, status: 'Active', createDate: daysAgo(now, 2), lastUsed: null },
            ],
          },
        ],
      },
    ],
  };
}
