/**
 * What the responder does to one exposed key and what it tells the team about it, for each kind of
 * owner and each way IAM answers: `respondToKey` with a real IAM client on the sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { respondToKey } from '../../src/respond/respond-to-key.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const RUN_ID = '20260601T120000Z-keyoutcome';
const LEAKED = 'AKIAKEYOUTCOME000001';
const INACTIVE = 'AKIAKEYOUTCOME000002';
const PATH_EXEMPT = 'AKIAKEYOUTCOME000003';
const NAME_EXEMPT = 'AKIAKEYOUTCOME000004';
const ROOT_KEY = 'AKIAKEYOUTCOMEROOT01';
const NOBODYS = 'AKIAKEYOUTCOME000099';
/** How the sandbox words an injected refusal to the tests' caller, up to the action. */
const DENIED = 'User: arn:aws:iam::123456789012:user/sandbox-caller is not authorized to perform: ';

const key = (id: string, status: 'Active' | 'Inactive' = 'Active') => ({
  id,
  status,
  createDate: '2026-01-10T00:00:00Z',
  lastUsed: { date: '2026-06-01T11:50:00Z', service: 'ec2', region: 'eu-west-1' },
});

function fixture(): FixtureInput {
  return {
    now: NOW.toISOString(),
    accounts: [
      {
        id: '123456789012',
        rootAccessKeys: [{ id: ROOT_KEY, active: true, createDate: '2025-01-01T00:00:00Z' }],
        users: [
          {
            name: 'leaked',
            createDate: '2025-01-01T00:00:00Z',
            attachedPolicies: ['AWSCompromisedKeyQuarantineV3'],
            accessKeys: [key(LEAKED)],
          },
          {
            name: 'switched-off',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [key(INACTIVE, 'Inactive')],
          },
          {
            name: 'break-glass',
            path: '/emergency/',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [key(PATH_EXEMPT)],
          },
          { name: 'ops-admin', createDate: '2025-01-01T00:00:00Z', accessKeys: [key(NAME_EXEMPT)] },
        ],
      },
    ],
  };
}

const env = useSandbox(fixture);
const settings = (extra: Record<string, string> = {}) =>
  loadSettings({ NOTICES: 'off', EXEMPT_USERS: 'ops-admin', EXEMPT_PATHS: '/emergency/', ...extra });
const respond = (
  accessKeyId: string,
  extra: Record<string, string> = {},
  selfAccessKeyId: string | null = null,
) =>
  respondToKey({ iam: env.iam, selfAccessKeyId }, settings(extra), { runId: RUN_ID, now: NOW }, accessKeyId);

