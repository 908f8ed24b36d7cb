import { TagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { findRunDeactivations } from '../../src/undo/find-deactivations.js';
import { ACCOUNT_ID } from '../support/relative-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { EARLIER_RUN, failingOn, KEY, killsFixture, racingOn } from './sandbox-account.js';

const env = useSandbox(killsFixture);

const VALUE = `2026-10-01 unused-key ${EARLIER_RUN}`;

describe('Function: findRunDeactivations (what counts as the run’s record)', () => {
  it('finds every tag naming the run, whatever the case of its key, sorted by user then key', async () => {
    // Prepare: records that are not this run's: another run, an old two-part value, a look-alike key.
    await env.iam.send(
      new TagUserCommand({
        UserName: 'auditor',
        Tags: [
          {
            Key: 'key-hygiene:deactivated-AKIAOTHERRUN00000001',
            Value: '2026-10-01 unused-key 20261002T030000Z-aaaaaa',
          },
          { Key: 'key-hygiene:deactivated-AKIAOLDVALUE00000001', Value: '2026-10-01 unused-key' },
          { Key: 'note:key-hygiene:deactivated-AKIANOTOURS00000001', Value: VALUE },
          { Key: 'key-hygiene:deactivated-AKIAHANDWRITTEN00001', Value: 'switched off by hand' },
        ],
      }),
    );
    // The responder's exposed record, in another case, marks that key only.
    await env.iam.send(
      new TagUserCommand({
        UserName: 'uma',
        Tags: [{ Key: `Key-Hygiene:Exposed-${KEY.undoneToo}`, Value: `2026-10-01 ${EARLIER_RUN}` }],
      }),
    );
    // Act
    const result = await findRunDeactivations(env.iam, EARLIER_RUN, { concurrency: 2 });
    // Assess
    expect(result).toEqual({
      found: [
        {
          userName: 'abe',
          accessKeyId: KEY.active,
          tagKey: `key-hygiene:deactivated-${KEY.active}`,
          tagValue: VALUE,
          exposedRecord: false,
        },
        {
          userName: 'dora',
          accessKeyId: KEY.doomed,
          tagKey: `key-hygiene:deactivated-${KEY.doomed}`,
          tagValue: VALUE,
          exposedRecord: false,
        },
        {
          userName: 'sol',
          accessKeyId: KEY.usedAtStart,
          tagKey: `key-hygiene:deactivated-${KEY.usedAtStart}`,
          tagValue: VALUE,
          exposedRecord: false,
        },
        {
          userName: 'uma',
          accessKeyId: KEY.undone,
          tagKey: `Key-Hygiene:Deactivated-${KEY.undone}`,
          tagValue: VALUE,
          exposedRecord: false,
        },
        {
          userName: 'uma',
          accessKeyId: KEY.undoneToo,
          tagKey: `key-hygiene:deactivated-${KEY.undoneToo}`,
          tagValue: VALUE,
          exposedRecord: true,
        },
      ],
      errors: [],
      notReached: [],
      complete: true,
    });
  });

  it('orders one user’s records by key id when listed in that order, and reads only the responder’s tag as exposed', async () => {
    // Prepare: records of keys since deleted, tagged in key order; a ticket tag as long as the
    // exposed prefix and ending in a recorded key id, which is not the responder's record.
    await env.iam.send(
      new TagUserCommand({
        UserName: 'auditor',
        Tags: [
          { Key: 'key-hygiene:deactivated-AKIAGONE000000000001', Value: VALUE },
          { Key: 'key-hygiene:deactivated-AKIAGONE000000000002', Value: VALUE },
          { Key: 'rotation-ticket-for-AKIAGONE000000000001', Value: 'SEC-1234' },
        ],
      }),
    );
    // Act
    const result = await findRunDeactivations(env.iam, EARLIER_RUN, { concurrency: 1 });
    // Assess
    expect(result.found.filter((entry) => entry.userName === 'auditor')).toEqual([
      {
        userName: 'auditor',
        accessKeyId: 'AKIAGONE000000000001',
        tagKey: 'key-hygiene:deactivated-AKIAGONE000000000001',
        tagValue: VALUE,
        exposedRecord: false,
      },
      {
        userName: 'auditor',
        accessKeyId: 'AKIAGONE000000000002',
        tagKey: 'key-hygiene:deactivated-AKIAGONE000000000002',
        tagValue: VALUE,
        exposedRecord: false,
      },
    ]);
  });

  it('passes over a user deleted between the listing and the tag read', async () => {
    // Prepare: dora is deleted as her tags are about to be read.
    const iam = racingOn(env.sandbox, 'ListUserTagsCommand', (input) => {
      if (input.UserName === 'dora') env.sandbox.state.accounts.get(ACCOUNT_ID)?.users.delete('dora');
    });
    // Act
    const result = await findRunDeactivations(iam, EARLIER_RUN, { concurrency: 1 });
    // Assess
    expect(result.found.map((entry) => entry.userName)).toEqual(['abe', 'sol', 'uma', 'uma']);
    expect(result.errors).toEqual([]);
    expect(result.complete).toBe(true);
  });

  it('records a user whose tags cannot be read, and says the search is incomplete', async () => {
    // Act
    const result = await findRunDeactivations(failingOn(env.sandbox, 'ListUserTagsCommand'), EARLIER_RUN, {
      concurrency: 1,
    });
    // Assess
    expect(result.found).toEqual([]);
    expect(result.complete).toBe(false);
    expect(result.errors).toHaveLength(6);
    expect(result.errors[0]).toMatchObject({
      userName: 'auditor',
      accessKeyId: null,
      operation: 'ListUserTags',
      code: 'ServiceFailure',
    });
  });

  it('records a failed user listing, and says the search is incomplete', async () => {
    // Act
    const result = await findRunDeactivations(failingOn(env.sandbox, 'ListUsersCommand'), EARLIER_RUN, {
      concurrency: 1,
    });
    // Assess
    expect(result).toMatchObject({
      found: [],
      complete: false,
      errors: [{ userName: null, accessKeyId: null, operation: 'ListUsers', code: 'ServiceFailure' }],
    });
  });
});
