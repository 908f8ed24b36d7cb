import { type IAMClient, paginateListUsers, paginateListUserTags } from '@aws-sdk/client-iam';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import { forEachConcurrent } from '../concurrency.js';
import { parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
import type { AuditError } from '../model.js';

/**
 * IAM permissions `findRunDeactivations` calls.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const FIND_DEACTIVATIONS_PERMISSIONS = [
  {
    action: 'iam:ListUsers',
    resource: '*',
    why: "undo: lists the users to find the run's deactivation tags (takes no resource)",
  },
  { action: 'iam:ListUserTags', resource: ANY_USER, why: "undo: reads each user's deactivation tags" },
] as const satisfies readonly PermissionDeclaration[];

/** One key a run deactivated, as its user's tag records it. */
export interface RunDeactivation {
  userName: string;
  accessKeyId: string;
  /** The tag key exactly as stored (IAM keeps the case it was written with). */
  tagKey: string;
  tagValue: string;
  /**
   * The user also carries the exposed-key responder's `key-hygiene:exposed-<keyId>` record for this
   * key: AWS Health named it as found in public.
   */
  exposedRecord: boolean;
}

export interface FoundDeactivations {
  found: RunDeactivation[];
  errors: AuditError[];
  /** Users whose tags were not read because the time budget ran out, in listing order. */
  notReached: string[];
  /** False when the user listing or some user's tags could not be read, or some were not reached. */
  complete: boolean;
}

/**
 * Every `key-hygiene:deactivated-<keyId>` tag whose value names `runId`, across all users: ListUsers,
 * then ListUserTags per user with at most `concurrency` calls in flight. Once `shouldStop` says the
 * time budget is spent, no user's tags are read any more and those users are `notReached`. A user
 * deleted meanwhile is passed over (IAM deletes a user only without keys, so nothing of it is left
 * to reactivate); any other failure is recorded and makes the result incomplete.
 *
 * @example
 * const { found, complete } = await findRunDeactivations(iam, '20261120T030000Z-1a2b3c', { concurrency: 8 });
 */
export async function findRunDeactivations(
  iam: Pick<IAMClient, 'send'>,
  runId: string,
  options: { concurrency: number; shouldStop?: () => boolean },
): Promise<FoundDeactivations> {
  const found: RunDeactivation[] = [];
  const errors: AuditError[] = [];
  const notReached: string[] = [];
  const prefix = TAG_KEYS.deactivatedPrefix.toLowerCase();
  const exposedPrefix = TAG_KEYS.exposedPrefix.toLowerCase();
  const client = { client: iam as IAMClient };
  async function* userNames(): AsyncGenerator<string> {
    for await (const page of paginateListUsers({ ...client, pageSize: 1000 }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) yield user.UserName;
    }
  }
  try {
    await forEachConcurrent(
      userNames(),
      options.concurrency,
      async (userName) => {
        try {
          const mine: Omit<RunDeactivation, 'exposedRecord'>[] = [];
          const exposed = new Set<string>();
          for await (const page of paginateListUserTags(client, { UserName: userName })) {
            for (const { Key = '', Value = '' } of page.Tags ?? []) {
              const key = Key.toLowerCase();
              if (key.startsWith(exposedPrefix)) exposed.add(Key.slice(exposedPrefix.length));
              if (!key.startsWith(prefix)) continue;
              if (parseDeactivation(Value)?.runId !== runId) continue;
              mine.push({ userName, accessKeyId: Key.slice(prefix.length), tagKey: Key, tagValue: Value });
            }
          }
          for (const entry of mine) found.push({ ...entry, exposedRecord: exposed.has(entry.accessKeyId) });
        } catch (error) {
          if (isNoSuchEntity(error)) return;
          errors.push({ userName, accessKeyId: null, operation: 'ListUserTags', ...describeAwsError(error) });
        }
      },
      {
        ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
        onNotStarted: (userName) => notReached.push(userName),
      },
    );
  } catch (error) {
    errors.push({ userName: null, accessKeyId: null, operation: 'ListUsers', ...describeAwsError(error) });
  }
  found.sort((a, b) => compare(a.userName, b.userName) || compare(a.accessKeyId, b.accessKeyId));
  // A ListUsers failure is one of the errors: every failure and every user not reached leaves it incomplete.
  return { found, errors, notReached, complete: errors.length === 0 && notReached.length === 0 };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
