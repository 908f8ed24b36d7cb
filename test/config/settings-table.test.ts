import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSettingsTable, SETTINGS_DOC } from '../../src/config/settings-table.js';

const settingsPage = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');
const serverlessYml = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');

describe('the settings table of docs/settings.md', () => {
  it('is the table the code generates (npm run --silent settings-table)', () => {
    expect(settingsPage).toContain(renderSettingsTable());
  });

  it('names every param that serverless.yml passes to the functions', () => {
    for (const row of SETTINGS_DOC) {
      expect(serverlessYml, `${row.env} in serverless.yml`).toMatch(new RegExp(`\\b${row.env}:`));
    }
  });
});
