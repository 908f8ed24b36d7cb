import { AwsError } from './errors.js';
import type { JsonRequestContext, JsonService } from './json-service.js';
import type { SandboxOrganization } from './organizations-state.js';

/** Organizations' page size limits (the model's `MaxResults` range). */
const MAX_RESULTS = 20;
const TOKEN_PREFIX = 'sandbox-accounts:';

const invalidInput = (message: string) => new AwsError('InvalidInputException', 400, message);

/** The offset a `NextToken` of ours carries; anything else is refused as Organizations does. */
function offsetOf(token: unknown): number {
  if (token === undefined || token === null) return 0;
  const text = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : Number.NaN;
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalidInput(
      'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.',
    );
  }
  return offset;
}

function pageSizeOf(value: unknown): number {
  if (value === undefined || value === null) return MAX_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RESULTS) {
    throw invalidInput(
      `You provided a value that is outside the allowed range: MaxResults must be between 1 and ${MAX_RESULTS}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/**
 * ListAccounts: every account of the state, in fixture order, for a caller signed in the management
 * account. A page that ends exactly at the last account still carries a `NextToken`, so the next
 * page is empty: clients must page until the token is absent, as AWS's documentation warns.
 */
function listAccounts(ctx: JsonRequestContext): unknown {
  return accountsPage(ctx, () => true);
}

/** ListAccountsForParent: the accounts directly in an OU (`organizationalUnitId`) or the root. */
function listAccountsForParent(ctx: JsonRequestContext): unknown {
  const parentId = ctx.body.ParentId;
  const organization = managedBy(ctx);
  const known = new Set([organization.rootId]);
  for (const account of ctx.state.accounts.values()) {
    const ou = ctx.state.standing(account.id).organizationalUnitId;
    if (ou) known.add(ou);
  }
  if (typeof parentId !== 'string' || !known.has(parentId)) {
    throw new AwsError(
      'ParentNotFoundException',
      400,
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return accountsPage(
    ctx,
    (id) => (ctx.state.standing(id).organizationalUnitId ?? organization.rootId) === parentId,
  );
}

/** The organization, for a caller signed in its management account. */
function managedBy(ctx: JsonRequestContext): SandboxOrganization {
  const { organization } = ctx.state;
  if (organization === null) {
    throw new AwsError(
      'AWSOrganizationsNotInUseException',
      400,
      'Your account is not a member of an organization.',
    );
  }
  if (ctx.account.id !== organization.managementAccountId) {
    throw new AwsError('AccessDeniedException', 400, "You don't have permissions to access this resource.");
  }
  return organization;
}

function accountsPage(ctx: JsonRequestContext, keep: (accountId: string) => boolean): unknown {
  const organization = managedBy(ctx);
  const size = pageSizeOf(ctx.body.MaxResults);
  const offset = offsetOf(ctx.body.NextToken);
  const all = [...ctx.state.accounts.values()].filter((account) => keep(account.id));
  const page = all.slice(offset, offset + size);
  const end = offset + page.length;
  const more = page.length === size && end <= all.length;
  return {
    Accounts: page.map((account) => {
      const { status, listedAs } = ctx.state.standing(account.id);
      return {
        Id: account.id,
        Arn: `arn:aws:organizations::${organization.managementAccountId}:account/${organization.id}/${account.id}`,
        Email: `aws+${account.alias ?? account.id}@example.com`,
        Name: account.alias ?? account.id,
        // `Status` is retired (2026-09-09): AWS answers `State`; older implementations only `Status`.
        ...(listedAs === 'State' ? { State: status } : {}),
        ...(listedAs === 'Status' ? { Status: status } : {}),
        JoinedMethod: account.id === organization.managementAccountId ? 'INVITED' : 'CREATED',
        JoinedTimestamp: account.createDate.getTime() / 1000,
      };
    }),
    ...(more ? { NextToken: Buffer.from(`${TOKEN_PREFIX}${end}`).toString('base64') } : {}),
  };
}

/** Organizations (JSON 1.1, `AWSOrganizationsV20161128`): ListAccounts and ListAccountsForParent. */
export const organizationsService: JsonService = {
  name: 'organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  actions: { ListAccounts: listAccounts, ListAccountsForParent: listAccountsForParent },
  errors: { messageKey: 'Message', throttling: 'TooManyRequestsException' },
};
