/** Temporary credentials issued by AssumeRole; requests signed with them act in `accountId`. */
export interface AssumedRoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  /** The ExternalId the caller sent (the sandbox models no trust policy, so any is accepted). */
  externalId: string | null;
  assumedRoleId: string;
  arn: string;
  expiration: Date;
}
