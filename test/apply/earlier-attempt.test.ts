import { describe, expect, it } from 'vitest';
import { earlierAttemptDeactivations } from '../../src/apply/earlier-attempt.js';
import type { KeyRecord, PlannedAction, UserRecord } from '../../src/model.js';

const RUN = '20261120T030000Z-1a2b3c';
const OTHER_RUN = '20261119T030000Z-0f0f0f';

const key = (
  accessKeyId: string | null,
  status: KeyRecord['status'],
  slot: 1 | 2 | null = null,
): KeyRecord => ({
  accessKeyId,
  slot,
  status,
  createDate: new Date('2025-01-01T00:00:00Z'),
  lastUsed: null,
});
const user = (userName: string, keys: KeyRecord[], tags: Record<string, string>): UserRecord => ({
  userName,
  arn: `arn:aws:iam::111111111111:user/${userName}`,
  path: '/',
  createDate: null,
  tags,
  team: null,
  isRoot: false,
  keys,
});

describe('Function: earlierAttemptDeactivations', () => {
  it("lists as applied the inactive keys whose record names this run, and nothing of another run's", () => {
    // Prepare
    const users = [
      user('sam', [key('AKIASAM', 'Inactive')], {
        'key-hygiene:deactivated-AKIASAM': `2026-11-20 unused-key ${RUN}`,
      }),
      user('old', [key('AKIAOLD', 'Inactive')], {
        'key-hygiene:deactivated-AKIAOLD': `2026-11-19 unused-key ${OTHER_RUN}`,
      }),
      user('legacy', [key('AKIALEGACY', 'Inactive')], {
        'key-hygiene:deactivated-AKIALEGACY': '2026-11-20 unused-key',
      }),
      user('cost', [key('AKIACOST', 'Inactive')], { 'cost-center': RUN }),
    ];
    // Act
    const recovered = earlierAttemptDeactivations(users, RUN, []);
    // Assess
    expect(recovered).toEqual([
      {
        action: 'deactivate',
        ruleId: 'unused-key',
        userName: 'sam',
        key: { kind: 'id', accessKeyId: 'AKIASAM' },
        status: 'applied',
        reason: 'deactivated by an earlier attempt of this run, which stopped before it delivered its report',
        error: null,
      },
    ]);
  });

  it('never claims a key that may still be active, nor one this attempt acts on itself', () => {
    // Prepare: killed between the record and UpdateAccessKey (still active); a slot-only key while
    // the user has an active key; a key this attempt deactivates itself
    const users = [
      user('tagged-active', [key('AKIAACTIVE', 'Active')], {
        'key-hygiene:deactivated-AKIAACTIVE': `2026-11-20 unused-key ${RUN}`,
      }),
      user('slots', [key(null, 'Active', 1), key(null, 'Inactive', 2)], {
        'key-hygiene:deactivated-AKIASLOT': `2026-11-20 unused-key ${RUN}`,
      }),
      user('own', [key('AKIAOWN', 'Inactive')], {
        'key-hygiene:deactivated-AKIAOWN': `2026-11-20 unused-key ${RUN}`,
      }),
    ];
    const own: PlannedAction[] = [
      {
        action: 'deactivate',
        ruleId: 'unused-key',
        userName: 'own',
        key: { kind: 'id', accessKeyId: 'AKIAOWN' },
        status: 'applied',
        reason: null,
        error: null,
      },
    ];
    // Act
    const recovered = earlierAttemptDeactivations(users, RUN, own);
    // Assess
    expect(recovered).toEqual([]);
  });

  it('claims a slot-only key when the user has no active key left (key ids as the record spells them)', () => {
    // Prepare
    const users = [
      user('slots', [key(null, 'Inactive', 1)], {
        'KEY-HYGIENE:deactivated-AKIASLOT': `2026-11-20 exposed-key ${RUN}`,
      }),
    ];
    // Act
    const recovered = earlierAttemptDeactivations(users, RUN, []);
    // Assess
    expect(recovered.map((a) => [a.userName, a.key, a.ruleId])).toEqual([
      ['slots', { kind: 'id', accessKeyId: 'AKIASLOT' }, 'exposed-key'],
    ]);
  });
  it('claims the recorded inactive key of a user whose other key is still active', () => {
    // Prepare: the active key comes first, so only a lookup by id finds the recorded one
    const users = [
      user('two-keys', [key('AKIASTILLON', 'Active'), key('AKIASWITCHEDOFF', 'Inactive')], {
        'key-hygiene:deactivated-AKIASWITCHEDOFF': `2026-11-20 unused-key ${RUN}`,
      }),
    ];
    // Act
    const recovered = earlierAttemptDeactivations(users, RUN, []);
    // Assess
    expect(recovered).toEqual([
      {
        action: 'deactivate',
        ruleId: 'unused-key',
        userName: 'two-keys',
        key: { kind: 'id', accessKeyId: 'AKIASWITCHEDOFF' },
        status: 'applied',
        reason: 'deactivated by an earlier attempt of this run, which stopped before it delivered its report',
        error: null,
      },
    ]);
  });

  it('reads only deactivation tags, and passes over one whose value is no record', () => {
    // Prepare: a hand-written deactivation tag, and another tag whose value looks like a record
    const users = [
      user('noisy', [key('AKIAOFF', 'Inactive')], {
        'key-hygiene:deactivated-AKIAOFF': 'switched off by hand',
        'change-ticket': `2026-11-20 unused-key ${RUN}`,
      }),
    ];
    // Act
    const recovered = earlierAttemptDeactivations(users, RUN, []);
    // Assess
    expect(recovered).toEqual([]);
  });
});
