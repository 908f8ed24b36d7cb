import {
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import type { ArchivedRun } from '../../src/archive/read-archive.js';
import type { PlannedAction } from '../../src/model.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { CURRENT_RUN, EARLIER_RUN, failingOn, KEY, killsFixture, T0 } from './sandbox-account.js';

const env = useSandbox(killsFixture);

const deletion = (userName = 'dora', accessKeyId: string = KEY.doomed): PlannedAction => ({
  action: 'delete',
  ruleId: 'inactive-key-cleanup',
  userName,
  key: { kind: 'id', accessKeyId },
  status: 'planned',
  reason: null,
  error: null,
});

// The earlier run's archived report lists every key the fixture tags as deactivated by it; deletion
// checks that listing after its live re-checks.
const ARCHIVED = new Map(
  [
    ['dora', KEY.doomed],
    ['uma', KEY.undone],
    ['uma', KEY.undoneToo],
    ['abe', KEY.active],
    ['sol', KEY.usedAtStart],
  ].map(([user, keyId]) => [`${user}\u0000${keyId}`, 'unused-key'] as const),
);
const archivedRun = async (runId: string): Promise<ArchivedRun> =>
  runId === EARLIER_RUN
    ? { kind: 'read', deactivated: ARCHIVED }
    : { kind: 'unread', why: `no archived report for ${runId}` };

const DEPS = { now: T0, unusedKeyDays: 90, runId: CURRENT_RUN, deleteAfterDays: 30, archivedRun };
const TAG = `key-hygiene:deactivated-${KEY.doomed}`;

async function keysOf(userName: string): Promise<string[]> {
  const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata.map((key) => `${key.AccessKeyId} ${key.Status}`);
}

async function tagsOf(userName: string): Promise<string[]> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Tags.map((tag) => tag.Key ?? '');
}

