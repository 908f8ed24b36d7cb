import { SETTINGS_DOC } from './settings.js';

/**
 * The README's settings table, generated from the same records the parser reads, so the
 * documentation cannot drift from the code (a test compares the two).
 */
export function renderSettingsTable(): string {
  const rows = SETTINGS_DOC.map(
    (row) =>
      `| \`${row.param}\` | \`${row.env}\` | ${row.default === '' ? '(none)' : row.default} | ${row.description} |`,
  );
  return ['| param | environment variable | default | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
