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

/** SSM and CloudTrail clients with the same retries, timeouts and credentials as the others. */
export function createOwnerClients(options: ClientOptions = {}): OwnerClients {
  return {
    ssm: withoutSdkLog(new SSMClient(clientConfig(options))),
    cloudtrail: withoutSdkLog(new CloudTrailClient(clientConfig(options))),
  };
}
