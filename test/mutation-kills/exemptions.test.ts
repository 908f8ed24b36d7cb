import { describe, expect, it } from 'vitest';
import { exemptionFor, exemptTagProblem } from '../../src/plan/exemptions.js';
import { makeRoot, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const settings = makeSettings({ EXEMPT_USERS: 'Backup,ci-*', EXEMPT_PATHS: '/system/' });

describe('Exemptions: values as people type them', () => {
  it('reads a tag value with spaces around it, and shows an unreadable one as it was written', () => {
    // Prepare
    const padded = makeUser({ tags: { 'key-hygiene:exempt': ' 2026-06-30 ' } });
    const off = makeUser({ tags: { 'key-hygiene:exempt': ' False ' } });
    const unreadable = makeUser({ tags: { 'key-hygiene:exempt': ' yes ' } });
    const expired = makeUser({ tags: { 'key-hygiene:exempt': ' 2026-05-31 ' } });
    // Act
    const results = [padded, off, unreadable, expired].map((user) => [
      exemptionFor(user, settings, NOW),
      exemptTagProblem(user, NOW),
    ]);
    // Assess
    expect(results).toEqual([
      [{ source: 'tag', matched: '2026-06-30', until: '2026-06-30', reason: null }, null],
      [null, null],
      [
        null,
        {
          kind: 'invalid',
          value: ' yes ',
          message:
            'the tag key-hygiene:exempt is " yes ", which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing',
        },
      ],
      [
        null,
        { kind: 'expired', value: '2026-05-31', message: 'the tag key-hygiene:exempt expired on 2026-05-31' },
      ],
    ]);
  });

  it('names the configured entry that matched, as configured, and a blank reason tag as none', () => {
    // Prepare
    const reasonless = { 'key-hygiene:exempt-reason': '   ' };
    const byName = makeUser({ userName: 'BACKUP', tags: reasonless });
    const byGlob = makeUser({ userName: 'ci-deploy' });
    const byPath = makeUser({ userName: 'sys', path: '/system/jobs/' });
    // Act
    const results = [byName, byGlob, byPath].map((user) => exemptionFor(user, settings, NOW));
    // Assess
    expect(results).toEqual([
      { source: 'name', matched: 'Backup', until: null, reason: null },
      { source: 'glob', matched: 'ci-*', until: null, reason: null },
      { source: 'path', matched: '/system/', until: null, reason: null },
    ]);
  });

  it('finds no tag problem on the root account', () => {
    // Prepare
    const root = { ...makeRoot([]), tags: { 'key-hygiene:exempt': 'yes' } };
    // Act and assess
    expect(exemptTagProblem(root, NOW)).toBeNull();
  });
});
