import { type PermissionRegistry, permissionsOf } from './registry.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

/**
 * The README's table of the roles' permissions, generated from the registry (the same declarations
 * the simulator test holds the packaged roles to), one row per action and resource.
 */
export function renderPermissionsTable(registry: PermissionRegistry): string {
  const rows = new Map<
    string,
    { action: string; resource: string; granted: boolean; functions: string[]; why: string }
  >();
  for (const { name } of registry.functions) {
    for (const d of permissionsOf(registry, name)) {
      const key = `${d.action} ${d.resource}`;
      const row = rows.get(key) ?? {
        action: d.action,
        resource: d.resource,
        granted: d.grant !== false,
        functions: [],
        why: d.why,
      };
      row.functions.push(name);
      rows.set(key, row);
    }
  }
  const lines = [...rows.values()].map((row) => {
    const action = row.granted ? `\`${row.action}\`` : `\`${row.action}\` (not granted)`;
    return `| ${action} | \`${cell(row.resource)}\` | ${row.functions.join(', ')} | ${cell(row.why)} |`;
  });
  return ['| action | resource | functions | why |', '| --- | --- | --- | --- |', ...lines].join('\n');
}
