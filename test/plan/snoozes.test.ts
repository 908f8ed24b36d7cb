import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/model.js';
import {
  type SnoozeAnswer,
  type SnoozeAnswers,
  snoozeNote,
  snoozeSkipReason,
  snoozeVerdict,
} from '../../src/plan/snoozes.js';
import { makeKey, makeUser } from '../evaluate/factories.js';

const KEY = 'AKIASNOOZE0000000001';
const OTHER_KEY = 'AKIASNOOZE0000000002';
const NONCE = 'nonce-0123456789abcdef';

/** A user whose `key-hygiene:snoozed` tag keeps KEY until `until` by the answer NONCE. */
const snoozedUser = (until: string, userName = 'sam'): UserRecord =>
  makeUser({
    userName,
    tags: { 'key-hygiene:snoozed': `${KEY}:${until}:1:${NONCE}` },
    keys: [makeKey({ accessKeyId: KEY })],
  });

const answer = (fields: Partial<SnoozeAnswer> = {}): SnoozeAnswer => ({
  userName: 'sam',
  accessKeyId: KEY,
  until: '2026-06-10',
  who: 'sam@example.com',
  reason: 'nightly export moves next week',
  answeredAt: '2026-05-20T08:15:00.000Z',
  ...fields,
});

const answers = (...entries: SnoozeAnswer[]): SnoozeAnswers =>
  new Map(entries.map((entry, index) => [index === 0 ? NONCE : `${NONCE}-${index}`, entry]));

const ENTRY_0610 = { accessKeyId: KEY, until: '2026-06-10', count: 1, nonce: NONCE };

describe('Function: snoozeVerdict', () => {
  it('holds a confirmed snooze through its last day (UTC), inclusive', () => {
    // Prepare
    const confirmed = answer();
    // Act
    const lastMoment = snoozeVerdict(
      snoozedUser('2026-06-10'),
      KEY,
      answers(confirmed),
      new Date('2026-06-10T23:59:59.999Z'),
    );
    // Assess
    expect(lastMoment).toEqual({ kind: 'active', entry: ENTRY_0610, answer: confirmed });
  });

  it('calls a snooze expired from the day after its last day', () => {
    // Act
    const verdict = snoozeVerdict(
      snoozedUser('2026-06-10'),
      KEY,
      answers(answer()),
      new Date('2026-06-11T00:00:00.000Z'),
    );
    // Assess
    expect(verdict).toEqual({ kind: 'expired', entry: ENTRY_0610 });
  });

  it('calls a snooze unconfirmed when no answer record backs it, or the record names another user, key or date', () => {
    // Prepare
    const user = snoozedUser('2026-06-10');
    const now = new Date('2026-06-01T12:00:00Z');
    const unconfirmed = { kind: 'unconfirmed', entry: ENTRY_0610 };
    // Act / Assess
    expect(snoozeVerdict(user, KEY, new Map(), now)).toEqual(unconfirmed);
    expect(snoozeVerdict(user, KEY, answers(answer({ userName: 'mallory' })), now)).toEqual(unconfirmed);
    expect(snoozeVerdict(user, KEY, answers(answer({ accessKeyId: OTHER_KEY })), now)).toEqual(unconfirmed);
    expect(snoozeVerdict(user, KEY, answers(answer({ until: '2026-07-10' })), now)).toEqual(unconfirmed);
  });

  it('says nothing for a key the tag does not name, or a user without the tag', () => {
    // Prepare
    const now = new Date('2026-06-01T12:00:00Z');
    const untagged = makeUser({ userName: 'sam', keys: [makeKey({ accessKeyId: KEY })] });
    // Act / Assess
    expect(snoozeVerdict(snoozedUser('2026-06-10'), OTHER_KEY, answers(answer()), now)).toBeNull();
    expect(snoozeVerdict(untagged, KEY, answers(answer()), now)).toBeNull();
  });
});

describe('Function: snoozeSkipReason', () => {
  it('says until when, by whom, on which day and why', () => {
    // Act
    const reason = snoozeSkipReason({ kind: 'active', entry: ENTRY_0610, answer: answer() });
    // Assess
    expect(reason).toBe(
      'snoozed until 2026-06-10 by sam@example.com (answered 2026-05-20 on the answer page): nightly export moves next week',
    );
  });

  it('names the owner when the answer does not say who, and gives no reason when none was given', () => {
    // Act
    const reason = snoozeSkipReason({
      kind: 'active',
      entry: ENTRY_0610,
      answer: answer({ who: null, reason: null }),
    });
    // Assess
    expect(reason).toBe('snoozed until 2026-06-10 by its owner (answered 2026-05-20 on the answer page)');
  });
});

describe('Function: snoozeNote', () => {
  it('says when an expired snooze ended', () => {
    expect(snoozeNote({ kind: 'expired', entry: ENTRY_0610 })).toBe('its snooze expired on 2026-06-10');
  });

  it('says an unconfirmed snooze tag is ignored, and why', () => {
    expect(snoozeNote({ kind: 'unconfirmed', entry: ENTRY_0610 })).toBe(
      'the key-hygiene:snoozed tag keeps it until 2026-06-10, but no answer record in the report bucket confirms that, so it is ignored',
    );
  });

  it('adds nothing for an honoured snooze or a key without one', () => {
    expect(snoozeNote({ kind: 'active', entry: ENTRY_0610, answer: answer() })).toBeNull();
    expect(snoozeNote(null)).toBeNull();
  });
});
