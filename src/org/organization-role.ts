/**
 * Credentials of the organization role (the `organizationRoleArn` setting): a role in the
 * management account that may list the organization's accounts, for an auditor deployed elsewhere.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { credentialsOf, sessionNameOf, type TemporaryCredentials } from './temporary-credentials.js';

/**
 * The role the `organizationRoleArn` setting names, in any account and at any path: serverless.yml
 * grants exactly the `organizationRoleArn` param's role, and only when it is set (the example is the
 * package test's), so the listing's role cannot assume the member roles.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ORGANIZATION_ROLE_PERMISSIONS = [
  {
    action: 'sts:AssumeRole',
    resource: 'arn:${AWS::Partition}:iam::*:role/*',
    example: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/key-hygiene/KeyHygieneOrganizationRole',
    why: 'assumes the organizationRoleArn (when set) to list the accounts from the management account',
  },
] as const satisfies readonly PermissionDeclaration[];

/** Assumes the organization role with session name `key-hygiene-<runId>`; throws the SDK's error. */
export async function assumeOrganizationRole(
  sts: Pick<STSClient, 'send'>,
  roleArn: string,
  runId: string,
): Promise<TemporaryCredentials> {
  const answer = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionNameOf(runId) }),
  );
  return credentialsOf(answer, roleArn);
}
