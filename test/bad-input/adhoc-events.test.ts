import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallStats, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { relativeFixture } from '../support/relative-fixture.js';
import { coldStart, type Handler, lambdaContext } from '../support/sandbox-lifecycle.js';

let sandbox: RunningSandbox;
let handler: Handler;

const calls = async (): Promise<CallStats> =>
  (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as CallStats;

const manyUsers = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

/**
 * Malformed ad-hoc events: each is refused before any AWS call, with a message that names the
 * field (and, where it helps, what it expected and what it got).
 */
const CASES: readonly { name: string; event: unknown; error: RegExp }[] = [
  {
    name: 'a string instead of an object',
    event: 'audit please',
    error: /^Invalid event: expected a JSON object, got "audit please"/,
  },
  {
    name: 'a list instead of an object',
    event: [{ mode: 'report' }],
    error: /^Invalid event: expected a JSON object, got a list of 1/,
  },
  { name: 'null', event: null, error: /^Invalid event: expected a JSON object, got null/ },
  {
    name: 'a mode typo',
    event: { mode: 'enforse' },
    error: /mode: expected "report" or "enforce", got "enforse"/,
  },
  {
    name: 'a mode in capitals',
    event: { mode: 'Enforce' },
    error: /mode: expected "report" or "enforce", got "Enforce"/,
  },
  {
    name: 'a mode that is a boolean',
    event: { mode: true },
    error: /mode: expected "report" or "enforce", got true/,
  },
  {
    name: 'an unknown field',
    event: { mode: 'report', dryRun: true },
    error: /dryRun: unknown field; expected one of mode, users/,
  },
  {
    name: 'an unknown threshold',
    event: { thresholds: { unusedDays: 30 } },
    error: /thresholds\.unusedDays: unknown field; expected one of unusedKeyDays/,
  },
  {
    name: 'users as one string',
    event: { users: 'alice' },
    error: /users: expected a list of 1 to 1000 IAM user names/,
  },
  {
    name: 'an empty users list',
    event: { users: [] },
    error: /users: expected a list of 1 to 1000 IAM user names/,
  },
  {
    name: '10,000 user names',
    event: { users: manyUsers },
    error: /users: expected a list of 1 to 1000 IAM user names/,
  },
  {
    name: 'a user name with a control character',
    event: { users: ['alice', 'bob\u0007\nCRITICAL'] },
    error:
      /users\.1: expected an IAM user name: 1 to 64 letters, digits or \+=,\.@_-, got "bob\\u0007\\nCRITICAL"/,
  },
  {
    name: 'a user name that is a number',
    event: { users: [42] },
    error: /users\.0: expected an IAM user name/,
  },
  {
    name: 'a user name over 64 characters',
    event: { users: ['a'.repeat(65)] },
    error: /users\.0: expected an IAM user name/,
  },
  {
    name: 'the same user twice, in another case',
    event: { users: ['alice', 'ALICE'] },
    error: /users\.1: "ALICE" is listed twice/,
  },
  {
    name: 'asOf garbage',
    event: { asOf: 'yesterday' },
    error: /asOf: expected an ISO 8601 date-time with a time zone.*got "yesterday"/,
  },
  {
    name: 'asOf without a time zone',
    event: { asOf: '2027-01-01T00:00:00' },
    error: /asOf: expected an ISO 8601 date-time with a time zone/,
  },
  {
    name: 'asOf as a number',
    event: { asOf: 1_790_000_000 },
    error: /asOf: expected an ISO 8601 date-time with a time zone.*got 1790000000/,
  },
  {
    name: 'asOf on a day that does not exist',
    event: { asOf: '2027-02-30T00:00:00Z' },
    error: /asOf: expected an ISO 8601 date-time/,
  },
  {
    name: 'asOf before 2006',
    event: { asOf: '2005-12-31T23:59:59Z' },
    error: /asOf: expected a date-time after 2006-01-01, got "2005-12-31T23:59:59Z"/,
  },
  {
    name: 'asOf in the future with enforce',
    event: { mode: 'enforce', asOf: '2030-01-01T00:00:00Z' },
    error:
      /asOf 2030-01-01T00:00:00\.000Z is a preview of another date and cannot be combined with mode "enforce"/,
  },
  {
    name: 'a negative unused-key threshold',
    event: { thresholds: { unusedKeyDays: -5 } },
    error: /thresholds\.unusedKeyDays: expected an integer from 2 to 3650, got -5/,
  },
  {
    name: 'a zero unused-key threshold',
    event: { thresholds: { unusedKeyDays: 0 } },
    error: /thresholds\.unusedKeyDays: expected an integer from 2 to 3650, got 0/,
  },
  {
    name: 'a fractional threshold',
    event: { thresholds: { unusedKeyDays: 30.5 } },
    error: /thresholds\.unusedKeyDays: expected an integer from 2 to 3650, got 30\.5/,
  },
  {
    name: 'a threshold given as text',
    event: { thresholds: { unusedKeyDays: '90' } },
    error: /thresholds\.unusedKeyDays: expected an integer from 2 to 3650, got "90"/,
  },
  {
    name: 'a zero rotation threshold',
    event: { thresholds: { rotationDays: 0 } },
    error: /thresholds\.rotationDays: expected an integer from 1 to 3650, got 0/,
  },
  {
    name: 'a negative never-used threshold',
    event: { thresholds: { neverUsedKeyDays: -1 } },
    error: /thresholds\.neverUsedKeyDays: expected an integer from 1 to 3650, got -1/,
  },
  {
    name: 'a warning window larger than the threshold',
    event: { thresholds: { unusedKeyDays: 30, unusedKeyWarnDays: 40 } },
    error: /thresholds\.unusedKeyWarnDays: expected fewer days than thresholds\.unusedKeyDays \(30\), got 40/,
  },
  {
    name: 'a warning day past the deployed threshold',
    event: { thresholds: { unusedKeyWarnDays: 120 } },
    error: /thresholds\.unusedKeyWarnDays: expected fewer days than the unused-key threshold \(90\), got 120/,
  },
  { name: 'thresholds as text', event: { thresholds: 'strict' }, error: /thresholds: / },
  {
    name: 'a cap of 0',
    event: { maxActionsPerRun: 0 },
    error: /maxActionsPerRun: expected an integer from 1 to 1000, got 0/,
  },
  {
    name: 'a huge cap',
    event: { maxActionsPerRun: 1_000_000 },
    error: /maxActionsPerRun: expected an integer from 1 to 1000, got 1000000/,
  },
  {
    name: 'a negative cap',
    event: { maxActionsPerRun: -3 },
    error: /maxActionsPerRun: expected an integer from 1 to 1000, got -3/,
  },
  { name: 'notify as text', event: { notify: 'yes' }, error: /notify: expected true or false, got "yes"/ },
  {
    name: 'a preset typo',
    event: { preset: 'CIS' },
    error: /preset: expected "default" or "cis", got "CIS"/,
  },
  // The handler below is deployed in enforce mode with the default thresholds (unused-key 90 days,
  // warning from 76, never-used 7, rotation 90) and cap (25): an event may not loosen any of them.
  {
    name: 'the loosest enforce event: a cap of 1000 and a 2-day threshold',
    event: { mode: 'enforce', maxActionsPerRun: 1000, thresholds: { unusedKeyDays: 2 } },
    error:
      /thresholds\.unusedKeyDays: unusedKeyDays 2 is more aggressive than the deployed 90: an enforce event may only raise it; use mode "report" to preview; .*maxActionsPerRun: maxActionsPerRun 1000 is more aggressive than the deployed 25: an enforce event may only lower it/,
  },
  {
    name: 'a higher cap, enforcing by the deployed mode',
    event: { maxActionsPerRun: 26 },
    error: /^Invalid event: maxActionsPerRun: maxActionsPerRun 26 is more aggressive than the deployed 25/,
  },
  {
    name: 'a shorter unused-key threshold with its warning day',
    event: { thresholds: { unusedKeyDays: 60, unusedKeyWarnDays: 46 } },
    error: /thresholds\.unusedKeyDays: unusedKeyDays 60 is more aggressive than the deployed 90/,
  },
  {
    name: 'an earlier warning day',
    event: { thresholds: { unusedKeyWarnDays: 30 } },
    error: /thresholds\.unusedKeyWarnDays: unusedKeyWarnDays 30 is more aggressive than the deployed 76/,
  },
  {
    name: 'a shorter never-used threshold',
    event: { thresholds: { neverUsedKeyDays: 1 } },
    error: /thresholds\.neverUsedKeyDays: neverUsedKeyDays 1 is more aggressive than the deployed 7/,
  },
  {
    name: 'a shorter rotation threshold',
    event: { thresholds: { rotationDays: 30 } },
    error: /thresholds\.rotationDays: rotationDays 30 is more aggressive than the deployed 90/,
  },
  {
    name: 'a stricter preset',
    event: { mode: 'enforce', preset: 'cis' },
    error: /preset: unusedKeyDays 45 is more aggressive than the deployed 90/,
  },
  {
    name: 'several bad fields at once',
    event: { mode: 'enforse', maxActionsPerRun: 0 },
    error: /mode: .*; maxActionsPerRun: /,
  },
];

describe('Bad input: ad-hoc events', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: relativeFixture() });
    handler = await coldStart(sandbox, 'adhoc-audit', { MODE: 'enforce' });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });

  afterEach(async () => {
    // Assess, for every case: not a single AWS request, so certainly no mutation.
    expect((await calls()).total).toBe(0);
  });

  it('has at least thirty cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('refuses $name before any AWS call', async ({ event, error }) => {
    // Act
    const attempt = handler(event, lambdaContext);
    // Assess
    await expect(attempt).rejects.toThrow(error);
    // The message is safe to log as one line: control characters only ever appear escaped.
    const message = String(await attempt.catch((e: Error) => e.message));
    expect(message).not.toMatch(/\p{Cc}/u);
    expect(message.length).toBeLessThan(1000);
  });
});
