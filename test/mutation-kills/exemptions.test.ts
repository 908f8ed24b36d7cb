import { describe, expect, it } from 'vitest';
import { exemptionFor, exemptTagProblem } from '../../src/plan/exemptions.js';
import { makeRoot, makeSettings, makeUser, NOW } from '../evaluate/factories.js';

const settings = makeSettings({ EXEMPT_USERS: 'Backup,ci-*', EXEMPT_PATHS: '/system/' });

describe('Exemptions: values as people type them', () => {
  it('reads a tag value exactly as the role’s Deny does: padded, it is unreadable and shown as written', () => {
    // Prepare: IAM cannot trim a tag value, so a padded `true` or date exempts nothing.
    const invalid = (value: string) => ({
      kind: 'invalid',
      value,
      message: `the tag key-hygiene:exempt is ${JSON.stringify(value)}, which is neither "true" nor a YYYY-MM-DD date, so it exempts nothing`,
    });
    const values = [' true ', ' 2026-06-30 ', ' yes ', 'TRUE', '2026-06-30', 'False', '2026-05-31'];
    // Act
    const results = values
      .map((value) => makeUser({ tags: { 'key-hygiene:exempt': value } }))
      .map((user) => [exemptionFor(user, settings, NOW), exemptTagProblem(user, NOW)]);
    // Assess
    expect(results).toEqual([
      [null, invalid(' true ')],
      [null, invalid(' 2026-06-30 ')],
      [null, invalid(' yes ')],
      [{ source: 'tag', matched: 'true', until: null, reason: null }, null],
      [{ source: 'tag', matched: '2026-06-30', until: '2026-06-30', reason: null }, null],
      [null, null],
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
