import { defineConfig } from 'vitest/config';

// The tests `npm run mutation` may run against a mutant (Stryker narrows them further to those that
// import the mutated file, then to those that reach the mutant): the tests of the decisions (rules,
// plan, apply, undo, resolve, the report) and the handler integration tests. Left out are the suites
// about transport rather than decisions (fault injection, SNS and Slack delivery of 50,000-finding
// reports, the live collector's pacing, `serverless package`): they add minutes to every mutant they
// reach, and their large SNS publishes reset under Stryker's single-threaded runner.
export default defineConfig({
  test: {
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: [
      'test/{plan,apply,undo,evaluate,resolve,report,bad-input,mutation-kills}/**/*.test.ts',
      'test/integration/{handlers,report-path,archive}.test.ts',
    ],
  },
});
