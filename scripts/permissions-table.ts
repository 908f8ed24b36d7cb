// Prints the README's table of the roles' permissions: `npm run --silent permissions-table`.
import { gatherPermissions } from './permissions/registry.js';
import { renderPermissionsTable } from './permissions/table.js';

console.log(renderPermissionsTable(await gatherPermissions()));
