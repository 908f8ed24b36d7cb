import { defineConfig } from 'vitest/config';

// The tests `npm run mutation` may run against a mutant (Stryker narrows them further to those that
// import the mutated file, then to those that reach the mutant): the unit tests of the rules, the
// plan, apply and undo, the tests written to kill mutants (test/mutation-kills/), and the README
// permissions table (the `why` of each permission apply and undo declare). Whole-run suites (the
// handlers, deletion over several audits, undo through the handler, faults, delivery) are left out:
// each reaches most of the code, so every mutant would rerun seconds of sandbox traffic, and a
// mutant only they can kill is one a focused test should name.
export default defineConfig({
  test: {
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each mutant reruns its tests in the same worker: re-importing the SDK for every test file
    // would cost more than the tests themselves.
    isolate: false,
    include: [
      'test/{plan,apply,undo,evaluate,mutation-kills}/**/*.test.ts',
      'test/permissions/permissions-table.test.ts',
    ],
    exclude: ['test/undo/deletion.test.ts', 'test/undo/undo-handler.test.ts'],
  },
});
