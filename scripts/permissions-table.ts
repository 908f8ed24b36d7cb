// Prints the README's table of the role's permissions: `npm run --silent permissions-table`.
import { renderPermissionsTable } from './permissions/table.js';

console.log(renderPermissionsTable());
