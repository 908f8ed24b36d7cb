import {
  GetAccountAuthorizationDetailsCommand,
  type IAMClient,
  type UserDetail as IamUserDetail,
} from '@aws-sdk/client-iam';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { UserPolicies } from '../model.js';

/**
 * The IAM call that lists every user with its path and tags.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const USER_DETAILS_PERMISSIONS = [
  {
    action: 'iam:GetAccountAuthorizationDetails',
    resource: '*',
    why: 'lists every user with its path, tags (exemptions) and attached policies (exposed-key), 1,000 a page, sparing a ListUserTags call per user (takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

/** IAM's largest page. */
const PAGE_SIZE = 1000;

/** A user as GetAccountAuthorizationDetails describes it: what the exemptions need, and more. */
export interface UserDetail {
  userName: string;
  arn: string;
  path: string;
  createDate: Date | null;
  tags: Record<string, string>;
  /** Names of the managed policies attached to the user itself (the exposed-key rule reads them). */
  managedPolicies: string[];
  /** The user's policies, groups and boundary (the privilege reads take them from here). */
  policies: UserPolicies;
}

export interface PageUserDetailsOptions {
  /**
   * Users on the first page (default 1,000). A caller that starts work per user as soon as users
   * arrive asks for a short first page: a 1,000-user page takes a second or two to come and parse.
   */
  firstPageSize?: number;
}

/**
 * Every user of the account with its path and tags, one page (up to 1,000 users) at a time:
 * GetAccountAuthorizationDetails (Filter=User) costs one call per 1,000 users where ListUsers plus
 * ListUserTags per user costs one per user. Both inventory paths read users this way. The next
 * page is requested before this one is handed out, so the caller's work on it hides the wait.
 *
 * @throws the SDK error of the page that failed; the pages before it have been yielded.
 */
export async function* pageUserDetails(
  iam: Pick<IAMClient, 'send'>,
  options: PageUserDetailsOptions = {},
): AsyncGenerator<UserDetail[]> {
  const request = (maxItems: number, marker?: string) =>
    iam.send(
      new GetAccountAuthorizationDetailsCommand({
        Filter: ['User'],
        MaxItems: maxItems,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
  let pending = request(options.firstPageSize ?? PAGE_SIZE);
  for (;;) {
    const page = await pending;
    const marker = page.IsTruncated ? page.Marker : undefined;
    if (marker) {
      pending = request(PAGE_SIZE, marker);
      // Awaited once this page is consumed; a caller that stops early must not leave it unhandled.
      pending.catch(() => undefined);
    }
    yield (page.UserDetailList ?? []).map(toUserDetail);
    if (!marker) return;
  }
}

function toUserDetail(user: IamUserDetail): UserDetail {
  const tags: Record<string, string> = {};
  for (const tag of user.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
  return {
    userName: user.UserName ?? '',
    arn: user.Arn ?? '',
    path: user.Path ?? '/',
    createDate: user.CreateDate ?? null,
    tags,
    managedPolicies: (user.AttachedManagedPolicies ?? []).map((policy) => policy.PolicyName ?? ''),
    policies: {
      attached: (user.AttachedManagedPolicies ?? []).map((policy) => ({
        name: policy.PolicyName ?? '',
        arn: policy.PolicyArn ?? '',
      })),
      inline: (user.UserPolicyList ?? []).map((policy) => ({
        name: policy.PolicyName ?? '',
        document: policy.PolicyDocument ?? '',
      })),
      groups: user.GroupList ?? [],
      permissionsBoundaryArn: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    },
  };
}
