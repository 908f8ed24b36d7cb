/**
 * The clients owner resolution reads with: SSM (the team directory) and CloudTrail (who created a
 * key). A module of their own so that only the functions that audit bundle them.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type ClientOptions, clientConfig, withoutSdkLog } from './clients.js';

export interface OwnerClients {
  /** Reads the team directory (when `teamDirectory` names an SSM parameter). */
  ssm: SSMClient;
  /** Finds who created a key no owner tag or directory entry names (CreateAccessKey events). */
  cloudtrail: CloudTrailClient;
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

/** SSM and CloudTrail clients with the same retries, timeouts and credentials as the others. */
export function createOwnerClients(options: ClientOptions = {}): OwnerClients {
  return {
    ssm: withoutSdkLog(new SSMClient(clientConfig(options))),
    cloudtrail: withoutSdkLog(
      new CloudTrailClient(clientConfig({ ...options, region: iamEventsRegion(options.region) })),
    ),
  };
}
