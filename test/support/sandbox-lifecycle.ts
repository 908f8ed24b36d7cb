import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/fixture.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { TOPIC_ARN } from './relative-fixture.js';

export interface SandboxHandle {
  sandbox: RunningSandbox;
  /** A real IAM client on the sandbox, without retries. */
  iam: IAMClient;
}

/**
 * Starts a sandbox for the enclosing `describe` (reset before each test, closed after all) and a
 * plain IAM client on it. Read the handle's fields inside tests, once `beforeAll` has run.
 *
 * @example
 * const env = useSandbox(() => relativeFixture());
 * it('...', async () => { await env.iam.send(...); });
 */
export function useSandbox(fixture: () => FixtureInput): SandboxHandle {
  const handle = {} as SandboxHandle;
  beforeAll(async () => {
    handle.sandbox = await startSandbox({ fixture: fixture() });
    handle.iam = new IAMClient({ region: 'us-east-1', endpoint: handle.sandbox.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await handle.sandbox.close();
  });
  beforeEach(async () => {
    await fetch(`${handle.sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return handle;
}

/** A Lambda context with a full 15 minutes left. */
export const lambdaContext = {
  functionName: 'key-hygiene-test-adhocAudit',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:key-hygiene-test-adhocAudit',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/key-hygiene-test-adhocAudit',
  logStreamName: '2026/11/20/[$LATEST]abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Imports a handler fresh, as a cold start with this environment (and the sandbox) would. */
export async function coldStart(
  sandbox: RunningSandbox,
  name: 'adhoc-audit' | 'scheduled-audit' | 'exposed-key-responder',
  env: Record<string, string> = {},
): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL', sandbox.url);
  vi.stubEnv('REPORT_TOPIC_ARN', TOPIC_ARN);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  // vitest itself sets MODE=test; the deployed function gets MODE from its param.
  vi.stubEnv('MODE', 'report');
  // Tests written before notices expect enforce to act on the first night; the notice loop has its
  // own tests (test/notices/), which pass NOTICES themselves.
  vi.stubEnv('NOTICES', 'off');
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const modules = {
    'adhoc-audit': () => import('../../handlers/adhoc-audit.js'),
    'scheduled-audit': () => import('../../handlers/scheduled-audit.js'),
    'exposed-key-responder': () => import('../../handlers/exposed-key-responder.js'),
  };
  const module = await modules[name]();
  return module.handler as unknown as Handler;
}

/** Each key of the user with its status. */
export async function keyStatuses(
  iam: IAMClient,
  userName: string,
): Promise<Record<string, string | undefined>> {
  const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return Object.fromEntries(AccessKeyMetadata.map((key) => [key.AccessKeyId, key.Status]));
}

/**
 * An audit's dependencies on the sandbox: the given clients, the sandbox's clock, a silent logger;
 * `overrides` for what a test changes (its own key, a recording client).
 */
export function sandboxAuditDeps(
  sandbox: RunningSandbox,
  clients: AwsClients,
  overrides: Partial<AuditDeps> = {},
): AuditDeps {
  return {
    ...clients,
    region: 'us-east-1',
    clock: () => sandbox.state.clock.now(),
    selfAccessKeyId: null,
    logger: { info: () => undefined, warn: () => undefined },
    ...overrides,
  };
}
