import type { PermissionCondition } from '../../src/aws/permissions.js';
import { type PermissionRegistry, permissionsOf } from './registry.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

/** `operator key value` per condition entry, e.g. `StringEquals kms:ViaService ssm...`. */
const conditionText = (condition: PermissionCondition | undefined) =>
  Object.entries(condition ?? {})
    .flatMap(([operator, keys]) =>
      Object.entries(keys).map(([key, value]) => `\`${operator} ${key} ${[value].flat().join(', ')}\``),
    )
    .join('; ');

/**
 * The README's table of the roles' permissions, generated from the registry (the same declarations
 * the simulator test holds the packaged roles to), one row per action and resource.
 */
export function renderPermissionsTable(registry: PermissionRegistry): string {
  const rows = new Map<
    string,
    {
      action: string;
      resource: string;
      condition: string;
      granted: string;
      functions: string[];
      why: string;
    }
  >();
  for (const { name } of registry.functions) {
    for (const d of permissionsOf(registry, name)) {
      // The condition is part of the grant: ListBucket under deliveries/ is not ListBucket under
      // exposed-key-events/, and a function that holds one does not hold the other.
      const key = `${d.action} ${d.resource} ${conditionText(d.condition)}`;
      const row = rows.get(key) ?? {
        action: d.action,
        resource: d.resource,
        condition: conditionText(d.condition),
        granted:
          d.grant === false
            ? ' (not granted)'
            : d.onlyWhenParam
              ? ` (only with \`${d.onlyWhenParam}=${d.onlyWhenValue ?? 'true'}\`)`
              : '',
        functions: [],
        why: d.why,
      };
      row.functions.push(name);
      rows.set(key, row);
    }
  }
  const lines = [...rows.values()].map((row) => {
    const action = `\`${row.action}\`${row.granted}`;
    return `| ${action} | \`${cell(row.resource)}\` | ${cell(row.condition)} | ${row.functions.join(', ')} | ${cell(row.why)} |`;
  });
  return [
    '| action | resource | condition | functions | why |',
    '| --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}
