// Prints the settings table of docs/settings.md: `npm run --silent settings-table`.
import { renderSettingsTable } from '../src/config/settings-table.js';

console.log(renderSettingsTable());
