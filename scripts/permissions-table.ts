// Prints the table of the roles' permissions in docs/deploy.md: `npm run --silent permissions-table`.
import { gatherPermissions } from './permissions/registry.js';
import { renderPermissionsTable } from './permissions/table.js';

console.log(renderPermissionsTable(await gatherPermissions()));
