import type { IAMClient } from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import { forEachConcurrent } from '../concurrency.js';
import type { AuditError, KeyRecord, UserRecord } from '../model.js';
import type { OnProgress } from '../progress.js';
import { readUserKeys } from './live-collector.js';

export interface ResolveDeps {
  iam: Pick<IAMClient, 'send'>;
  /** Users in flight at once. */
  concurrency: number;
  /** Asked before each user; true once the time budget is spent. */
  shouldStop?: () => boolean;
  /** Told after each user read (phase `resolving`). */
  onProgress?: OnProgress;
}

export interface ResolveResult {
  /** The users read live, in the order given; users that failed keep their report record. */
  users: UserRecord[];
  errors: AuditError[];
  /** Users not started because the time budget ran out. */
  notReached: string[];
}

/**
 * The credential-report slot a live key probably sits in: the one slot whose creation time equals
 * the key's, to the second. Null when none or both match (two keys created in the same second).
 * Only a hint for the reader of the report: a key is never acted on because of it.
 */
export function slotHint(reportKeys: readonly KeyRecord[], createDate: Date | null): 1 | 2 | null {
  if (createDate === null) return null;
  const second = Math.floor(createDate.getTime() / 1000);
  const matches = reportKeys.filter(
    (key) => key.slot !== null && key.createDate && Math.floor(key.createDate.getTime() / 1000) === second,
  );
  return matches.length === 1 ? (matches[0]?.slot ?? null) : null;
}

/**
 * The last use of a live key taken from the report instead of GetAccessKeyLastUsed, to save a call
 * per key nothing is planned on: only when the key matches exactly one report slot, that slot has
 * no planned action and the same status. Such a key was judged on this very data and planned for
 * nothing, so judging it again cannot plan anything; every other key is read live.
 */
function reportLastUse(
  user: UserRecord,
  planned: ReadonlySet<1 | 2> | undefined,
): (key: Omit<KeyRecord, 'lastUsed'>) => KeyRecord['lastUsed'] | undefined {
  return (key) => {
    const slot = slotHint(user.keys, key.createDate);
    const reported = slot === null ? undefined : user.keys.find((k) => k.slot === slot);
    if (!reported || slot === null || planned?.has(slot) || reported.status !== key.status) return undefined;
    return reported.lastUsed;
  };
}

/**
 * Reads the keys of credential-report users live (ListAccessKeys, then GetAccessKeyLastUsed per
 * key), so decisions about them rest on key ids and current last use rather than on a report that
 * may be hours old. With `plannedSlots` (user -> report slots with a planned action), a key that
 * matches an unplanned slot keeps the report's last use (see `reportLastUse`). Tags, path and ARN
 * stay those of the given record. A user whose keys cannot be listed keeps its report record and
 * gets an error entry, so nothing is done to it.
 */
export async function resolveUsers(
  deps: ResolveDeps,
  users: readonly UserRecord[],
  plannedSlots?: ReadonlyMap<string, ReadonlySet<1 | 2>>,
): Promise<ResolveResult> {
  const resolved = new Map<string, UserRecord>();
  const errors: AuditError[] = [];
  const notReached: string[] = [];
  let done = 0;
  deps.onProgress?.({ phase: 'resolving', done, total: users.length });
  await forEachConcurrent(
    users,
    deps.concurrency,
    async (user) => {
      try {
        const keys = await readUserKeys(
          deps.iam,
          user.userName,
          errors,
          plannedSlots ? reportLastUse(user, plannedSlots.get(user.userName)) : undefined,
        );
        resolved.set(user.userName, {
          ...user,
          keys: keys.map((key) => ({ ...key, slot: slotHint(user.keys, key.createDate) })),
        });
      } catch (error) {
        errors.push({
          userName: user.userName,
          accessKeyId: null,
          operation: 'ListAccessKeys',
          ...describeAwsError(error),
        });
      }
      done += 1;
      deps.onProgress?.({ phase: 'resolving', done, total: users.length });
    },
    {
      shouldStop: deps.shouldStop,
      onNotStarted: (user) => notReached.push(user.userName),
    },
  );
  return {
    users: users.map((user) => resolved.get(user.userName) ?? user),
    errors,
    notReached,
  };
}
