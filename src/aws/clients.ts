import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { adaptiveRetryStrategy } from './rate-limiter.js';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts, requestHandlerOptions } from './request-timeouts.js';

/** The SDK clients the audit uses. Logic receives them; nothing in `src/` builds its own. */
export interface AwsClients {
  iam: IAMClient;
  sns: SNSClient;
  sts: STSClient;
  /** Writes the report archive (when a bucket is set). */
  s3: S3Client;
  /** Sends the findings to Security Hub (when `securityHub` is on); no call is made otherwise. */
  securityHub: SecurityHubClient;
}

export interface ClientOptions {
  /** Region for SNS and STS (IAM is global but signs with it when an endpoint is set). */
  region?: string;
  /**
   * Endpoint for every client (the sandbox in tests and the demo). When absent the SDK honours
   * `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` on its own.
   */
  endpoint?: string;
  /** Static keys, or a provider (an assumed role, a profile's chain) shared by every client. */
  credentials?: IAMClientConfig['credentials'];
  /**
   * A profile of the shared config and credentials files (`--profile`): its region, and its
   * credentials when `credentials` is not given, as the AWS CLI reads them.
   */
  profile?: string;
  /** Attempts per call, first one included. IAM throttles large accounts, so retry generously. */
  maxAttempts?: number;
  /**
   * Address buckets in the path (`/<bucket>/<key>`) instead of the host name. On by default with
   * `endpoint`: a local endpoint such as `http://localhost:4566` has no `<bucket>.localhost` DNS.
   * The Lambda runtime turns it on when `AWS_ENDPOINT_URL(_S3)` is set, for `invoke local`.
   */
  forcePathStyle?: boolean;
  /** Connection and response timeouts of every call (default `DEFAULT_REQUEST_TIMEOUTS`). */
  timeouts?: RequestTimeouts;
}

/**
 * One client of each kind, each built the same way: the adaptive retry mode, which adds
 * client-side rate limiting on top of backoff, so a throttled account slows the audit down instead
 * of failing it (its rate limiter cut once per throttled round: see rate-limiter.ts), and request
 * timeouts, so a stalled connection fails the call instead of the run. One factory per client, so
 * a function's bundle carries only the client packages of the factories it names.
 */
export const iamClient = (options: ClientOptions = {}) => withoutSdkLog(new IAMClient(clientConfig(options)));
export const snsClient = (options: ClientOptions = {}) => withoutSdkLog(new SNSClient(clientConfig(options)));
export const stsClient = (options: ClientOptions = {}) => withoutSdkLog(new STSClient(clientConfig(options)));
export const securityHubClient = (options: ClientOptions = {}) =>
  withoutSdkLog(new SecurityHubClient(clientConfig(options)));
export const cloudTrailClient = (options: ClientOptions = {}) =>
  withoutSdkLog(new CloudTrailClient(clientConfig(options)));
export const secretsManagerClient = (options: ClientOptions = {}) =>
  withoutSdkLog(new SecretsManagerClient(clientConfig(options)));
export const ssmClient = (options: ClientOptions = {}) => withoutSdkLog(new SSMClient(clientConfig(options)));
export const s3Client = (options: ClientOptions = {}) =>
  withoutSdkLog(
    new S3Client({
      ...clientConfig(options),
      forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    }),
  );

/** Builds one client; its `destroy` frees its connections. */
export type ClientFactory = (options: ClientOptions) => { destroy(): void };

/** The clients a set of factories builds, by the same names. */
export type ClientsOf<F extends Record<string, ClientFactory>> = { [K in keyof F]: ReturnType<F[K]> };

/** Each factory's client, all with the same options (region, endpoint, credentials). */
export function buildClients<F extends Record<string, ClientFactory>>(
  factories: F,
  options: ClientOptions,
): ClientsOf<F> {
  return Object.fromEntries(
    Object.entries(factories).map(([name, factory]) => [name, factory(options)]),
  ) as ClientsOf<F>;
}

/**
 * Clients signing with another account's credentials, built on demand per account, with a
 * `destroy` that frees all their connections (a thousand accounts must not leave a thousand sets
 * of keep-alive sockets open).
 */
