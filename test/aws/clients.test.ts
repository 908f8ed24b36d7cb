import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsClients, createClients } from '../../src/aws/clients.js';

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-real-secret' };
const servers: Server[] = [];

/** An HTTP endpoint that answers every request as told: never, or at once with a 500. */
async function endpoint(answer: 'never' | 'error'): Promise<string> {
  const server = createServer((_req, res) => {
    if (answer === 'error') res.writeHead(500).end('<Error><Code>InternalFailure</Code></Error>');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One call on each client, settled: the error each ended with. */
function callEach(clients: AwsClients): Promise<unknown[]> {
  return Promise.all([
    clients.iam.send(new ListUsersCommand({})).catch((e: unknown) => e),
    clients.sns.send(new ListTopicsCommand({})).catch((e: unknown) => e),
    clients.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e),
    clients.s3.send(new ListObjectsV2Command({ Bucket: 'reports' })).catch((e: unknown) => e),
    clients.securityHub.send(new GetFindingsCommand({})).catch((e: unknown) => e),
  ]);
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('Function: createClients', () => {
  it('fails a call whose endpoint never answers with a TimeoutError, on every client, instead of waiting for Lambda to kill the run', async () => {
    // Prepare
    const clients = createClients({
      endpoint: await endpoint('never'),
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      timeouts: { connectionMs: 1_000, requestMs: 50 },
    });

    // Act
    const errors = await callEach(clients);

    // Assess
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'TimeoutError',
      'TimeoutError',
      'TimeoutError',
      'TimeoutError',
      'TimeoutError',
    ]);
  });

  it('gives every client 5 s to connect and 30 s for a response by default, as errors rather than warnings', async () => {
    // Prepare: the handler resolves its settings on its first request.
    const clients = createClients({
      endpoint: await endpoint('error'),
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    await callEach(clients);

    // Act
    const configs = Object.values(clients).map((client) => {
      const handler = client.config.requestHandler as unknown as {
        httpHandlerConfigs(): Record<string, unknown>;
      };
      const { connectionTimeout, requestTimeout, throwOnRequestTimeout } = handler.httpHandlerConfigs();
      return { connectionTimeout, requestTimeout, throwOnRequestTimeout };
    });

    // Assess
    expect(configs).toEqual(
      Array(5).fill({ connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true }),
    );
  });
});
