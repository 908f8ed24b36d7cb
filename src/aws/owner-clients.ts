/**
 * The clients owner resolution reads with: SSM (the team directory) and CloudTrail (who created a
 * key). A module of their own so that only the functions that audit bundle them.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  type ClientOptions,
  clientConfig,
  iamClient,
  s3Client,
  securityHubClient,
  snsClient,
  ssmClient,
  stsClient,
  withoutSdkLog,
} from './clients.js';

export interface OwnerClients {
  /** Reads the team directory (when `teamDirectory` names an SSM parameter). */
  ssm: SSMClient;
  /** Finds who created a key no owner tag or directory entry names (CreateAccessKey events). */
  cloudtrail: CloudTrailClient;
  /** Emails the owners' notices (SES v2 SendEmail from the noticeSender identity). */
  ses: SESv2Client;
}

/**
 * IAM is a global service: CloudTrail's event history shows its calls (CreateAccessKey) in the
 * partition's home region only, whichever region the auditor runs in.
 */
function iamEventsRegion(region: string | undefined): string | undefined {
  if (region === undefined) return undefined;
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

/** CloudTrail where IAM's events are (the partition's home region), with the others' retries and timeouts. */
export const ownerTrailClient = (options: ClientOptions = {}) =>
  withoutSdkLog(new CloudTrailClient(clientConfig({ ...options, region: iamEventsRegion(options.region) })));

/** SES v2, with the others' retries and timeouts: the owners' notices. */
export const sesClient = (options: ClientOptions = {}) =>
  withoutSdkLog(new SESv2Client(clientConfig(options)));

/**
 * The clients an audit function builds: the audit's own and owner resolution's. (Written out, not
 * spread from AUDIT_CLIENTS: a spread is code esbuild keeps, with every client it names, in bundles
 * that never use the list.)
 */
export const AUDIT_AND_OWNER_CLIENTS = {
  iam: iamClient,
  sts: stsClient,
  securityHub: securityHubClient,
  sns: snsClient,
  s3: s3Client,
  ssm: ssmClient,
  cloudtrail: ownerTrailClient,
  ses: sesClient,
};

/** SSM, CloudTrail and SES clients with the same retries, timeouts and credentials as the others. */
export function createOwnerClients(options: ClientOptions = {}): OwnerClients {
  return { ssm: ssmClient(options), cloudtrail: ownerTrailClient(options), ses: sesClient(options) };
}