export function clientsWith<F extends Record<string, ClientFactory>>(factories: F, options: ClientOptions) {
  return (credentials: ClientOptions['credentials']): ClientsOf<F> & { destroy(): void } => {
    const clients = buildClients(factories, { ...options, credentials });
    return {
      ...clients,
      destroy: () => {
        for (const client of Object.values(clients)) (client as { destroy(): void }).destroy();
      },
    };
  };
}

/** The clients an audit of another account signs with its credentials (IAM, STS, Security Hub). */
export const MEMBER_AUDIT_CLIENTS = { iam: iamClient, sts: stsClient, securityHub: securityHubClient };

/**
 * A member account's audit clients (IAM, STS, Security Hub), and with `evidence` its CloudTrail by
 * region for the usage evidence: a member's CloudTrail records only the calls made in that account,
 * so its keys are read with its own credentials. `destroy` frees every client's connections.
 */
export function memberAuditClientsWith(options: ClientOptions, evidence: boolean) {
  const build = clientsWith(MEMBER_AUDIT_CLIENTS, options);
  return (credentials: ClientOptions['credentials']) => {
    const clients = build(credentials);
    if (!evidence) return clients;
    const trails: CloudTrailClient[] = [];
    const evidenceTrail = createCloudTrailByRegion({ ...options, credentials }, (client) =>
      trails.push(client),
    );
    return {
      ...clients,
      evidenceTrail,
      destroy: () => {
        clients.destroy();
        for (const trail of trails) trail.destroy();
      },
    };
  };
}

/**
 * The clients an audit of its own account uses. (Written out, not spread from the member's: a
 * spread is code esbuild keeps, with every client it names, in bundles that never use the list.)
 */
export const AUDIT_CLIENTS = {
  iam: iamClient,
  sts: stsClient,
  securityHub: securityHubClient,
  sns: snsClient,
  s3: s3Client,
};

/**
 * Builds the IAM, SNS, STS, S3 and Security Hub clients (see the factories above).
 *
 * @example
 * const { iam, sns, sts, s3 } = createClients({ endpoint: sandbox.url, region: 'us-east-1' });
 */
export function createClients(options: ClientOptions = {}): AwsClients {
  return buildClients(AUDIT_CLIENTS, options);
}

/**
 * CloudTrail clients by region, each made once. Without SDK retries: the evidence reader paces its
 * lookups at CloudTrail's 2 a second per region and retries a throttled one itself.
 */
export function createCloudTrailByRegion(
  options: ClientOptions,
  onCreate: (client: CloudTrailClient) => void = () => {},
): (region: string) => CloudTrailClient {
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = withoutSdkLog(new CloudTrailClient(clientConfig({ ...options, region, maxAttempts: 1 })));
      onCreate(client);
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The SDK's logger middleware copies every answer through its sensitive-field filter for a logger
 * we never give it (1,000 users a page); the audit logs through its own logger instead.
 */
export function withoutSdkLog<T extends { middlewareStack: { remove(name: string): boolean } }>(
  client: T,
): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * The configuration every client gets (see {@link createClients}); a function that needs another
 * client (the responder's CloudTrail) builds it from this. Each call gives a new retry strategy:
 * a rate limiter measures one client's calls.
 */
export function clientConfig(options: ClientOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 8;
  return {
    retryStrategy: adaptiveRetryStrategy(maxAttempts),
    maxAttempts,
    requestHandler: requestHandlerOptions(options.timeouts ?? DEFAULT_REQUEST_TIMEOUTS),
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
}

/**
 * The access key ID the client signs with, so the auditor never deactivates its own key.
 * Null when credentials cannot be resolved (the audit then simply has no self key to protect).
 */
export async function signingAccessKeyId(client: {
  config: { credentials: () => Promise<{ accessKeyId: string }> };
}): Promise<string | null> {
  try {
    const provider = client.config.credentials;
    const identity = await provider();
    return identity.accessKeyId;
  } catch {
    return null;
  }
}
