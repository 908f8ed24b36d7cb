// Prints the README's settings table: `npm run --silent settings-table`.
import { renderSettingsTable } from '../src/config/settings-table.js';

console.log(renderSettingsTable());
