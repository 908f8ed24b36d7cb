import { describe, expect, it } from 'vitest';
import { exemptionFor, exemptTagProblem } from '../../src/plan/exemptions.js';
import { matchesGlob } from '../../src/plan/glob.js';
import { makeKey, makeRoot, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const settings = makeSettings({ EXEMPT_USERS: 'backup,ci-*,svc-??', EXEMPT_PATHS: '/system/' });

describe('Function: exemptionFor', () => {
  it('exempts a user tagged key-hygiene:exempt=true, in any case, with the reason tag', () => {
    // Prepare
    const user = makeUser({
      tags: { 'key-hygiene:exempt': 'TRUE', 'key-hygiene:exempt-reason': ' legacy integration, SEC-101 ' },
    });

    // Act
    const exemption = exemptionFor(user, settings, NOW);

    // Assess
    expect(exemption).toEqual({
      source: 'tag',
      matched: 'true',
      until: null,
      reason: 'legacy integration, SEC-101',
    });
  });

  it('matches the tag key without regard to case, as IAM does', () => {
    // Prepare
    const user = makeUser({ tags: { 'Key-Hygiene:Exempt': 'true' } });

    // Act
    const exemption = exemptionFor(user, settings, NOW);

    // Assess
    expect(exemption?.source).toBe('tag');
  });

  it('honours a dated tag up to and including its last day', () => {
    // Prepare: NOW is 2026-06-01T12:00Z
    const lastDay = makeUser({ tags: { 'key-hygiene:exempt': '2026-06-01' } });
    const dayAfter = makeUser({ tags: { 'key-hygiene:exempt': '2026-05-31' } });

    // Act
    const held = exemptionFor(lastDay, settings, NOW);
    const expired = exemptionFor(dayAfter, settings, NOW);

    // Assess
    expect(held).toEqual({ source: 'tag', matched: '2026-06-01', until: '2026-06-01', reason: null });
    expect(expired).toBeNull();
  });

  it('treats an unreadable tag value as no exemption', () => {
    // Prepare
    const users = ['yes', '2026-13-01', '2026-02-30', '31/12/2026', ''].map((value) =>
      makeUser({ tags: { 'key-hygiene:exempt': value } }),
    );

    // Act
    const exemptions = users.map((user) => exemptionFor(user, settings, NOW));

    // Assess
    expect(exemptions).toEqual([null, null, null, null, null]);
  });

  it('exempts configured names without regard to case', () => {
    // Prepare
    const user = makeUser({ userName: 'Backup' });

    // Act
    const exemption = exemptionFor(user, settings, NOW);

    // Assess
    expect(exemption).toEqual({ source: 'name', matched: 'backup', until: null, reason: null });
  });

  it('exempts names matching a configured glob', () => {
    // Prepare
    const star = makeUser({ userName: 'ci-deploy' });
    const question = makeUser({ userName: 'svc-01' });
    const tooLong = makeUser({ userName: 'svc-001' });

    // Act
    const results = [star, question, tooLong].map((user) => exemptionFor(user, settings, NOW));

    // Assess
    expect(results).toEqual([
      { source: 'glob', matched: 'ci-*', until: null, reason: null },
      { source: 'glob', matched: 'svc-??', until: null, reason: null },
      null,
    ]);
  });

  it('exempts users at or under a configured path, and not a path that merely shares a prefix', () => {
    // Prepare
    const at = makeUser({ path: '/system/' });
    const under = makeUser({ path: '/system/ci/' });
    const lookalike = makeUser({ path: '/systems/' });

    // Act
    const results = [at, under, lookalike].map((user) => exemptionFor(user, settings, NOW)?.source ?? null);

    // Assess
    expect(results).toEqual(['path', 'path', null]);
  });

  it('prefers the tag, which carries its own end date, over configuration', () => {
    // Prepare
    const user = makeUser({ userName: 'backup', tags: { 'key-hygiene:exempt': '2026-12-31' } });

    // Act
    const exemption = exemptionFor(user, settings, NOW);

    // Assess
    expect(exemption?.source).toBe('tag');
  });

  it('never exempts the root account', () => {
    // Prepare
    const root = { ...makeRoot([makeKey()]), tags: { 'key-hygiene:exempt': 'true' } };
    const everyone = makeSettings({ EXEMPT_USERS: '<root_account>'.replace(/[<>]/g, '?') });

    // Act
    const exemption = exemptionFor(root, everyone, NOW);

    // Assess
    expect(exemption).toBeNull();
  });

  it('does not exempt a user nothing matches', () => {
    // Prepare
    const user = makeUser({ userName: 'alice', path: '/', tags: { 'key-hygiene:exempt': 'false' } });

    // Act
    const exemption = exemptionFor(user, settings, NOW);

    // Assess
    expect(exemption).toBeNull();
  });
});

describe("Function: exemptionFor and the role's explicit Deny", () => {
  it('does not exempt `true` with anything around it, which the Deny (no trimming in IAM) would not cover, and says so', () => {
    // Prepare
    const users = [' true', 'true ', '\ttrue', ' TRUE '].map((value) =>
      makeUser({ tags: { 'key-hygiene:exempt': value } }),
    );

    // Act
    const exemptions = users.map((user) => exemptionFor(user, settings, NOW));
    const problems = users.map((user) => exemptTagProblem(user, NOW)?.kind);

    // Assess
    expect(exemptions).toEqual([null, null, null, null]);
    expect(problems).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
  });
});

describe('Function: exemptTagProblem', () => {
  it('explains an unreadable tag value', () => {
    // Prepare
    const user = makeUser({ tags: { 'key-hygiene:exempt': 'yes' } });

    // Act
    const problem = exemptTagProblem(user, NOW);

    // Assess
    expect(problem).toEqual({
      kind: 'invalid',
      value: 'yes',
      message:
        'the tag key-hygiene:exempt is "yes", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing',
    });
  });

  it('explains an expired date', () => {
    // Prepare
    const user = makeUser({ tags: { 'key-hygiene:exempt': '2026-01-31' } });

    // Act
    const problem = exemptTagProblem(user, NOW);

    // Assess
    expect(problem).toMatchObject({
      kind: 'expired',
      message: 'the tag key-hygiene:exempt expired on 2026-01-31',
    });
  });

  it('finds no problem with a valid, false or absent tag', () => {
    // Prepare
    const tagSets: Record<string, string>[] = [
      { 'key-hygiene:exempt': 'true' },
      { 'key-hygiene:exempt': 'false' },
      {},
    ];
    const users = tagSets.map((tags) => makeUser({ tags }));

    // Act
    const problems = users.map((user) => exemptTagProblem(user, NOW));

    // Assess
    expect(problems).toEqual([null, null, null]);
  });
});

describe('Function: matchesGlob', () => {
  it.each([
    ['ci-deploy', 'ci-*', true],
    ['CI-Deploy', 'ci-*', true],
    ['ci-', 'ci-*', true],
    ['xci-deploy', 'ci-*', false],
    ['svc-01', 'svc-??', true],
    ['svc-1', 'svc-??', false],
    ['build-prod-runner', '*-prod-*', true],
    ['build-dev-runner', '*-prod-*', false],
    ['abc', 'a*b*c', true],
    ['acb', 'a*b*c', false],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false],
    [`${'a'.repeat(64)}`, `${'a*'.repeat(30)}b`, false],
  ])('matches %s against %s: %s', (name, glob, expected) => {
    // Prepare, Act
    const result = matchesGlob(name, glob);

    // Assess
    expect(result).toBe(expected);
  });
});
