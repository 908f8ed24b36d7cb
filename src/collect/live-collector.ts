import {
  type AccessKeyMetadata,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetUserCommand,
  type IAMClient,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListUsers,
  paginateListUserTags,
  type User,
} from '@aws-sdk/client-iam';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import { forEachConcurrent } from '../concurrency.js';
import { teamOf } from '../evaluate/tags.js';
import type { AuditError, KeyRecord, KeyStatus, UserPolicies, UserRecord } from '../model.js';
import type { OnProgress } from '../progress.js';
import type { InventoryResult } from './types.js';
import { pageUserDetails, type UserDetail } from './user-details.js';

export interface LiveCollectorDeps {
  iam: Pick<IAMClient, 'send'>;
  /** Parallel users in flight; each user costs 1 call plus one per key (2 for named users). */
  concurrency: number;
  /** Asked before each user is started; true once the time budget is spent. */
  shouldStop?: () => boolean;
  /**
   * Told after each user (phase `users`); the total is the named users, or GetAccountSummary's
   * count of users once it has answered.
   */
  onProgress?: OnProgress;
  /** Told when the users are listed the slower way (GetAccountAuthorizationDetails refused). */
  warn?: (message: string) => void;
}

export interface LiveCollectRequest {
  /** Audit only these users (ad-hoc). Unknown names become error entries. */
  userNames?: readonly string[];
  /** Used for the root record's ARN. */
  accountId?: string;
}

/**
 * The IAM calls the live collector makes; the role grants exactly these (scripts/permissions).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const LIVE_COLLECTOR_PERMISSIONS = [
  {
    action: 'iam:ListUsers',
    resource: '*',
    why: 'lists every user when GetAccountAuthorizationDetails is refused (takes no resource)',
  },
  { action: 'iam:GetUser', resource: ANY_USER, why: 'reads the users an ad-hoc audit names' },
  { action: 'iam:ListAccessKeys', resource: ANY_USER, why: "lists each user's access keys" },
  { action: 'iam:GetAccessKeyLastUsed', resource: ANY_USER, why: "reads each key's last use" },
  {
    action: 'iam:ListUserTags',
    resource: ANY_USER,
    why: 'reads the exemption tags of named users (and of every user when GetAccountAuthorizationDetails is refused)',
  },
  {
    action: 'iam:GetAccountSummary',
    resource: '*',
    why: 'sees whether the root user has an access key (takes no resource)',
  },
  {
    action: 'iam:ListAttachedUserPolicies',
    resource: ANY_USER,
    why: "reads named users' attached policies (a quarantine policy means an exposed key), and every user's when GetAccountAuthorizationDetails is refused",
  },
] as const satisfies readonly PermissionDeclaration[];

export const ROOT_USER_NAME = '<root_account>';

/**
 * Users on the first page of a whole-account listing: enough to keep every lane busy while the
 * next 1,000 load, few enough to arrive at once (a throttled account loses the time before the
 * first user's calls; later pages arrive while earlier users are read).
 */
const FIRST_PAGE_SIZE = 100;

/** A user to read; `tags` is null when the listing did not give them (ListUserTags reads them). */
type ListedUser = Omit<UserDetail, 'tags' | 'managedPolicies' | 'policies'> & {
  tags: Record<string, string> | null;
  /** Null when the listing did not give them (ListUsers, GetUser). */
  managedPolicies: string[] | null;
  /** Null when the listing did not give them; the privilege reads then ask per user. */
  policies: UserPolicies | null;
};

/**
 * The live API path, with bounded concurrency: the users with their paths and tags from
 * GetAccountAuthorizationDetails pages (or GetUser and ListUserTags for named users), then per user
 * ListAccessKeys and GetAccessKeyLastUsed for each key, about 2 calls per key. When
 * GetAccountAuthorizationDetails is refused, ListUsers and ListUserTags per user list them instead.
 *
 * A user whose keys or tags cannot be read is left out of the records and reported as an error:
 * without tags its exemptions are unknown, so nothing may be done to it. A key whose last use
 * cannot be read is left out (and reported) for the same reason: "never used" must not be
 * guessed.
 *
 * @example
 * const { users, errors } = await collectLive({ iam, concurrency: 8 }, {});
 */
