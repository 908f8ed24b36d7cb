/**
 * The AWS side of the command line, with the AWS CLI's habits: `--profile` read through the SDK's
 * own provider chain (shared config and credentials files, SSO, `credential_process`), `--region`,
 * `--role-arn` with `--external-id` to assume a role first, and `--endpoint-url` (the sandbox).
 */

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  type AwsClients,
  createClients,
  createCloudTrailByRegion,
  secretsManagerClient,
  signingAccessKeyId,
} from '../aws/clients.js';
import { createOwnerClients, type OwnerClients } from '../aws/owner-clients.js';

/** The AWS flags every command that calls AWS takes. */
export interface AwsFlags {
  profile?: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
}

export interface AwsSession {
  clients: AwsClients & OwnerClients;
  /** CloudTrail by region for the usage evidence (no connection until a lookup is made). */
  evidenceTrail: (region: string) => CloudTrailClient;
  /** Secrets Manager, made only when asked: the answer links' key (ANSWER_SECRET). */
  secrets: () => SecretsManagerClient;
  region: string;
  /** True when no region was configured anywhere and IAM is read through its global endpoint. */
  globalDefault: boolean;
  /** The access key the clients sign with, never deactivated (see `AuditDeps.selfAccessKeyId`). */
  selfAccessKeyId: string | null;
}

/** IAM, STS and Organizations answer here when no region is configured, as the AWS CLI does for IAM. */
export const GLOBAL_REGION = 'us-east-1';

/** The line said once when no region is configured. */
export const GLOBAL_REGION_NOTE = `No region configured: reading IAM through its global endpoint (${GLOBAL_REGION}).`;

/**
 * The AWS CLI takes an empty `AWS_REGION` (or `AWS_DEFAULT_REGION`) as unset; the SDK would take ""
 * as the region and refuse it. Called once by the command's entry, before any client exists.
 */
export function forgetEmptyRegion(env: Record<string, string | undefined>): void {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) if (env[name] === '') delete env[name];
}

/**
 * What, in this run, calls a regional service (so needs a configured region), named as the operator
 * set it; null when the run reads only IAM (and STS, Organizations).
 */
export function regionalUse(run: {
  notify: boolean;
  reportBucket: string | null;
  securityHub: string;
}): string | null {
  if (run.notify) return '--notify (SNS)';
  if (run.reportBucket !== null) return 'the report archive (REPORT_BUCKET, S3)';
  if (run.securityHub === 'on') return 'Security Hub (SECURITY_HUB=on)';
  return null;
}

/** `--endpoint-url` would send credentials where they should not go. */
export class EndpointUrlError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EndpointUrlError';
  }
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may reach. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The signed requests carry session tokens: plain http only to this machine (the sandbox), https
 * anywhere else.
 */
export function checkEndpointUrl(endpointUrl: string): void {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch (error) {
    throw new EndpointUrlError(
      `--endpoint-url ${endpointUrl} is not a URL (e.g. https://iam.example.com or http://127.0.0.1:4566)`,
      { cause: error },
    );
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return;
  throw new EndpointUrlError(
    `--endpoint-url ${endpointUrl}: plain http is accepted only for this machine (127.0.0.0/8, ::1, localhost); use https`,
  );
}

/** The session name an assumed role shows in CloudTrail, so a reader knows who acted. */
const ROLE_SESSION_NAME = 'key-hygiene-cli';

/** A region could not be found in the flags, the environment or the profile. */
export class NoRegionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoRegionError';
  }
}

/**
 * Builds the clients. Without `--profile` the SDK's default chain runs as usual (`AWS_PROFILE`,
 * the environment's keys, SSO, ...); with it, that profile's credentials and region are used, as
 * `aws --profile` does. One credential provider is shared by every client, so an SSO exchange or a
 * `credential_process` runs once per command.
 *
 * @example
 * const { clients, region } = await openAwsSession({ profile: 'audit', roleArn: 'arn:aws:iam::111111111111:role/key-hygiene' });
 */
export async function openAwsSession(
  flags: AwsFlags,
  options: { regionalUse?: string | null } = {},
): Promise<AwsSession> {
  if (flags.endpointUrl !== undefined) checkEndpointUrl(flags.endpointUrl);
  const base = { ...(flags.profile ? { profile: flags.profile } : {}) };
  const configured = await resolveRegion(flags);
  if (configured === null && options.regionalUse) {
    const where = flags.profile ? `a region in profile ${flags.profile}` : 'a region in your AWS profile';
    throw new NoRegionError(
      `No AWS region configured, and ${options.regionalUse} uses a regional AWS service: pass --region, or set AWS_REGION (or ${where}).`,
    );
  }
  const region = configured ?? GLOBAL_REGION;
  const endpoint = flags.endpointUrl ? { endpoint: flags.endpointUrl } : {};
  // The credential providers talk to AWS only (SSO's portal gets a bearer token, web identity a
  // token file): --endpoint-url is the audit's, never theirs.
  const profileCredentials = fromNodeProviderChain({ ...base, clientConfig: { region } });
  const credentials = flags.roleArn
    ? sharedProvider(
        fromTemporaryCredentials({
          masterCredentials: profileCredentials,
          params: {
            RoleArn: flags.roleArn,
            RoleSessionName: ROLE_SESSION_NAME,
            ...(flags.externalId ? { ExternalId: flags.externalId } : {}),
          },
          clientConfig: { region, ...endpoint },
        }),
      )
    : profileCredentials;
  const clientOptions = { ...base, region, credentials, ...endpoint };
  const clients = { ...createClients(clientOptions), ...createOwnerClients(clientOptions) };
  return {
    clients,
    evidenceTrail: createCloudTrailByRegion(clientOptions),
    secrets: () => secretsManagerClient(clientOptions),
    region,
    globalDefault: configured === null,
    selfAccessKeyId: await signingAccessKeyId(clients.iam),
  };
}

type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;

/** Five minutes: a session closer than this to its expiry is renewed, as the SDK's own cache does. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One assumed-role session for all the clients: each client caches its credentials on its own, so
 * without this every client would call AssumeRole once more.
 */
function sharedProvider(provider: CredentialProvider): CredentialProvider {
  let current: ReturnType<CredentialProvider> | undefined;
  return async (options) => {
    current ??= provider(options);
    try {
      const identity = await current;
      if (identity.expiration && identity.expiration.getTime() - Date.now() < RENEW_BEFORE_MS) {
        current = provider(options);
        return await current;
      }
      return identity;
    } catch (error) {
      current = undefined;
      throw error;
    }
  };
}

/**
 * `--region`, else the SDK's own lookup (`AWS_REGION`, then the profile's `region`); null when none
 * is configured anywhere.
 */
async function resolveRegion(flags: AwsFlags): Promise<string | null> {
  if (flags.region) return flags.region;
  const probe = createClients(flags.profile ? { profile: flags.profile } : {});
  try {
    return await probe.sts.config.region();
  } catch {
    return null;
  } finally {
    for (const client of Object.values(probe)) client.destroy();
  }
}
