// One Stryker configuration for every scope of mutation-scopes.json; MUTATION_SCOPE picks one
// (scripts/mutation.ts runs them all and adds up the score). See vitest.mutation.config.ts for why
// each scope runs against its own tests.
import { readFileSync } from 'node:fs';

const scopes = JSON.parse(readFileSync(new URL('./mutation-scopes.json', import.meta.url), 'utf8'));
const name = process.env.MUTATION_SCOPE ?? '';
const scope = scopes[name];
if (!scope) {
  throw new Error(
    `MUTATION_SCOPE must name a scope of mutation-scopes.json (${Object.keys(scopes).join(', ')}); got "${name}"`,
  );
}

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: scope.mutate,
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 4),
  timeoutMS: 5000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.stryker-tmp-${name}`,
  cleanTempDir: 'always',
};
