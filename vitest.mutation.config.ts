import { defineConfig } from 'vitest/config';
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

// The tests `npm run mutation` may run against a mutant (Stryker narrows them further to those that
// import the mutated file, then to those that reach the mutant): the unit tests of the rules, the
// plan, apply and undo, the tests written to kill mutants (test/mutation-kills/), the permissions
// table of docs/deploy.md (the `why` of each permission apply and undo declare), the team tag test;
// for what acts beyond one account's audit: the responder, the organization run, privilege, the
// Security Hub export, the command line's consent, the owners' notices and the answer page, through
// their in-process tests only (a mutant is active in this process alone, so a test that spawns the
// command line can kill nothing; the browser tests drive Chromium, slow and no stronger here).
// Whole-run suites (the handlers, deletion over several audits, undo through the handler, faults,
// delivery) are left out: each reaches most of the code, so every mutant would rerun seconds of
// sandbox traffic, and a mutant only they can kill is one a focused test should name.

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

export default defineConfig({
  test: {
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each mutant reruns its tests in the same worker: re-importing the SDK for every test file
    // would cost more than the tests themselves.
    isolate: false,
    sequence: { sequencer: FastestFirst },
    include: [
      'test/{plan,apply,undo,evaluate,mutation-kills,respond,org,privilege,notices,answer}/**/*.test.ts',
      'test/permissions/permissions-table.test.ts',
      'test/report/teams.test.ts',
      'test/export/asff.test.ts',
      'test/integration/security-hub.test.ts',
      'test/integration/security-hub-scale.test.ts',
      'test/integration/privilege-audit.test.ts',
      'test/cli/audit-command.test.ts',
    ],
    exclude: ['test/undo/deletion.test.ts', 'test/undo/undo-handler.test.ts', 'test/**/*.browser.test.ts'],
  },
});
