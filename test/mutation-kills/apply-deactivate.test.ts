import { ListAccessKeysCommand, ListUserTagsCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import type { PlannedAction } from '../../src/model.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { CURRENT_RUN, failingOn, failingOnCall, KEY, killsFixture, racingOn, T0 } from './sandbox-account.js';

const env = useSandbox(killsFixture);

const deactivation = (accessKeyId: string = KEY.stale): PlannedAction => ({
  action: 'deactivate',
  ruleId: 'unused-key',
  userName: 'vic',
  key: { kind: 'id', accessKeyId },
  status: 'planned',
  reason: null,
  error: null,
});

const DEPS = { now: T0, unusedKeyDays: 90, runId: CURRENT_RUN };

async function statusOf(accessKeyId: string): Promise<string | undefined> {
  const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: 'vic' }));
  return AccessKeyMetadata.find((key) => key.AccessKeyId === accessKeyId)?.Status;
}

describe('Function: applyActions (deactivations, each live check)', () => {
  it('deactivates a key last used exactly the threshold ago, and spares it one day sooner', async () => {
    // Act
    const [spared] = await applyActions({ iam: env.iam, ...DEPS, unusedKeyDays: 91 }, [deactivation()]);
    const [applied] = await applyActions({ iam: env.iam, ...DEPS }, [deactivation()]);
    // Assess
    expect(spared?.reason).toBe('live check: used 90 days ago (s3), within the 91-day threshold');
    expect(applied).toEqual({ ...deactivation(), status: 'applied', reason: null, error: null });
    expect(await statusOf(KEY.stale)).toBe('Inactive');
  });

  it('counts a use after the evaluation time (a late clock) as 0 days ago', async () => {
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS, now: new Date('2026-08-21T03:00:00Z') }, [
      deactivation(),
    ]);
    // Assess
    expect(outcome?.reason).toBe('live check: used 0 days ago (s3), within the 90-day threshold');
  });

  it('deactivates a key never used', async () => {
    // Act
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [deactivation(KEY.neverUsed)]);
    // Assess
    expect(outcome?.status).toBe('applied');
    expect(await statusOf(KEY.neverUsed)).toBe('Inactive');
  });

  it('never acts on a planned key known only by its slot', async () => {
    // Act
    const slot: PlannedAction = { ...deactivation(), key: { kind: 'slot', slot: 1 } };
    const [outcome] = await applyActions({ iam: env.iam, ...DEPS }, [slot]);
    // Assess
    expect(outcome).toEqual({
      ...slot,
      status: 'skipped',
      reason: 'key id unknown: the credential report has no key ids, so the key cannot be addressed',
    });
  });

  it.each([
    ['GetAccessKeyLastUsedCommand', 'live confirmation failed; key left untouched'],
    ['ListAccessKeysCommand', 'live check of the key status failed; key left untouched'],
    [
      'TagUserCommand',
      'tagging the user with the deactivation record failed; key left active, the next run retries',
    ],
    [
      'ListUserTagsCommand',
      'tagging the user with the deactivation record failed; key left active, the next run retries',
    ],
  ])('fails, leaving the key active, when %s fails', async (command, reason) => {
    // Act
    const [outcome] = await applyActions({ iam: failingOn(env.sandbox, command), ...DEPS }, [deactivation()]);
    // Assess
    expect(outcome).toMatchObject({ status: 'failed', reason, error: { code: 'ServiceFailure' } });
    expect(await statusOf(KEY.stale)).toBe('Active');
  });

  it('reports a failure, naming the deactivation done, when reading the record back after UpdateAccessKey fails', async () => {
    // Prepare: the first read-back (before UpdateAccessKey) succeeds, the second fails.
    const iam = failingOnCall(env.sandbox, 'ListUserTagsCommand', 2);
    // Act
    const [outcome] = await applyActions({ iam, ...DEPS }, [deactivation()]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'the key was deactivated, but reading its record back failed; check the tag by hand',
      error: { code: 'ServiceFailure' },
    });
    expect(await statusOf(KEY.stale)).toBe('Inactive');
  });

  it('leaves the key to nobody when its record vanishes right after being written', async () => {
    // Prepare: someone removes the record between our TagUser and our read-back.
    const iam = racingOn(env.sandbox, 'ListUserTagsCommand', () =>
      env.iam.send(
        new UntagUserCommand({ UserName: 'vic', TagKeys: [`key-hygiene:deactivated-${KEY.stale}`] }),
      ),
    );
    // Act
    const [outcome] = await applyActions({ iam, ...DEPS }, [deactivation()]);
    // Assess
    const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: 'vic' }));
    expect(Tags).toEqual([]);
    expect(outcome?.status).toBe('skipped');
    expect(outcome?.reason).toBe(
      'another key-hygiene run is deactivating this key at the same time and holds its record (removed); left to it',
    );
    expect(await statusOf(KEY.stale)).toBe('Active');
  });
});
