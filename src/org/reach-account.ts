/**
 * The responder's bounds on accounts: it acts in the account it runs in, or in an ACTIVE account of
 * its organization through the member role, never anywhere an event merely names. Membership and
 * status come from the organization listing (the same one, with the same account settings, as an
 * organization run), so a suspended account, one outside the organization or one the settings
 * leave out is refused, and the event only alerted on.
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

export interface ReachDeps extends Pick<OrganizationRunDeps, 'sts' | 'organizations' | 'organizationsWith'> {
  /** The account the responder runs in. */
  accountId: string;
  region: string;
  /** Its own clients. */
  own: AccountClients;
  /** Clients signing with a member account's credentials; `destroy` frees their connections. */
  memberClients(credentials: TemporaryCredentials): AccountClients & { destroy(): void };
}

export type Reach =
  | { kind: 'reached'; own: boolean; clients: AccountClients; release(): void }
  | { kind: 'refused'; reason: string };

const refused = (reason: string): Reach => ({ kind: 'refused', reason });

/** Clients for `accountId`, or why the responder may not act there. Never throws. */
export async function reachAccount(
  deps: ReachDeps,
  settings: Settings,
  accountId: string,
  runId: string,
): Promise<Reach> {
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
