import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  exposedEvidence,
  reactivate,
  setAsideUnrevivable,
  type UndoCandidate,
} from '../../src/undo/reactivate.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { EARLIER_RUN, failingOn, KEY, killsFixture, racingOn } from './sandbox-account.js';

const env = useSandbox(killsFixture);

const VALUE = `2026-10-01 unused-key ${EARLIER_RUN}`;

const entry = (
  userName: string,
  accessKeyId: string,
  fields: Partial<UndoCandidate> = {},
): UndoCandidate => ({
  userName,
  accessKeyId,
  tagKey: `key-hygiene:deactivated-${accessKeyId}`,
  tagValue: VALUE,
  exposedRecord: false,
  archivedRule: null,
  ...fields,
});

describe('Function: exposedEvidence (why undo keeps a key off)', () => {
  it('names the archived report when it alone records exposed-key, whatever the tag says', () => {
    // Act
    const evidence = exposedEvidence(entry('dora', KEY.doomed, { archivedRule: 'exposed-key' }));
    // Assess
    expect(evidence).toBe('the archived report of the run records rule exposed-key');
  });

  it('finds no evidence in a tag value that is not a deactivation record', () => {
    // Act
    const evidence = exposedEvidence(entry('dora', KEY.doomed, { tagValue: 'switched off by hand' }));
    // Assess
    expect(evidence).toBeNull();
  });
});

describe('Function: setAsideUnrevivable (before anyone is asked)', () => {
  it('sets nothing aside when the user’s policies cannot be listed, leaving the check to reactivate', async () => {
    // Prepare
    const iam = failingOn(env.sandbox, 'ListAttachedUserPoliciesCommand');
    const candidates = [entry('dora', KEY.doomed)];
    // Act
    const result = await setAsideUnrevivable(iam, candidates);
    // Assess
    expect(result).toEqual({ candidates, skipped: [] });
  });

  it('lists the attached policies once per user, however many of its keys are candidates', async () => {
    // Prepare
    const listed: unknown[] = [];
    const iam = racingOn(env.sandbox, 'ListAttachedUserPoliciesCommand', (input) =>
      listed.push(input.UserName),
    );
    const candidates = [entry('uma', KEY.undone), entry('uma', KEY.undoneToo), entry('dora', KEY.doomed)];
    // Act
    const result = await setAsideUnrevivable(iam, candidates);
    // Assess
    expect(result).toEqual({ candidates, skipped: [] });
    expect(listed).toEqual(['uma', 'dora']);
  });
});

describe('Function: reactivate (the live quarantine check)', () => {
  it('fails, leaving the key Inactive, when the user’s attached policies cannot be read', async () => {
    // Prepare
    const iam = failingOn(env.sandbox, 'ListAttachedUserPoliciesCommand');
    // Act
    const { actions } = await reactivate({ iam }, EARLIER_RUN, [entry('dora', KEY.doomed)]);
    // Assess
    expect(actions).toEqual([
      {
        userName: 'dora',
        accessKeyId: KEY.doomed,
        deactivation: VALUE,
        status: 'failed',
        reason: 'could not read the user’s attached policies (is AWS quarantining it?); key left Inactive',
        error: expect.objectContaining({ code: 'ServiceFailure' }),
      },
    ]);
    const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: 'dora' }));
    expect(AccessKeyMetadata.map((key) => key.Status)).toEqual(['Inactive']);
  });
});
