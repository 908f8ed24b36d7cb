/**
 * Credentials in another account of the organization: the member role for an account's audit,
 * and the optional organization role for listing accounts.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { partitionOf } from '../notify/topic-arn.js';

/**
 * The IAM path of the member role (deploy/member-role.yml) and of an organization role: the
 * auditor may assume roles under this path only, whatever their names.
 */
export const MEMBER_ROLE_PATH = '/key-hygiene/';

/**
 * The member role in any account (deploy/member-role.yml), and the organization role when one is
 * set. The account is unknown at deployment, hence the `*` account.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const MEMBER_ACCESS_PERMISSIONS = [
  {
    action: 'sts:AssumeRole',
    resource: `arn:\${AWS::Partition}:iam::*:role${MEMBER_ROLE_PATH}*`,
    example: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${MEMBER_ROLE_PATH}*`,
    why: 'assumes the member role (or the organizationRoleArn) in the accounts an organization run reaches',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/** The ARN of the member role `roleName` (under {@link MEMBER_ROLE_PATH}) in `accountId`. */
export function memberRoleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role${MEMBER_ROLE_PATH}${roleName}`;
}

/**
 * Assumes `roleArn` with session name `key-hygiene-<runId>`, so CloudTrail in the member account
 * ties every call to the organization run. Throws the SDK's error (AccessDenied names the role).
 */
export async function assumeRole(
  sts: Pick<STSClient, 'send'>,
  roleArn: string,
  runId: string,
): Promise<TemporaryCredentials> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `key-hygiene-${runId}`.slice(0, 64) }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
    throw new Error(`STS answered AssumeRole of ${roleArn} without credentials`);
  }
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
    expiration: Credentials.Expiration,
  };
}
