import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/safeguards.md promises, for each safeguard, a test that fails without it. A renamed or
// deleted test leaves that promise pointing at nothing, so each named test must exist, by its
// exact title, in the file the table names.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = readFileSync(join(ROOT, 'docs/safeguards.md'), 'utf8');
const HEADING = '## Each safeguard, and the test that fails without it';

/** The table's rows as `{ safeguard, file, title }`, one per named test. */
function namedTests(): { safeguard: string; file: string; title: string }[] {
  const start = PAGE.indexOf(HEADING);
  if (start < 0) throw new Error(`docs/safeguards.md has no "${HEADING}"`);
  const end = PAGE.indexOf('\n## ', start + 1);
  const rows = PAGE.slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| safeguard ') && !line.startsWith('| ---'));
  return rows.flatMap((row) => {
    const cells = row.replace(/^\| | \|$/g, '').split(' | ');
    const safeguard = cells[0] ?? '';
    const tests = cells[cells.length - 1] ?? '';
    // `test/a.test.ts`: title one; title two; `test/b.test.ts`: title three
    return [...tests.matchAll(/`(test\/[^`]+)`: (.*?)(?=; `test\/|$)/g)].flatMap(
      ([, file = '', titles = '']) => titles.split('; ').map((title) => ({ safeguard, file, title })),
    );
  });
}

const isTitleIn = (source: string, title: string): boolean =>
  ["'", '"', '`'].some((quote) => source.includes(`${quote}${title}${quote}`));

describe('the safeguards table of docs/safeguards.md', () => {
  const tests = namedTests();

  it('names at least one test for every safeguard', () => {
    // Assess: the safeguards the table has listed since it was written, at the least
    const safeguards = new Set(tests.map(({ safeguard }) => safeguard));
    expect(safeguards.size).toBeGreaterThanOrEqual(30);
    expect([...safeguards]).toEqual(
      expect.arrayContaining([
        'Report mode is the default',
        'Blast-radius cap',
        'Live confirmation',
        'Never its own key',
        'The record goes first',
        'Organization cap, with accounts audited at once',
      ]),
    );
  });

  it('names only tests that exist, by their exact title, in the file it names', () => {
    // Act
    const missing = tests
      .filter(({ file, title }) => {
        const path = join(ROOT, file);
        return !existsSync(path) || !isTitleIn(readFileSync(path, 'utf8'), title);
      })
      .map(({ safeguard, file, title }) => `${safeguard}: ${file}: ${title}`);
    // Assess
    expect(missing).toEqual([]);
  });
});
