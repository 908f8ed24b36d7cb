/**
 * What STS AssumeRole hands back, checked and named once for the two roles an organization run
 * assumes (the member role, the organization role). Pure: the calls, and the permission each
 * needs, are in member-access.ts and organization-role.ts.
 */
import type { AssumeRoleCommandOutput } from '@aws-sdk/client-sts';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/**
 * The IAM path of the member role (deploy/member-role.yml) and of an organization role: the
 * auditor may assume roles under this path only, whatever their names.
 */
export const MEMBER_ROLE_PATH = '/key-hygiene/';

/** `key-hygiene-<runId>`, so CloudTrail in the other account ties every call to the run. */
export function sessionNameOf(runId: string): string {
  return `key-hygiene-${runId}`.slice(0, 64);
}

/** The credentials of an AssumeRole answer; throws, naming the role, when any part is missing. */
export function credentialsOf(answer: AssumeRoleCommandOutput, roleArn: string): TemporaryCredentials {
  const { Credentials } = answer;
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
