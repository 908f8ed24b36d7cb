import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerLink, newNonce, verifyAnswerLink } from '../../src/answer/answer-link.js';

const KEY = Buffer.from('k'.repeat(64));
const OTHER_KEY = Buffer.from('x'.repeat(64));
const NOW = new Date('2026-12-08T10:00:00Z');
const DEADLINE = new Date('2026-12-15T03:00:00Z');
const FIELDS = {
  baseUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
  accountId: '111111111111',
  userName: 'ana',
  accessKeyId: 'AKIASTALE00000000001',
  deadline: DEADLINE,
  nonce: 'n0nce-n0nce-n0nce-0001',
  owner: 'ana@acme.example',
};

function paramsOf(url: string) {
  const u = new URL(url);
  return { payload: u.searchParams.get('p') ?? undefined, signature: u.searchParams.get('s') ?? undefined };
}

describe('Function: answerLink and verifyAnswerLink', () => {
  it('accepts its own link before the deadline and reads back what it names', () => {
    // Act
    const verdict = verifyAnswerLink(paramsOf(answerLink(FIELDS, KEY)), KEY, NOW);
    // Assess
    expect(verdict).toEqual({
      ok: true,
      link: {
        accountId: '111111111111',
        userName: 'ana',
        accessKeyId: 'AKIASTALE00000000001',
        deadline: DEADLINE,
        nonce: 'n0nce-n0nce-n0nce-0001',
        owner: 'ana@acme.example',
      },
    });
  });

  it('points at the page: the base URL with the payload and the signature as its only query', () => {
    // Act
    const url = new URL(answerLink(FIELDS, KEY));
    // Assess
    expect(url.origin + url.pathname).toBe('https://abc.lambda-url.us-east-1.on.aws/');
    expect([...url.searchParams.keys()]).toEqual(['p', 's']);
  });

  it('refuses a link signed with another key as forged, with a plain message', () => {
    // Act
    const verdict = verifyAnswerLink(paramsOf(answerLink(FIELDS, OTHER_KEY)), KEY, NOW);
    // Assess
    expect(verdict).toEqual({
      ok: false,
      refusal: 'forged',
      message: 'This link was not issued by key-hygiene, or it was changed after it was sent.',
    });
  });

  it('refuses a link whose payload was altered to name another key, even re-encoded cleanly', () => {
    // Prepare
    const { payload, signature } = paramsOf(answerLink(FIELDS, KEY));
    const decoded = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
    const altered = Buffer.from(JSON.stringify({ ...decoded, k: 'AKIAOTHER00000000001' })).toString(
      'base64url',
    );
    // Act
    const verdict = verifyAnswerLink({ payload: altered, signature }, KEY, NOW);
    // Assess
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? null : verdict.refusal).toBe('forged');
  });

  it('refuses a link whose deadline was pushed back', () => {
    // Prepare
    const { payload, signature } = paramsOf(
      answerLink({ ...FIELDS, deadline: new Date('2026-12-01T00:00:00Z') }, KEY),
    );
    const decoded = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
    const later = Buffer.from(JSON.stringify({ ...decoded, d: '2027-12-01T00:00:00.000Z' })).toString(
      'base64url',
    );
    // Act
    const verdict = verifyAnswerLink({ payload: later, signature }, KEY, NOW);
    // Assess
    expect(verdict.ok ? null : verdict.refusal).toBe('forged');
  });

  it('refuses a signature altered by one character, and a truncated one', () => {
    // Prepare
    const { payload, signature = '' } = paramsOf(answerLink(FIELDS, KEY));
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    // Act
    const verdicts = [flipped, signature.slice(0, 20), ''].map((s) =>
      verifyAnswerLink({ payload, signature: s }, KEY, NOW),
    );
    // Assess
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.refusal))).toEqual(['forged', 'forged', 'missing']);
  });

  it('refuses a validly signed payload that is not a link (signed junk is still not a link)', () => {
    // Prepare
    const payload = Buffer.from('{"v":2}').toString('base64url');
    const signature = createHmac('sha256', KEY).update(payload).digest('base64url');
    // Act
    const verdict = verifyAnswerLink({ payload, signature }, KEY, NOW);
    // Assess
    expect(verdict.ok ? null : verdict.refusal).toBe('forged');
  });

  it('refuses a link at and after its deadline, naming the deadline', () => {
    // Prepare
    const params = paramsOf(answerLink(FIELDS, KEY));
    // Act
    const atDeadline = verifyAnswerLink(params, KEY, DEADLINE);
    const justBefore = verifyAnswerLink(params, KEY, new Date(DEADLINE.getTime() - 1));
    // Assess
    expect(atDeadline).toEqual({
      ok: false,
      refusal: 'expired',
      message:
        'This link expired at its deadline, 2026-12-15 03:00 UTC. Ask the security team if the key still needs a decision.',
    });
    expect(justBefore.ok).toBe(true);
  });

  it('refuses an address without payload or signature as incomplete', () => {
    // Act
    const verdict = verifyAnswerLink({ payload: undefined, signature: undefined }, KEY, NOW);
    // Assess
    expect(verdict.ok ? null : verdict.refusal).toBe('missing');
  });

  it('makes nonces that do not repeat and fit the link', () => {
    // Act
    const nonces = Array.from({ length: 1000 }, () => newNonce());
    // Assess
    expect(new Set(nonces).size).toBe(1000);
    expect(nonces.every((n) => /^[A-Za-z0-9_-]{22}$/.test(n))).toBe(true);
  });
});
