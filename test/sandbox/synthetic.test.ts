import { describe, expect, it } from 'vitest';
import { generateSyntheticAccount, parseFixture } from '../../src/sandbox/index.js';

const NOW = new Date('2026-11-20T00:00:00Z');
const DAY = 86_400_000;

describe('Sandbox synthetic accounts', () => {
  it('gives the same account for the same seed and another for another seed', () => {
    const a = generateSyntheticAccount({ users: 300, seed: 42 }, NOW);
    const b = generateSyntheticAccount({ users: 300, seed: 42 }, NOW);
    const c = generateSyntheticAccount({ users: 300, seed: 43 }, NOW);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('passes the fixture schema, so it has valid names, unique key IDs and possible dates', () => {
    const account = generateSyntheticAccount({ users: 2000, seed: 'valid' }, NOW);
    expect(() => parseFixture({ now: NOW.toISOString(), accounts: [account] })).not.toThrow();
  });

  it('has a realistic mix of keys, uses, statuses, paths and tags', () => {
    // Prepare
    const { users } = generateSyntheticAccount({ users: 2000, seed: 'mix' }, NOW);
    const keys = users.flatMap((u) => u.accessKeys);
    const age = (iso: string) => (NOW.getTime() - Date.parse(iso)) / DAY;
    // Assess
    for (const count of [0, 1, 2]) expect(users.some((u) => u.accessKeys.length === count)).toBe(true);
    expect(keys.some((k) => k.status === 'Inactive')).toBe(true);
    expect(keys.some((k) => k.lastUsed === null)).toBe(true);
    expect(keys.some((k) => k.lastUsed && age(k.lastUsed.date) <= 30)).toBe(true);
    expect(keys.some((k) => k.lastUsed && age(k.lastUsed.date) > 90)).toBe(true);
    expect(new Set(users.map((u) => u.path))).toEqual(
      new Set(['/', '/service/', '/system/', '/engineering/']),
    );
    expect(users.some((u) => u.tags.team)).toBe(true);
    expect(users.some((u) => u.tags.owner)).toBe(true);
    const exempt = users.map((u) => u.tags['key-hygiene:exempt']).filter((v) => v !== undefined);
    expect(exempt).toContain('true');
    expect(exempt.some((v) => /^\d{4}-\d{2}-\d{2}$/.test(v ?? ''))).toBe(true);
  });

  it('refuses a negative or fractional user count', () => {
    expect(() => generateSyntheticAccount({ users: -1, seed: 1 }, NOW)).toThrow(/whole number/);
    expect(() => generateSyntheticAccount({ users: 1.5, seed: 1 }, NOW)).toThrow(/whole number/);
  });
});
