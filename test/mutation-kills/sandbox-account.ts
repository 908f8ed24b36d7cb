/**
 * A small account at a fixed time for the tests in this folder, which call apply's deletion, undo's
 * reactivation and its tag search directly (the whole-run suites reach them too, at many times the
 * cost per test). Failures are the sandbox's own `ServiceFailure` answers, switched on for one
 * operation at a time.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import type { FixtureInput } from '../../src/sandbox/fixture.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { ACCOUNT_ID, AUDITOR_KEY } from '../support/relative-fixture.js';

export const T0 = new Date('2026-11-20T03:00:00Z');
/** The run that deactivated the keys below, 50 days before T0. */
export const EARLIER_RUN = '20261001T030000Z-aaaaaa';
/** The run planning at T0. */
export const CURRENT_RUN = '20261120T030000Z-bbbbbb';

export const KEY = {
  doomed: 'AKIADOOMED0000000001',
  undone: 'AKIAUNDONE0000000001',
  undoneToo: 'AKIAUNDONE0000000002',
  active: 'AKIAACTIVE0000000001',
  usedAtStart: 'AKIAUSEDATSTART00001',
  stale: 'AKIASTALE00000000001',
  neverUsed: 'AKIANEVERUSED0000001',
  root: 'AKIAROOT000000000001',
} as const;

const used = (date: string) => ({ date, service: 's3', region: 'us-east-1' });

export function killsFixture(): FixtureInput {
  return {
    now: T0.toISOString(),
    accounts: [
      {
        id: ACCOUNT_ID,
        // The root user's key: GetAccessKeyLastUsed names no user for it.
        rootAccessKeys: [{ id: KEY.root, active: true, createDate: '2025-01-02T00:00:00Z' }],
        users: [
          {
            name: 'auditor',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [{ id: AUDITOR_KEY, status: 'Active', createDate: '2025-01-02T00:00:00Z' }],
          },
          {
            name: 'dora',
            createDate: '2025-01-01T00:00:00Z',
            // Another tag first: the record is found by its key, not by its place.
            tags: {
              owner: 'payments',
              [`key-hygiene:deactivated-${KEY.doomed}`]: `2026-10-01 unused-key ${EARLIER_RUN}`,
            },
            accessKeys: [
              {
                id: KEY.doomed,
                status: 'Inactive',
                createDate: '2025-01-02T00:00:00Z',
                lastUsed: used('2026-06-01T00:00:00Z'),
              },
            ],
          },
          {
            name: 'uma',
            createDate: '2025-01-01T00:00:00Z',
            // Out of key order, so a search must sort what it finds.
            tags: {
              [`key-hygiene:deactivated-${KEY.undoneToo}`]: `2026-10-01 unused-key ${EARLIER_RUN}`,
              [`Key-Hygiene:Deactivated-${KEY.undone}`]: `2026-10-01 unused-key ${EARLIER_RUN}`,
              team: 'payments',
            },
            accessKeys: [
              {
                id: KEY.undoneToo,
                status: 'Inactive',
                createDate: '2025-01-02T00:00:00Z',
                lastUsed: used('2026-06-01T00:00:00Z'),
              },
              {
                id: KEY.undone,
                status: 'Inactive',
                createDate: '2025-01-03T00:00:00Z',
                lastUsed: used('2026-06-01T00:00:00Z'),
              },
            ],
          },
          {
            name: 'abe',
            createDate: '2025-01-01T00:00:00Z',
            tags: { [`key-hygiene:deactivated-${KEY.active}`]: `2026-10-01 unused-key ${EARLIER_RUN}` },
            accessKeys: [{ id: KEY.active, status: 'Active', createDate: '2025-01-02T00:00:00Z' }],
          },
          {
            name: 'sol',
            createDate: '2025-01-01T00:00:00Z',
            // Used at the very second the run started, which an inactive key cannot do later.
            tags: { [`key-hygiene:deactivated-${KEY.usedAtStart}`]: `2026-10-01 unused-key ${EARLIER_RUN}` },
            accessKeys: [
              {
                id: KEY.usedAtStart,
                status: 'Inactive',
                createDate: '2025-01-02T00:00:00Z',
                lastUsed: used('2026-10-01T03:00:00Z'),
              },
            ],
          },
          {
            name: 'vic',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [
              // Last used exactly 90 days before T0.
              {
                id: KEY.stale,
                status: 'Active',
                createDate: '2025-01-02T00:00:00Z',
                lastUsed: used('2026-08-22T03:00:00Z'),
              },
              { id: KEY.neverUsed, status: 'Active', createDate: '2025-01-03T00:00:00Z' },
            ],
          },
        ],
      },
    ],
  };
}

/** A real IAM client on the sandbox, `around` each call of the named command (SDK name). */
function clientAround(
  sandbox: RunningSandbox,
  commandName: string,
  around: (input: Record<string, unknown>, call: () => Promise<unknown>) => Promise<unknown>,
): IAMClient {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  // A middleware rather than a wrapper object, so the SDK's paginators accept the client.
  iam.middlewareStack.add(
    (next, context) => (args) =>
      context.commandName === commandName
        ? (around(args.input as Record<string, unknown>, () => next(args)) as ReturnType<typeof next>)
        : next(args),
    { step: 'initialize', name: 'aroundCommand' },
  );
  return iam;
}

/** A client whose calls of the named command (e.g. `UntagUserCommand`) the sandbox fails. */
export function failingOn(sandbox: RunningSandbox, commandName: string): IAMClient {
  return clientAround(sandbox, commandName, async (_input, call) => {
    sandbox.faults.configure({ failRate: 1 });
    try {
      return await call();
    } finally {
      sandbox.faults.configure({ failRate: 0 });
    }
  });
}

/** A client whose `nth` call (from 1) of the named command the sandbox fails; the others succeed. */
export function failingOnCall(sandbox: RunningSandbox, commandName: string, nth: number): IAMClient {
  let calls = 0;
  return clientAround(sandbox, commandName, async (_input, call) => {
    calls += 1;
    if (calls !== nth) return call();
    sandbox.faults.configure({ failRate: 1 });
    try {
      return await call();
    } finally {
      sandbox.faults.configure({ failRate: 0 });
    }
  });
}

/** A client that runs `first` (given the call's input) right before each call of the named command. */
export function racingOn(
  sandbox: RunningSandbox,
  commandName: string,
  first: (input: Record<string, unknown>) => unknown,
): IAMClient {
  return clientAround(sandbox, commandName, async (input, call) => {
    await first(input);
    return call();
  });
}