describe('respondToKey: one exposed key, its outcome and what the alert says', () => {
  afterEach(() => {
    env.sandbox.faults.clearRules();
  });

  it('deactivates the key and says when, where it is recorded, and which quarantine policy AWS attached', async () => {
    // Act
    const outcome = await respond(LEAKED);
    // Assess
    expect(outcome).toEqual({
      accessKeyId: LEAKED,
      userName: 'leaked',
      quarantinePolicies: ['AWSCompromisedKeyQuarantineV3'],
      outcome: 'deactivated',
      detail: `deactivated it at 2026-06-01T12:00:00.000Z (recorded on leaked as key-hygiene:deactivated-${LEAKED}).`,
      record: true,
    });
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Inactive');
  });

  it('still deactivates the key when the attached policies cannot be read, and names no quarantine policy', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'iam:ListAttachedUserPolicies', code: 'AccessDenied' });
    // Act
    const outcome = await respond(LEAKED);
    // Assess
    expect([outcome.outcome, outcome.quarantinePolicies]).toEqual(['deactivated', []]);
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Inactive');
  });

  it('says to deactivate the key by hand when its owner cannot be read, naming the user, the key and the error', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'iam:GetUser', code: 'AccessDenied' });
    // Act
    const outcome = await respond(LEAKED);
    // Assess
    expect(outcome).toEqual({
      accessKeyId: LEAKED,
      userName: 'leaked',
      quarantinePolicies: [],
      outcome: 'failed',
      detail: `nothing: reading leaked failed (AccessDenied: ${DENIED}iam:GetUser); deactivate ${LEAKED} by hand.`,
      record: false,
    });
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Active');
  });

  it('reports a key IAM does not know, unrecorded so a redelivery looks again', async () => {
    // Act
    const outcome = await respond(NOBODYS);
    // Assess
    expect(outcome).toEqual({
      accessKeyId: NOBODYS,
      userName: null,
      quarantinePolicies: [],
      outcome: 'unknown-key',
      detail: `nothing: IAM has no key ${NOBODYS} in this account (already deleted, or another account's); check the AWS Health event.`,
      record: false,
    });
  });

  it("tells the account owner to delete a root user's key by hand", async () => {
    // Act
    const outcome = await respond(ROOT_KEY);
    // Assess
    expect(outcome).toEqual({
      accessKeyId: ROOT_KEY,
      userName: null,
      quarantinePolicies: [],
      outcome: 'unknown-key',
      detail: `nothing: ${ROOT_KEY} belongs to no IAM user (a root key?); the account owner must delete it by hand.`,
      record: false,
    });
  });

  it('leaves the key of a user exempt by IAM path active and says which path and to act by hand', async () => {
    // Act
    const outcome = await respond(PATH_EXEMPT);
    // Assess
    expect(outcome).toEqual({
      accessKeyId: PATH_EXEMPT,
      userName: 'break-glass',
      quarantinePolicies: [],
      outcome: 'exempt',
      detail:
        "nothing: break-glass is exempt from key-hygiene's actions (path /emergency/), so the key is still active: deactivate it by hand.",
      record: true,
    });
    expect((await keyStatuses(env.iam, 'break-glass'))[PATH_EXEMPT]).toBe('Active');
  });

  it('names the configured user name that exempts a user, with no reason appended when none is given', async () => {
    // Act
    const outcome = await respond(NAME_EXEMPT);
    // Assess
    expect([outcome.outcome, outcome.detail, outcome.record]).toEqual([
      'exempt',
      "nothing: ops-admin is exempt from key-hygiene's actions (name ops-admin), so the key is still active: deactivate it by hand.",
      true,
    ]);
  });

  it('never deactivates the key it signs with, and says to do it by hand', async () => {
    // Act
    const outcome = await respond(LEAKED, {}, LEAKED);
    // Assess
    expect([outcome.outcome, outcome.detail, outcome.record]).toEqual([
      'self-key',
      'nothing: the responder itself signs with this key; deactivate it by hand.',
      true,
    ]);
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Active');
  });

  it('only reports the key when exposedKeyAction is notify, saying it is still active', async () => {
    // Act
    const outcome = await respond(LEAKED, { EXPOSED_KEY_ACTION: 'notify' });
    // Assess
    expect([outcome.outcome, outcome.detail, outcome.record]).toEqual([
      'notified',
      'nothing (exposedKeyAction is notify): the key is still active; deactivate it now.',
      true,
    ]);
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Active');
  });

  it('reports a key someone already switched off as such, recorded as final', async () => {
    // Act
    const outcome = await respond(INACTIVE);
    // Assess
    expect([outcome.outcome, outcome.detail, outcome.record]).toEqual([
      'already-inactive',
      'nothing: already inactive, not deactivated by key-hygiene; no record written.',
      true,
    ]);
  });

  it('says the key is still active and why, with the AWS error, when IAM refuses to deactivate it', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 'iam:UpdateAccessKey', code: 'AccessDenied' });
    // Act
    const outcome = await respond(LEAKED);
    // Assess
    expect([outcome.outcome, outcome.detail, outcome.record]).toEqual([
      'failed',
      `not deactivated: UpdateAccessKey failed; key still active (the user already carries key-hygiene:deactivated-${LEAKED}; the next run completes the deactivation while the key stays unused) (AccessDenied: ${DENIED}iam:UpdateAccessKey); deactivate it by hand.`,
      false,
    ]);
    expect((await keyStatuses(env.iam, 'leaked'))[LEAKED]).toBe('Active');
  });
});
