// Prints the README's table of the role's permissions: `npm run --silent permissions-table`.
import { renderPermissionsTable } from '../src/permissions/table.js';

console.log(renderPermissionsTable());
