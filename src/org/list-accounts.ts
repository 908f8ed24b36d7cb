/**
 * Which accounts an organization run audits: the `accounts` setting when it is set (no
 * Organizations call at all), else Organizations ListAccounts, then the include, exclude and OU
 * settings. Every listed account comes back, whatever its state: only ACTIVE ones are audited, the
 * others are listed in the report as skipped, with their state.
 */
import {
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
} from '@aws-sdk/client-organizations';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { Settings } from '../config/settings.js';
import type { OrganizationAccount } from './organization-report.js';
import { assumeOrganizationRole } from './organization-role.js';
import type { OrganizationRunDeps } from './run-steps.js';

/**
 * ListAccounts answers in the management account or a delegated administrator only; the action
 * takes no resource.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const LIST_ACCOUNTS_PERMISSIONS = [
  {
    action: 'organizations:ListAccounts',
    resource: '*',
    why: "lists the organization's accounts for an organization run",
  },
  {
    action: 'organizations:ListAccountsForParent',
    resource: '*',
    why: 'lists the accounts of the organizationUnitIds an organization run is limited to',
  },
] as const satisfies readonly PermissionDeclaration[];

type ListingSettings = Pick<
  Settings,
  'accounts' | 'includeAccounts' | 'excludeAccounts' | 'organizationUnitIds'
>;

/** Organizations' page maximum: fewer round trips for a thousand accounts. */
const PAGE_SIZE = 20;

/**
 * The accounts of the run, in listing order, each once.
 *
 * @param organizations absent when the `accounts` setting names them; required otherwise.
 */
export async function listAccounts(
  organizations: Pick<OrganizationsClient, 'send'> | null,
  settings: ListingSettings,
): Promise<OrganizationAccount[]> {
  const listed =
    settings.accounts.length > 0
      ? named(settings.accounts)
      : await fromOrganizations(organizations, settings);
  const include = new Set(settings.includeAccounts);
  const exclude = new Set(settings.excludeAccounts);
  const seen = new Set<string>();
  return listed.filter((account) => {
    if (seen.has(account.accountId)) return false;
    seen.add(account.accountId);
    return (include.size === 0 || include.has(account.accountId)) && !exclude.has(account.accountId);
  });
}

function named(accountIds: readonly string[]): OrganizationAccount[] {
  return accountIds.map((accountId) => ({ accountId, name: accountId, status: 'ACTIVE' }));
}

/** What an Account of ListAccounts carries that the run reads. */
interface ListedAccount {
  Id?: string;
  Name?: string;
  State?: string;
  Status?: string;
}

/**
 * The account's state: `State`, which the SDK's model says replaces `Status` (retired on
 * 2026-09-09); `Status` only when an older implementation lists no `State`; null when neither is
 * listed, so an account whose state nobody gave is never taken for an active one.
 */
function stateOf(account: ListedAccount): string | null {
  return account.State ?? account.Status ?? null;
}

async function fromOrganizations(
  organizations: Pick<OrganizationsClient, 'send'> | null,
  settings: ListingSettings,
): Promise<OrganizationAccount[]> {
  if (organizations === null) {
    throw new Error('An organization run without the accounts setting needs an Organizations client');
  }
  // The paginators take a whole client; `send` is all they use.
  const client = organizations as OrganizationsClient;
  const accounts: OrganizationAccount[] = [];
  const add = (list: ListedAccount[] | undefined) => {
    for (const account of list ?? []) {
      if (!account.Id) continue;
      accounts.push({ accountId: account.Id, name: account.Name ?? account.Id, status: stateOf(account) });
    }
  };
  if (settings.organizationUnitIds.length === 0) {
    for await (const page of paginateListAccounts({ client, pageSize: PAGE_SIZE }, {})) add(page.Accounts);
    return accounts;
  }
  for (const parentId of settings.organizationUnitIds) {
    for await (const page of paginateListAccountsForParent(
      { client, pageSize: PAGE_SIZE },
      { ParentId: parentId },
    )) {
      add(page.Accounts);
    }
  }
  return accounts;
}

/** Step 1: the accounts, through the organization role when one is set. */
export async function listOrganizationAccounts(
  deps: Pick<OrganizationRunDeps, 'sts' | 'organizations' | 'organizationsWith'>,
  settings: Settings,
  runId: string,
): Promise<OrganizationAccount[]> {
  if (settings.accounts.length > 0) return listAccounts(null, settings);
  const organizations = settings.organizationRoleArn
    ? deps.organizationsWith(await assumeOrganizationRole(deps.sts, settings.organizationRoleArn, runId))
    : deps.organizations;
  return listAccounts(organizations, settings);
}
