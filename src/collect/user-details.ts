import { type IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import type { PermissionDeclaration } from '../aws/permissions.js';

/** The IAM call that lists every user with its path and tags. */
export const USER_DETAILS_PERMISSIONS = [
  {
    action: 'iam:GetAccountAuthorizationDetails',
    resource: '*',
    why: 'lists every user with its path and tags (exemptions), 1,000 a page, sparing a ListUserTags call per user (takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

/** A user as GetAccountAuthorizationDetails describes it: what the exemptions need, and more. */
export interface UserDetail {
  userName: string;
  arn: string;
  path: string;
  createDate: Date | null;
  tags: Record<string, string>;
}

/**
 * Every user of the account with its path and tags, one page (up to 1,000 users) at a time:
 * GetAccountAuthorizationDetails (Filter=User) costs one call per 1,000 users where ListUsers plus
 * ListUserTags per user costs one per user. Both inventory paths read users this way.
 *
 * @throws the SDK error of the page that failed; the pages before it have been yielded.
 */
export async function* pageUserDetails(iam: Pick<IAMClient, 'send'>): AsyncGenerator<UserDetail[]> {
  for await (const page of paginateGetAccountAuthorizationDetails(
    { client: iam as IAMClient, pageSize: 1000 },
    { Filter: ['User'] },
  )) {
    yield (page.UserDetailList ?? []).map((user) => {
      const tags: Record<string, string> = {};
      for (const tag of user.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
      return {
        userName: user.UserName ?? '',
        arn: user.Arn ?? '',
        path: user.Path ?? '/',
        createDate: user.CreateDate ?? null,
        tags,
      };
    });
  }
}
