/**
 * The responder's (and the answer page's) bounds on accounts: it acts in the account it runs in, or
 * in an ACTIVE account of its organization through the member role, never anywhere an event or a
 * link merely names. Membership and status come from the organization listing (the same one, with
 * the same account settings, as an organization run), so a suspended account, one outside the
 * organization or one the settings leave out is refused, and the event only alerted on (the link
 * refused). The reasons name "the responder's account": the deployment's own.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import type { Settings } from '../config/settings.js';
import { listOrganizationAccounts } from './list-accounts.js';
import { assumeMemberRole, memberRoleArn } from './member-access.js';
import type { OrganizationRunDeps } from './run-steps.js';
import type { TemporaryCredentials } from './temporary-credentials.js';

/** The clients the responder acts on one account with. */
export interface AccountClients {
  iam: Pick<IAMClient, 'send'>;
  cloudtrail: Pick<CloudTrailClient, 'send'>;
}

/**
 * What reaching an account needs; `C` is the clients the caller acts with (the responder's IAM and
 * CloudTrail, the answer page's IAM).
 */
export interface ReachDeps<C = AccountClients>
  extends Pick<OrganizationRunDeps, 'sts' | 'organizations' | 'organizationsWith'> {
  /** The account the caller runs in. */
  accountId: string;
  region: string;
  /** Its own clients. */
  own: C;
  /** Clients signing with a member account's credentials; `destroy` frees their connections. */
  memberClients(credentials: TemporaryCredentials): C & { destroy(): void };
}

export type Reach<C = AccountClients> =
  | { kind: 'reached'; own: boolean; clients: C; release(): void }
  | { kind: 'refused'; reason: string };

const refused = (reason: string) => ({ kind: 'refused', reason }) as const;

/**
 * Clients for `accountId`, or why the caller may not act there. Never throws. The member role's
 * session is `key-hygiene-<runId>`.
 */
export async function reachAccount<C>(
  deps: ReachDeps<C>,
  settings: Settings,
  accountId: string,
  runId: string,
): Promise<Reach<C>> {
  if (accountId === deps.accountId) {
    return { kind: 'reached', own: true, clients: deps.own, release: () => undefined };
  }
  let status: string | null | undefined;
  try {
    const accounts = await listOrganizationAccounts(deps, settings, runId);
    status = accounts.find((account) => account.accountId === accountId)?.status;
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return refused(
      `account ${accountId} is not the responder's account (${deps.accountId}) and its membership of the organization could not be read (${code}: ${message}); act in that account by hand`,
    );
  }
  if (status === undefined) {
    return refused(
      `account ${accountId} is neither the responder's account (${deps.accountId}) nor an account of its organization that the accounts, includeAccounts and excludeAccounts settings let it act in`,
    );
  }
  if (status !== 'ACTIVE') {
    return refused(
      `account ${accountId} is ${status ?? 'in an unknown state (Organizations listed neither State nor Status)'} in the organization; only ACTIVE accounts are acted in`,
    );
  }
  const roleArn = memberRoleArn(accountId, settings.memberRoleName, deps.region);
  try {
    const member = deps.memberClients(await assumeMemberRole(deps.sts, roleArn, runId));
    return { kind: 'reached', own: false, clients: member, release: () => member.destroy() };
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return refused(
      `could not assume ${roleArn} (${code}: ${message}); deploy the member role there, or act by hand`,
    );
  }
}
