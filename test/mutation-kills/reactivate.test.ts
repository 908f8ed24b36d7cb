import {
  DeleteAccessKeyCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { reactivate, UNDO_SKIP_REASONS, type UndoCandidate } from '../../src/undo/reactivate.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { EARLIER_RUN, failingOn, KEY, killsFixture } from './sandbox-account.js';

/** The actions of one reactivation (its `complete` flag is covered by test/undo). */
const reactivateActions = async (...args: Parameters<typeof reactivate>) =>
  (await reactivate(...args)).actions;

const env = useSandbox(killsFixture);

const VALUE = `2026-10-01 unused-key ${EARLIER_RUN}`;

const entry = (userName: string, accessKeyId: string, tagKey?: string): UndoCandidate => ({
  userName,
  accessKeyId,
  tagKey: tagKey ?? `key-hygiene:deactivated-${accessKeyId}`,
  tagValue: VALUE,
  exposedRecord: false,
  archivedRule: null,
});

const DORA = entry('dora', KEY.doomed);

async function statusOf(userName: string, accessKeyId: string): Promise<string | undefined> {
  const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata.find((key) => key.AccessKeyId === accessKeyId)?.Status;
}

async function tagsOf(userName: string): Promise<string[]> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Tags.map((tag) => tag.Key ?? '');
}

