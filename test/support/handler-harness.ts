import type { Context } from 'aws-lambda';
import { vi } from 'vitest';

/** A Lambda context as the runtime passes it, with 15 minutes left. */
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

/**
 * Imports a handler fresh, as a cold start with this environment would, pointed at the sandbox.
 * `env` wins over the defaults; call `vi.unstubAllEnvs()` after each test.
 */
export async function coldStart(
  name: 'adhoc-audit' | 'scheduled-audit',
  sandboxUrl: string,
  topicArn: string,
  env: Record<string, string> = {},
): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL', sandboxUrl);
  vi.stubEnv('REPORT_TOPIC_ARN', topicArn);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  // vitest itself sets MODE=test; the deployed function gets MODE from its param.
  vi.stubEnv('MODE', 'report');
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const module =
    name === 'adhoc-audit'
      ? await import('../../handlers/adhoc-audit.js')
      : await import('../../handlers/scheduled-audit.js');
  return module.handler as unknown as Handler;
}
