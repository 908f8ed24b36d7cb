import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

// The tests `npm run mutation` may run against a mutant of one scope of mutation-scopes.json (Stryker
// narrows them further to those that reach the mutant). Each scope runs against its own tests:
// the surfaces' tests run whole audits, so in one run they would cover the core too, and every
// core mutant would rerun seconds of organization runs and answer pages. A test left out of a scope
// can only lower its score, so the scores are a lower bound of one run over everything.
// Only in-process tests: a mutant is active in this process alone, so a test that spawns the command
// line can kill nothing; the browser tests drive Chromium, slow and no stronger here. Whole-run
// suites (the handlers, deletion over several audits, undo through the handler, faults, delivery)
// are left out: each reaches most of the code, and a mutant only they can kill is one a focused
// test should name.

/**
 * Fastest test files first, property tests last: Stryker stops a mutant's run at its first failing
 * test, so a mutant a unit test kills should not first wait for whole organization runs or hundreds
 * of generated inventories. (Vitest's own order is the slowest first, which suits parallel runs.)
 */
class FastestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const isProperty = (file: TestSpecification) => file.moduleId.includes('properties');
    const sorted = (await super.sort(files)).reverse();
    return [...sorted.filter((file) => !isProperty(file)), ...sorted.filter(isProperty)];
  }
}

interface Scope {
  tests: string[];
  exclude?: string[];
}

const scopes: Record<string, Scope> = JSON.parse(
  readFileSync(new URL('./mutation-scopes.json', import.meta.url), 'utf8'),
);
const scope = scopes[process.env.MUTATION_SCOPE ?? ''];
if (!scope) {
  throw new Error(
    `MUTATION_SCOPE must name a scope of mutation-scopes.json (${Object.keys(scopes).join(', ')})`,
  );
}

export default defineConfig({
  test: {
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each mutant reruns its tests in the same worker: re-importing the SDK for every test file
    // would cost more than the tests themselves.
    isolate: false,
    sequence: { sequencer: FastestFirst },
    include: scope.tests,
    exclude: [...(scope.exclude ?? []), 'test/**/*.browser.test.ts'],
  },
});