export async function collectLive(
  deps: LiveCollectorDeps,
  request: LiveCollectRequest,
): Promise<InventoryResult> {
  const users: UserRecord[] = [];
  const errors: AuditError[] = [];
  const notReached: string[] = [];
  let usersDone = 0;
  let usersTotal: number | null = request.userNames ? request.userNames.length : null;
  deps.onProgress?.({ phase: 'users', done: 0, total: usersTotal });

  // Read while the first page of users loads: under a throttle that call costs no time there,
  // where after the last user it would add one round trip to the run.
  const rootErrors: AuditError[] = [];
  const rootRead = request.userNames
    ? Promise.resolve(null)
    : readRootKeys(deps.iam, request.accountId ?? '', rootErrors, (users) => {
        usersTotal = users;
      });

  // The listing call that is running, for the error entry if it fails.
  const listing = { operation: 'GetAccountAuthorizationDetails' };
  const source: AsyncIterable<ListedUser> = request.userNames
    ? namedUsers(deps.iam, request.userNames, errors)
    : listAllUsers(deps, listing);

  let listingFailed = false;
  try {
    await forEachConcurrent(
      source,
      deps.concurrency,
      async (user) => {
        const record = await readUser(deps.iam, user, errors);
        if (record) users.push(record);
        usersDone += 1;
        // Users created since the summary can take the count past its total.
        deps.onProgress?.({
          phase: 'users',
          done: usersDone,
          total: usersTotal === null ? null : Math.max(usersTotal, usersDone),
        });
      },
      {
        ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
        onNotStarted: (user) => notReached.push(user.userName),
      },
    );
  } catch (error) {
    // Only the listing itself can throw here (per-user failures are recorded), so the run is
    // incomplete: we do not know which users exist beyond the pages already read.
    listingFailed = true;
    errors.push({
      userName: null,
      accessKeyId: null,
      operation: listing.operation,
      ...describeAwsError(error),
    });
  }

  const root = await rootRead;
  if (root) users.push(root);
  errors.push(...rootErrors);

  // Concurrency completes users out of order; a stable order keeps reports diffable.
  users.sort((a, b) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
  return { users, errors, notReached, complete: !listingFailed && notReached.length === 0 };
}

/**
 * Every user, with tags. A refused first page of GetAccountAuthorizationDetails (an SCP may deny
 * it) switches to ListUsers, whose users then need ListUserTags; a page failing later ends the
 * listing, as switching midway would list some users twice.
 */
async function* listAllUsers(
  deps: Pick<LiveCollectorDeps, 'iam' | 'warn'>,
  listing: { operation: string },
): AsyncGenerator<ListedUser> {
  let pages = 0;
  try {
    for await (const page of pageUserDetails(deps.iam, { firstPageSize: FIRST_PAGE_SIZE })) {
      pages += 1;
      yield* page;
    }
    return;
  } catch (error) {
    if (pages > 0) throw error;
    const { code, message } = describeAwsError(error);
    deps.warn?.(
      `GetAccountAuthorizationDetails failed (${code}: ${message}); listed the users with ListUsers and read their tags with ListUserTags, one call per user more`,
    );
  }
  listing.operation = 'ListUsers';
  for await (const page of paginateListUsers({ client: deps.iam as IAMClient, pageSize: 1000 }, {})) {
    for (const user of page.Users ?? []) yield { ...fromUser(user), tags: null };
  }
}

function fromUser(user: User): Omit<ListedUser, 'tags'> {
  return {
    userName: user.UserName ?? '',
    arn: user.Arn ?? '',
    path: user.Path ?? '/',
    createDate: user.CreateDate ?? null,
    managedPolicies: null,
    policies: null,
  };
}

async function* namedUsers(
  iam: Pick<IAMClient, 'send'>,
  userNames: readonly string[],
  errors: AuditError[],
): AsyncGenerator<ListedUser> {
  for (const userName of userNames) {
    try {
      const { User: user } = await iam.send(new GetUserCommand({ UserName: userName }));
      if (user) yield { ...fromUser(user), tags: null };
    } catch (error) {
      const described = describeAwsError(error);
      errors.push({
        userName,
        accessKeyId: null,
        operation: 'GetUser',
        code: described.code,
        message: isNoSuchEntity(error)
          ? `No IAM user named ${userName} in this account; check the name in the event's users list.`
          : described.message,
      });
    }
  }
}

async function readUser(
  iam: Pick<IAMClient, 'send'>,
  user: ListedUser,
  errors: AuditError[],
): Promise<UserRecord | null> {
  const { userName } = user;
  let operation = 'ListAccessKeys';
  try {
    const metadata = await listKeys(iam, userName);
    operation = 'ListUserTags';
    const tags = user.tags ?? (await listTags(iam, userName));
    operation = 'ListAttachedUserPolicies';
    const managedPolicies = user.managedPolicies ?? (await listAttachedPolicyNames(iam, userName));
    return {
      ...user,
      tags,
      managedPolicies,
      team: teamOf(tags),
      isRoot: false,
      keys: await readLastUse(iam, userName, metadata, errors),
    };
  } catch (error) {
    errors.push({ userName, accessKeyId: null, operation, ...describeAwsError(error) });
    return null;
  }
}

async function listAttachedPolicyNames(iam: Pick<IAMClient, 'send'>, userName: string): Promise<string[]> {
  const names: string[] = [];
  const pages = paginateListAttachedUserPolicies({ client: iam as IAMClient }, { UserName: userName });
  for await (const page of pages) names.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyName ?? ''));
  return names;
}

