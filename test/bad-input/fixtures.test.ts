import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureError, startSandbox } from '../../src/sandbox/index.js';

let dir: string;

const user = (overrides: Record<string, unknown> = {}) => ({
  name: 'alice',
  createDate: '2024-01-01T00:00:00Z',
  accessKeys: [{ id: 'AKIAALICE00000000001', status: 'Active', createDate: '2024-01-02T00:00:00Z' }],
  ...overrides,
});
const account = (overrides: Record<string, unknown> = {}) => ({
  id: '111111111111',
  users: [user()],
  ...overrides,
});
const fixture = (overrides: Record<string, unknown> = {}) => ({
  now: '2026-11-20T00:00:00Z',
  accounts: [account()],
  ...overrides,
});

/** A fixture file of one account with these users. */
const withUsers = (...users: unknown[]): string =>
  JSON.stringify(fixture({ accounts: [account({ users })] }));

/** Bad sandbox fixture files: each is refused at start, naming the field by its path. */
const CASES: readonly { name: string; text: string; error: RegExp }[] = [
  { name: 'not JSON', text: '{ "accounts": [ ', error: /\(root\): not valid JSON/ },
  {
    name: 'binary garbage',
    text: '\u0000\u0001\u00ff\ufffdPK\u0003\u0004',
    error: /\(root\): not valid JSON/,
  },
  {
    name: 'no accounts',
    text: JSON.stringify({ now: '2026-11-20T00:00:00Z' }),
    error: /accounts: missing; add an array/,
  },
  {
    name: 'an 11-digit account id',
    text: JSON.stringify(fixture({ accounts: [account({ id: '11111111111' })] })),
    error: /accounts\[0\]\.id: /,
  },
  {
    name: 'a user name with a space',
    text: withUsers(user({ name: 'alice smith' })),
    error: /accounts\[0\]\.users\[0\]\.name: /,
  },
  {
    name: 'a lower-case key id',
    text: JSON.stringify(
      fixture({
        accounts: [
          account({
            users: [
              user({
                accessKeys: [
                  { id: 'akiaalice00000000001', status: 'Active', createDate: '2024-01-02T00:00:00Z' },
                ],
              }),
            ],
          }),
        ],
      }),
    ),
    error: /accounts\[0\]\.users\[0\]\.accessKeys\[0\]\.id: not an access key ID/,
  },
  {
    name: 'a key status typo',
    text: JSON.stringify(
      fixture({
        accounts: [
          account({
            users: [
              user({
                accessKeys: [
                  { id: 'AKIAALICE00000000001', status: 'active', createDate: '2024-01-02T00:00:00Z' },
                ],
              }),
            ],
          }),
        ],
      }),
    ),
    error: /accounts\[0\]\.users\[0\]\.accessKeys\[0\]\.status: must be one of "Active", "Inactive"/,
  },
  {
    name: 'a date that is not ISO 8601',
    text: withUsers(user({ createDate: '01/02/2024' })),
    error: /accounts\[0\]\.users\[0\]\.createDate: /,
  },
  {
    name: 'a key created before its user',
    text: JSON.stringify(
      fixture({ accounts: [account({ users: [user({ createDate: '2025-01-01T00:00:00Z' })] })] }),
    ),
    error: /accounts\[0\]\.users\[0\]\.accessKeys\[0\]\.createDate: before the user's createDate/,
  },
  {
    name: 'a misspelt field',
    text: withUsers({ ...user(), acessKeys: [] }),
    error: /accounts\[0\]\.users\[0\]\.acessKeys: unknown field/,
  },
  {
    name: 'three keys for one user',
    text: JSON.stringify(
      fixture({
        accounts: [
          account({
            users: [
              user({
                accessKeys: ['1', '2', '3'].map((n) => ({
                  id: `AKIAALICE0000000000${n}`,
                  status: 'Active',
                  createDate: '2024-01-02T00:00:00Z',
                })),
              }),
            ],
          }),
        ],
      }),
    ),
    error: /accounts\[0\]\.users\[0\]\.accessKeys: more than 2 access keys/,
  },
  {
    name: 'the same user name in another case',
    text: JSON.stringify(
      fixture({ accounts: [account({ users: [user(), user({ name: 'ALICE', accessKeys: [] })] })] }),
    ),
    error: /accounts\[0\]\.users\[1\]\.name: duplicate of accounts\[0\]\.users\[0\]\.name/,
  },
  {
    name: 'a subscription protocol SNS lacks',
    text: JSON.stringify(
      fixture({
        accounts: [
          account({
            topics: [{ name: 'reports', subscriptions: [{ protocol: 'smtp', endpoint: 'a@b.c' }] }],
          }),
        ],
      }),
    ),
    error: /accounts\[0\]\.topics\[0\]\.subscriptions\[0\]\.protocol: must be one of/,
  },
];

describe('Bad input: sandbox fixture files', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'key-hygiene-fixtures-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CASES)('refuses $name, naming the field', async ({ name, text, error }) => {
    // Prepare
    const path = join(dir, `${name.replaceAll(' ', '-')}.json`);
    await writeFile(path, text, 'utf8');
    // Act
    const attempt = startSandbox({ fixture: path });
    // Assess
    await expect(attempt).rejects.toThrow(FixtureError);
    await expect(attempt).rejects.toThrow(error);
    await expect(attempt).rejects.toThrow(path);
  });
});