describe('Function: applyActions (deletions, each live re-check)', () => {
  it('deletes a key our earlier run deactivated long enough ago, and removes its tag', async () => {
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion()]);
    // Assess
    expect(outcome).toEqual({ ...deletion(), status: 'applied', reason: null, error: null });
    expect(await keysOf('dora')).toEqual([]);
    expect(await tagsOf('dora')).toEqual(['owner']);
  });

  it('deletes nothing for a caller that gives no run id, or no CLEANUP_DAYS', async () => {
    // Act
    const [withoutRun] = await applyActions({ iam: env.iam, ...DEPS, runId: undefined }, [deletion()]);
    const [withoutDays] = await applyActions({ iam: env.iam, ...DEPS, deleteAfterDays: undefined }, [
      deletion(),
    ]);
    // Assess
    const reason = 'deletion needs the run id and CLEANUP_DAYS, which this caller did not give; not deleted';
    expect(withoutRun).toEqual({ ...deletion(), status: 'skipped', reason, error: null });
    expect(withoutDays).toEqual({ ...deletion(), status: 'skipped', reason, error: null });
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it('skips a key no longer listed under the user', async () => {
    // Act: the plan names dora's key under uma.
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion('uma')]);
    // Assess
    expect(outcome).toEqual({
      ...deletion('uma'),
      status: 'skipped',
      reason: 'live check: the key no longer exists under this user; nothing to delete',
      error: null,
    });
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it('finds the tag whatever the case of its key, as IAM compares tag keys', async () => {
    // Act: uma's tag for KEY.undone is stored as `Key-Hygiene:Deactivated-...`.
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion('uma', KEY.undone)]);
    // Assess
    expect(outcome?.status).toBe('applied');
    expect(await keysOf('uma')).toEqual([`${KEY.undoneToo} Inactive`]);
  });

  it('skips, with the live reason, a key whose tag the rule checks refuse (here: still active)', async () => {
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion('abe', KEY.active)]);
    // Assess
    expect(outcome).toEqual({
      ...deletion('abe', KEY.active),
      status: 'skipped',
      reason: 'live check: the key is Active, not Inactive; not deleted',
      error: null,
    });
    expect(await keysOf('abe')).toEqual([`${KEY.active} Active`]);
  });

  it('skips a key whose tag was removed since the plan', async () => {
    // Prepare
    await env.iam.send(new UntagUserCommand({ UserName: 'dora', TagKeys: [TAG] }));
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion()]);
    // Assess
    expect(outcome?.reason).toBe(
      'live check: no key-hygiene deactivation tag on the user for this key; delete it by hand if intended; not deleted',
    );
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it('skips a key used after the run its tag names (the tag was rewritten since the plan)', async () => {
    // Prepare: the record now names a run in May; the key was used in June.
    await env.iam.send(
      new TagUserCommand({
        UserName: 'dora',
        Tags: [{ Key: TAG, Value: '2026-05-01 unused-key 20260501T030000Z-dddddd' }],
      }),
    );
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion()]);
    // Assess
    expect(outcome?.reason).toBe(
      'live check: used on 2026-06-01, after run 20260501T030000Z-dddddd deactivated it; someone reactivated it since; not deleted',
    );
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it('deletes a key last used at the very second its run started: that use came before the deactivation', async () => {
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deletion('sol', KEY.usedAtStart)]);
    // Assess
    expect(outcome?.status).toBe('applied');
    expect(await keysOf('sol')).toEqual([]);
  });

  it('deletes nothing without the report archive, whatever the tag says', async () => {
    // Act: a caller with no archive to read (no reportBucket).
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS, archivedRun: undefined }, [deletion()]);
    // Assess
    expect(outcome).toEqual({
      ...deletion(),
      status: 'skipped',
      reason: 'deletion needs the report archive (reportBucket) to confirm the deactivation; not deleted',
      error: null,
    });
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it("deletes nothing when the deactivating run's archived report cannot be read", async () => {
    // Prepare
    const asked: string[] = [];
    const unreadable = async (runId: string): Promise<ArchivedRun> => {
      asked.push(runId);
      return { kind: 'unread', why: 'the object could not be read' };
    };
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS, archivedRun: unreadable }, [deletion()]);
    // Assess
    expect(asked).toEqual([EARLIER_RUN]);
    expect(outcome).toEqual({
      ...deletion(),
      status: 'skipped',
      reason:
        "the deactivating run's archived report cannot confirm it: the object could not be read; not deleted",
      error: null,
    });
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
  });

  it('deletes nothing when the archived report of the run the tag names does not list the key', async () => {
    // Prepare: the run's report was archived, but lists no deactivation (the tag was forged).
    const listsNothing = async (): Promise<ArchivedRun> => ({ kind: 'read', deactivated: new Map() });
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS, archivedRun: listsNothing }, [deletion()]);
    // Assess
    expect(outcome).toEqual({
      ...deletion(),
      status: 'skipped',
      reason: `the archived report of run ${EARLIER_RUN} does not list this key as deactivated, so its tag is not key-hygiene's record; not deleted`,
      error: null,
    });
    expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
    expect(await tagsOf('dora')).toEqual(['owner', TAG]);
  });

  it.each([['ListAccessKeysCommand'], ['ListUserTagsCommand'], ['GetAccessKeyLastUsedCommand']])(
    'fails, touching nothing, when the live check (%s) fails',
    async (command) => {
      // Act
      const [outcome] = await applyActions({ iam: failingOn(env.sandbox, command), ...DEPS }, [deletion()]);
      // Assess
      expect(outcome).toMatchObject({
        status: 'failed',
        reason: 'live check before deletion failed; key left untouched',
        error: { code: 'ServiceFailure' },
      });
      expect(await keysOf('dora')).toEqual([`${KEY.doomed} Inactive`]);
      expect(await tagsOf('dora')).toEqual(['owner', TAG]);
    },
  );

  it('fails when DeleteAccessKey fails, and keeps the tag', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'DeleteAccessKeyCommand');
    const [outcome] = await applyActions({ iam, ...DEPS }, [deletion()]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'DeleteAccessKey failed; key still exists (inactive)',
      error: { code: 'ServiceFailure' },
    });
    expect(await tagsOf('dora')).toEqual(['owner', TAG]);
  });

  it('reports the deletion and the tag left behind when UntagUser fails', async () => {
    // Act
    const iam = failingOn(env.sandbox, 'UntagUserCommand');
    const [outcome] = await applyActions({ iam, ...DEPS }, [deletion()]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'applied',
      reason: `deleted, but removing the ${TAG} tag failed; remove it by hand`,
      error: { code: 'ServiceFailure' },
    });
    expect(await keysOf('dora')).toEqual([]);
    expect(await tagsOf('dora')).toEqual(['owner', TAG]);
  });
});