describe('Function: reactivate (each check and each failure)', () => {
  it('reactivates the key and removes the tag exactly as stored, reporting the tag value it undid', async () => {
    // Prepare
    const stored = entry('uma', KEY.undone, `Key-Hygiene:Deactivated-${KEY.undone}`);
    // Act
    const actions = await reactivateActions({ iam: env.iam, shouldStop: () => false }, EARLIER_RUN, [stored]);
    // Assess
    expect(actions).toEqual([
      {
        userName: 'uma',
        accessKeyId: KEY.undone,
        deactivation: VALUE,
        status: 'reactivated',
        reason: null,
        error: null,
      },
    ]);
    expect(await statusOf('uma', KEY.undone)).toBe('Active');
    expect(await tagsOf('uma')).toEqual([`key-hygiene:deactivated-${KEY.undoneToo}`, 'team']);
  });

  it('starts nothing once the time budget is spent, and says to run the undo again', async () => {
    // Act
    let asked = 0;
    const actions = await reactivateActions({ iam: env.iam, shouldStop: () => ++asked > 1 }, EARLIER_RUN, [
      DORA,
      entry('uma', KEY.undoneToo),
    ]);
    // Assess
    expect(actions.map((action) => [action.accessKeyId, action.status, action.reason])).toEqual([
      [KEY.doomed, 'reactivated', null],
      [KEY.undoneToo, 'skipped', 'time budget spent before this key; run the undo again to finish'],
    ]);
    expect(await statusOf('uma', KEY.undoneToo)).toBe('Inactive');
  });

  it('skips a user that no longer exists', async () => {
    // Act
    const [action] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [entry('ghost', KEY.doomed)]);
    // Assess
    expect(action).toMatchObject({
      status: 'skipped',
      reason: 'the user no longer exists; nothing to reactivate',
      error: null,
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
  });

  it('fails, touching nothing, when the keys cannot be listed', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'ListAccessKeysCommand');
    const [action] = await reactivateActions({ iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'failed',
      reason: 'could not list the user’s keys; key left untouched',
      error: { code: 'ServiceFailure' },
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
    expect(await tagsOf('dora')).toEqual(['owner', DORA.tagKey]);
  });

  it('skips a key deleted since the run and removes its stale tag', async () => {
    // Prepare
    await env.iam.send(new DeleteAccessKeyCommand({ UserName: 'dora', AccessKeyId: KEY.doomed }));
    // Act
    const [action] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'skipped',
      reason: UNDO_SKIP_REASONS.keyGone('the stale tag was removed'),
      error: null,
    });
    expect(await tagsOf('dora')).toEqual(['owner']);
  });

  it('leaves another user’s key and its owner’s tag alone when the tag names it under the wrong user', async () => {
    // Act: the entry names dora's key under abe.
    const [action] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [entry('abe', KEY.doomed)]);
    // Assess
    expect(action).toMatchObject({
      status: 'skipped',
      reason: UNDO_SKIP_REASONS.otherOwner('dora'),
      error: null,
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
    expect(await tagsOf('dora')).toEqual(['owner', DORA.tagKey]);
    expect(await tagsOf('abe')).toEqual([`key-hygiene:deactivated-${KEY.active}`]);
  });

  it('leaves the root user’s key alone when a user’s tag names it, calling its owner another principal', async () => {
    // Act: a tag on abe names the root user's key.
    const [action] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [entry('abe', KEY.root)]);
    // Assess
    expect(action).toMatchObject({
      status: 'skipped',
      reason:
        'the key is not listed under this user: it belongs to another principal; left untouched (tag kept)',
      error: null,
    });
  });

  it('skips a key already active and removes its stale tag', async () => {
    // Act
    const [removed] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [entry('abe', KEY.active)]);
    // Assess
    expect(removed).toMatchObject({
      status: 'skipped',
      reason: UNDO_SKIP_REASONS.alreadyActive('the stale tag was removed'),
      error: null,
    });
    expect(await tagsOf('abe')).toEqual([]);
  });

  it('reports the tag it could not remove from a key deleted since the run', async () => {
    // Act
    await env.iam.send(new DeleteAccessKeyCommand({ UserName: 'dora', AccessKeyId: KEY.doomed }));
    const iam = failingOn(env.sandbox, 'UntagUserCommand');
    const [action] = await reactivateActions({ iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'skipped',
      reason: UNDO_SKIP_REASONS.keyGone(`removing the stale tag failed; remove ${DORA.tagKey} by hand`),
      error: { code: 'ServiceFailure' },
    });
    expect(await tagsOf('dora')).toEqual(['owner', DORA.tagKey]);
  });

  it('leaves Inactive a key used after the run started, and reactivates one used at its very start', async () => {
    // Act: sol's key was last used at 2026-10-01T03:00:00Z, the start EARLIER_RUN names.
    const [atStart] = await reactivateActions({ iam: env.iam }, EARLIER_RUN, [entry('sol', KEY.usedAtStart)]);
    const [before] = await reactivateActions({ iam: env.iam }, '20261001T025959Z-aaaaaa', [DORA]);
    env.sandbox.state.reset();
    const [after] = await reactivateActions({ iam: env.iam }, '20260501T030000Z-dddddd', [DORA]);
    // Assess
    expect(atStart?.status).toBe('reactivated');
    expect(before?.status).toBe('reactivated');
    expect(after).toMatchObject({
      status: 'skipped',
      reason:
        'the key was used at 2026-06-01T00:00:00.000Z, after run 20260501T030000Z-dddddd deactivated it, so someone reactivated and deactivated it since; left Inactive (tag kept)',
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
    expect(await tagsOf('dora')).toEqual(['owner', DORA.tagKey]);
  });

  it('leaves a used key Inactive when the run id names no time, since no use can be placed after it', async () => {
    // Act
    const [action] = await reactivateActions({ iam: env.iam }, 'manual-2026', [DORA]);
    // Assess
    expect(action?.status).toBe('skipped');
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
  });

  it('reactivates a never-used key whatever the run id', async () => {
    // Prepare: abe's key, switched off by the run, was never used.
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'abe', AccessKeyId: KEY.active, Status: 'Inactive' }),
    );
    // Act
    const [action] = await reactivateActions({ iam: env.iam }, 'manual-2026', [entry('abe', KEY.active)]);
    // Assess
    expect(action?.status).toBe('reactivated');
  });

  it('fails, leaving the key Inactive, when its last use cannot be read', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'GetAccessKeyLastUsedCommand');
    const [action] = await reactivateActions({ iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'failed',
      reason: 'could not read when the key was last used; key left Inactive',
      error: { code: 'ServiceFailure' },
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Inactive');
  });

  it('fails, keeping the tag, when UpdateAccessKey fails', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'UpdateAccessKeyCommand');
    const [action] = await reactivateActions({ iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'failed',
      reason: 'UpdateAccessKey failed; key still Inactive (tag kept, so the undo can be run again)',
      error: { code: 'ServiceFailure' },
    });
    expect(await tagsOf('dora')).toEqual(['owner', DORA.tagKey]);
  });

  it('reports a reactivation whose tag could not be removed', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'UntagUserCommand');
    const [action] = await reactivateActions({ iam }, EARLIER_RUN, [DORA]);
    // Assess
    expect(action).toMatchObject({
      status: 'reactivated',
      reason: `reactivated, but removing the ${DORA.tagKey} tag failed; remove it by hand`,
      error: { code: 'ServiceFailure' },
    });
    expect(await statusOf('dora', KEY.doomed)).toBe('Active');
  });
});
