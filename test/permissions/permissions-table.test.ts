import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatherPermissions, permissionsOf } from '../../scripts/permissions/registry.js';
import { renderPermissionsTable } from '../../scripts/permissions/table.js';

const deployPage = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const registry = await gatherPermissions();

describe("docs/deploy.md's table of the role's permissions", () => {
  it('is the table the registry generates (npm run --silent permissions-table)', () => {
    expect(deployPage).toContain(renderPermissionsTable(registry));
  });

  it('has a row for every declared action', () => {
    // Prepare
    const table = renderPermissionsTable(registry);
    // Assess
    for (const { name } of registry.functions) {
      for (const { action } of permissionsOf(registry, name)) expect(table).toContain(`| \`${action}\``);
    }
  });
});
