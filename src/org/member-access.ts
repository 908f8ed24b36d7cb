/**
 * Credentials in a member account of the organization: the member role (deploy/member-role.yml),
 * assumed by the account-audit function only, with a grant of its own.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { partitionOf } from '../notify/topic-arn.js';
import {
  credentialsOf,
  MEMBER_ROLE_PATH,
  sessionNameOf,
  type TemporaryCredentials,
} from './temporary-credentials.js';

/**
 * The member role in any account of the auditor's own organization (the account is unknown at
 * deployment, hence the `*` account; the condition keeps it inside the organization). Written in
 * `Fn::Sub` syntax: `${!aws:PrincipalOrgID}` is the IAM policy variable `${aws:PrincipalOrgID}`.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const MEMBER_ACCESS_PERMISSIONS = [
  {
    action: 'sts:AssumeRole',
    resource: `arn:\${AWS::Partition}:iam::*:role${MEMBER_ROLE_PATH}*`,
    example: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${MEMBER_ROLE_PATH}*`,
    condition: { StringEquals: { 'aws:ResourceOrgID': '${!aws:PrincipalOrgID}' } },
    why: "assumes the member role in the accounts of the auditor's own organization that an organization run reaches",
  },
] as const satisfies readonly PermissionDeclaration[];

/** The ARN of the member role `roleName` (under {@link MEMBER_ROLE_PATH}) in `accountId`. */
export function memberRoleArn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role${MEMBER_ROLE_PATH}${roleName}`;
}

/**
 * Assumes the member role `roleArn` with session name `key-hygiene-<runId>`. Throws the SDK's
 * error (AccessDenied names the role).
 */
export async function assumeMemberRole(
  sts: Pick<STSClient, 'send'>,
  roleArn: string,
  runId: string,
): Promise<TemporaryCredentials> {
  const answer = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionNameOf(runId) }),
  );
  return credentialsOf(answer, roleArn);
}
