import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { type AwsClients, type ClientOptions, createClients, signingAccessKeyId } from '../aws/clients.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { createPowertools } from './powertools.js';

/** What every function builds at cold start: its settings, Powertools and region. */
export interface FunctionRuntime {
  settings: Settings;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  region: string;
  /** Region and addressing for any SDK client the function builds (`AWS_ENDPOINT_URL` means path style). */
  clientOptions: ClientOptions;
}

/** A function that calls AWS: the audit's clients, traced, and the key they sign with. */
export interface ClientRuntime extends FunctionRuntime {
  clients: AwsClients;
  /** The key the clients sign with, read once (null when it cannot be resolved). */
  selfAccessKeyId(): Promise<string | null>;
}

/**
 * Reads the environment once. Invalid settings throw here, at cold start, with a message that
 * names the setting, so a bad deployment fails its first invocation loudly instead of running
 * with a surprise default.
 */
export function createFunctionRuntime(env: Readonly<Record<string, string | undefined>>): FunctionRuntime {
  const settings = loadSettings(env);
  const powertools = createPowertools(env);
  const clientOptions: ClientOptions = {
    region: powertools.region,
    forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
  };
  return { settings, ...powertools, clientOptions };
}

/** The function runtime plus the audit's SDK clients, each traced. */
export function createClientRuntime(env: Readonly<Record<string, string | undefined>>): ClientRuntime {
  const runtime = createFunctionRuntime(env);
  const clients = createClients(runtime.clientOptions);
  for (const client of Object.values(clients)) runtime.tracer.captureAWSv3Client(client);
  let selfKey: Promise<string | null> | undefined;
  return {
    ...runtime,
    clients,
    selfAccessKeyId: () => {
      selfKey ??= signingAccessKeyId(clients.iam);
      return selfKey;
    },
  };
}
