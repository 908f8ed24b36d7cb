import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FixtureError, loadFixture, parseFixture, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE } from './helpers.js';

interface LooseUser extends Record<string, unknown> {
  accessKeys: Record<string, unknown>[];
}
interface LooseAccount extends Record<string, unknown> {
  users: LooseUser[];
}
/** A fixture as plain JSON, so tests can break it in ways the types would not allow. */
interface LooseFixture {
  now?: string;
  accounts: LooseAccount[];
}

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('empty list in test fixture');
  return item;
}

/** A valid one-user fixture to break in one place per test. */
function fixture(): LooseFixture {
  return {
    now: '2026-11-20T00:00:00Z',
    accounts: [
      {
        id: '111111111111',
        alias: 'acme-prod',
        rootAccessKeys: [{ active: true, createDate: '2019-01-01T00:00:00Z', lastUsedDate: null }],
        users: [
          {
            name: 'alice',
            path: '/',
            createDate: '2024-01-01T00:00:00Z',
            tags: { team: 'payments' },
            accessKeys: [
              {
                id: 'AKIAEXAMPLE000000001',
                status: 'Active',
                createDate: '2024-01-01T00:05:00Z',
                lastUsed: { date: '2026-11-19T10:00:00Z', service: 's3', region: 'us-east-1' },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The `path: message` lines a bad fixture is rejected with. */
function issuesOf(input: unknown): string[] {
  try {
    parseFixture(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FixtureError);
    return (error as FixtureError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('Expected the fixture to be rejected');
}

const user = (input: LooseFixture): LooseUser => first(first(input.accounts).users);
const key = (input: LooseFixture): Record<string, unknown> => first(user(input).accessKeys);

describe('Sandbox fixtures', () => {
  it('accepts the issue’s example shape and fills in defaults', () => {
    const parsed = parseFixture(fixture());
    expect(parsed.accounts[0]?.users[0]?.accessKeys[0]?.lastUsed?.service).toBe('s3');
    expect(parsed.accounts[0]?.topics).toEqual([]);
  });

  it('accepts the acme demo fixture', async () => {
    const acme = await loadFixture(ACME_FIXTURE);
    expect(acme.now).toBe('2026-11-20T00:00:00Z');
    expect(acme.accounts.map((a) => [a.id, a.alias])).toEqual([
      ['111111111111', 'acme-prod'],
      ['222222222222', 'acme-dev'],
    ]);
    expect(acme.accounts[0]?.users.length).toBeGreaterThanOrEqual(20);
  });

  it('holds, quarantined, the user whose key the sample exposed-key event names', async () => {
    // Prepare
    const acme = await loadFixture(ACME_FIXTURE);
    const event = JSON.parse(await readFile('events/exposed-key.json', 'utf8'));
    const keyId: string = event.detail.affectedEntities[0].entityValue;
    // Act
    const account = acme.accounts.find((a) => a.id === event.account);
    const owner = account?.users.find((u) => u.accessKeys.some((k) => k.id === keyId));
    // Assess
    expect(owner?.name).toBe('ci-publisher');
    expect(owner?.attachedPolicies).toContain('AWSCompromisedKeyQuarantineV3');
    expect(owner?.accessKeys.find((k) => k.id === keyId)?.status).toBe('Active');
    expect(event.detail.eventDescription[0].latestDescription).toContain(
      `${keyId} belonging to IAM user ci-publisher`,
    );
  });

  it('names a bad date by its full path', () => {
    const input = fixture();
    key(input).createDate = '2024-13-45';
    expect(issuesOf(input)).toEqual(['accounts[0].users[0].accessKeys[0].createDate: not an ISO 8601 date']);
  });

  it('names a bad access key ID, status and account ID', () => {
    const input = fixture();
    key(input).id = 'AKIA-short';
    key(input).status = 'Disabled';
    first(input.accounts).id = '1234';
    expect(issuesOf(input)).toEqual([
      'accounts[0].id: not an AWS account ID (12 digits)',
      'accounts[0].users[0].accessKeys[0].id: not an access key ID (AKIA followed by 16 upper-case letters or digits)',
      'accounts[0].users[0].accessKeys[0].status: must be one of "Active", "Inactive"',
    ]);
  });

  it('names a missing field and an unknown one', () => {
    const input = fixture();
    delete user(input).createDate;
    user(input).acessKeys = [];
    expect(issuesOf(input)).toEqual([
      'accounts[0].users[0].createDate: missing; add a string',
      'accounts[0].users[0].acessKeys: unknown field; remove it or fix its name',
    ]);
  });

  it('refuses a third key, duplicate names and impossible dates', () => {
    const input = fixture();
    const keys = user(input).accessKeys;
    keys.push({ ...first(keys), id: 'AKIAEXAMPLE000000002' }, { ...first(keys), id: 'AKIAEXAMPLE000000003' });
    expect(issuesOf(input)).toEqual([
      'accounts[0].users[0].accessKeys: more than 2 access keys (IAM allows 2 per user)',
    ]);

    const twins = fixture();
    const users = first(twins.accounts).users;
    users.push({ ...first(users), name: 'ALICE', accessKeys: [] });
    expect(issuesOf(twins)).toEqual(['accounts[0].users[1].name: duplicate of accounts[0].users[0].name']);

    const early = fixture();
    key(early).lastUsed = { date: '2023-01-01T00:00:00Z', service: 's3', region: 'us-east-1' };
    key(early).createDate = '2027-01-01T00:00:00Z';
    expect(issuesOf(early)).toEqual([
      'accounts[0].users[0].accessKeys[0].createDate: after the fixture "now"',
      'accounts[0].users[0].accessKeys[0].lastUsed.date: before the key was created',
    ]);
  });

  it('refuses a fixture with no accounts', () => {
    expect(issuesOf({ accounts: [] })).toEqual([
      'accounts: at least one account is needed (the first is the default)',
    ]);
  });

  it('reports an unreadable or non-JSON file by its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-fixture-'));
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "accounts": [ }');
    await expect(loadFixture(file)).rejects.toThrow(`Invalid sandbox fixture ${file}`);
    await expect(loadFixture(file)).rejects.toThrow(/not valid JSON/);
    await expect(loadFixture(join(dir, 'missing.json'))).rejects.toThrow(/cannot read the file/);
  });

  it('makes startSandbox fail with the field path, before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-fixture-'));
    const file = join(dir, 'bad.json');
    const input = JSON.parse(await readFile(ACME_FIXTURE, 'utf8'));
    input.accounts[0].users[3].accessKeys[0].createDate = 'last tuesday';
    await writeFile(file, JSON.stringify(input));
    await expect(startSandbox({ fixture: file })).rejects.toThrow(
      'accounts[0].users[3].accessKeys[0].createDate: not an ISO 8601 date',
    );
  });
});