async function listTags(iam: Pick<IAMClient, 'send'>, userName: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: iam as IAMClient }, { UserName: userName })) {
    for (const tag of page.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
  }
  return tags;
}

async function listKeys(iam: Pick<IAMClient, 'send'>, userName: string): Promise<AccessKeyMetadata[]> {
  const metadata: AccessKeyMetadata[] = [];
  for await (const page of paginateListAccessKeys({ client: iam as IAMClient }, { UserName: userName })) {
    metadata.push(...(page.AccessKeyMetadata ?? []));
  }
  return metadata;
}

/** GetAccessKeyLastUsed for each key; a key whose last use cannot be read is left out and reported. */
async function readLastUse(
  iam: Pick<IAMClient, 'send'>,
  userName: string,
  metadata: readonly AccessKeyMetadata[],
  errors: AuditError[],
  knownLastUse?: (key: Omit<KeyRecord, 'lastUsed'>) => KeyRecord['lastUsed'] | undefined,
): Promise<KeyRecord[]> {
  const keys: KeyRecord[] = [];
  for (const key of metadata) {
    const accessKeyId = key.AccessKeyId ?? '';
    const base = {
      accessKeyId,
      slot: null,
      status: (key.Status ?? 'Active') as KeyStatus,
      createDate: key.CreateDate ?? null,
    };
    const known = knownLastUse?.(base);
    if (known !== undefined) {
      keys.push({ ...base, lastUsed: known });
      continue;
    }
    try {
      const { AccessKeyLastUsed: used } = await iam.send(
        new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }),
      );
      keys.push({
        ...base,
        lastUsed: used?.LastUsedDate
          ? { date: used.LastUsedDate, service: used.ServiceName ?? 'N/A', region: used.Region ?? 'N/A' }
          : null,
      });
    } catch (error) {
      errors.push({ userName, accessKeyId, operation: 'GetAccessKeyLastUsed', ...describeAwsError(error) });
    }
  }
  return keys;
}

/**
 * A user's keys read live: ListAccessKeys, then GetAccessKeyLastUsed for each key (one that
 * fails is left out and reported in `errors`) unless `knownLastUse` already knows its last use.
 * Used to resolve credential-report users.
 *
 * @throws the SDK error of ListAccessKeys, so the caller can record the user as not resolved.
 * @example
 * const keys = await readUserKeys(iam, 'alice', errors); // [{ accessKeyId: 'AKIA...', slot: null, ... }]
 */
export async function readUserKeys(
  iam: Pick<IAMClient, 'send'>,
  userName: string,
  errors: AuditError[],
  knownLastUse?: (key: Omit<KeyRecord, 'lastUsed'>) => KeyRecord['lastUsed'] | undefined,
): Promise<KeyRecord[]> {
  return readLastUse(iam, userName, await listKeys(iam, userName), errors, knownLastUse);
}

/**
 * The live path sees a root key only through GetAccountSummary, which says whether one exists
 * but gives no dates; the credential report path knows more. The same answer counts the users,
 * the total of the progress bar.
 */
async function readRootKeys(
  iam: Pick<IAMClient, 'send'>,
  accountId: string,
  errors: AuditError[],
  onUserCount: (users: number) => void,
): Promise<UserRecord | null> {
  try {
    const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
    if (SummaryMap?.Users !== undefined) onUserCount(SummaryMap.Users);
    if (!SummaryMap?.AccountAccessKeysPresent) return null;
    return {
      userName: ROOT_USER_NAME,
      arn: accountId ? `arn:aws:iam::${accountId}:root` : '',
      path: '/',
      createDate: null,
      tags: {},
      team: null,
      isRoot: true,
      keys: [{ accessKeyId: null, slot: null, status: 'Active', createDate: null, lastUsed: null }],
    };
  } catch (error) {
    errors.push({
      userName: ROOT_USER_NAME,
      accessKeyId: null,
      operation: 'GetAccountSummary',
      ...describeAwsError(error),
    });
    return null;
  }
}
