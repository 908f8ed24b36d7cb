import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import {
  buildClients,
  type ClientFactory,
  type ClientOptions,
  type ClientsOf,
  signingAccessKeyId,
} from '../aws/clients.js';
import { loadSettings, type Settings } from '../config/settings.js';
import type { AuditDeps } from '../run-start.js';
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

/** What a step receives for one invocation beside its clients. */
export type InvocationDeps = Pick<
  AuditDeps,
  'region' | 'clock' | 'selfAccessKeyId' | 'remainingTimeMs' | 'logger'
>;

/** A function that calls AWS: the clients it names, traced, and the key they sign with. */
export interface ClientRuntime<C> extends FunctionRuntime {
  clients: C;
  /** The key the clients sign with, read once (null when it cannot be resolved). */
  selfAccessKeyId(): Promise<string | null>;
  /** A step's dependencies for one invocation (the remaining time comes from its context). */
  deps(context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<C & InvocationDeps>;
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

/**
 * The function runtime plus the SDK clients the function calls, each traced. Each function names
 * its own (`factories`), so its bundle carries those client packages and no other.
 */
export function createClientRuntime<F extends Record<string, ClientFactory>>(
  env: Readonly<Record<string, string | undefined>>,
  factories: F,
): ClientRuntime<ClientsOf<F>> {
  const runtime = createFunctionRuntime(env);
  const clients = buildClients(factories, runtime.clientOptions);
  for (const client of Object.values(clients)) runtime.tracer.captureAWSv3Client(client);
  // Every client signs with the function's role, so any one of them tells its key.
  const [signer] = Object.values(clients) as Parameters<typeof signingAccessKeyId>[0][];
  let selfKey: Promise<string | null> | undefined;
  const selfAccessKeyId = () => {
    selfKey ??= signer ? signingAccessKeyId(signer) : Promise.resolve(null);
    return selfKey;
  };
  return {
    ...runtime,
    clients,
    selfAccessKeyId,
    async deps(context) {
      return {
        ...clients,
        region: runtime.region,
        clock: () => new Date(),
        selfAccessKeyId: await selfAccessKeyId(),
        ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
        logger: runtime.logger,
      };
    },
  };
}
