import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, permissionsOf } from '../../scripts/permissions/registry.js';
import { renderPermissionsTable } from '../../scripts/permissions/table.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("the README's table of the role's permissions", () => {
  it('is the table the registry generates (npm run --silent permissions-table)', () => {
    expect(readme).toContain(renderPermissionsTable());
  });

  it('has a row for every declared action', () => {
    // Prepare
    const table = renderPermissionsTable();
    // Assess
    for (const fn of FUNCTION_NAMES) {
      for (const { action } of permissionsOf(fn)) expect(table).toContain(`| \`${action}\``);
    }
  });
});
