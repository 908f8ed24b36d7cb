import { createServer } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import type { FixtureInput } from '../../src/sandbox/fixture.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import type { SubscriptionDelivery } from '../../src/sandbox/inspect.js';

export const ACCOUNT = '111111111111';

type Account = FixtureInput['accounts'][number];
type Subscription = NonNullable<NonNullable<Account['topics']>[number]['subscriptions']>[number];

/**
 * A sandbox with one account holding one report topic and its subscriptions (and any SSM
 * parameters), plus an SNS client aimed at it that tries once.
 */
export async function startTopicSandbox(
  topicName: string,
  subscriptions: Subscription[],
  parameters: Account['parameters'] = [],
): Promise<{ sandbox: RunningSandbox; sns: SNSClient; topicArn: string }> {
  const sandbox = await startSandbox({
    fixture: { accounts: [{ id: ACCOUNT, topics: [{ name: topicName, subscriptions }], parameters }] },
  });
  const sns = new SNSClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  return { sandbox, sns, topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${topicName}` };
}

/** What one subscriber received, after its filter policy (`GET /_sandbox/deliveries`). */
export async function deliveriesTo(
  sandbox: RunningSandbox,
  endpoint: string,
): Promise<SubscriptionDelivery[]> {
  const response = await fetch(`${sandbox.url}/_sandbox/deliveries?endpoint=${encodeURIComponent(endpoint)}`);
  return ((await response.json()) as { deliveries: SubscriptionDelivery[] }).deliveries;
}

/** A port nothing listens on: bind one, then let it go. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** An archive as the run records it (`report.archive`), with console links to the objects. */
export function sampleArchive(runId: string) {
  const prefix = `reports/${ACCOUNT}/2026/11/20/${runId}`;
  const object = (ext: string) => ({
    s3Uri: `s3://acme-key-hygiene-reports/${prefix}.${ext}`,
    consoleUrl: `https://console.aws.amazon.com/s3/object/acme-key-hygiene-reports?prefix=${prefix}.${ext}`,
  });
  return {
    bucket: 'acme-key-hygiene-reports',
    prefix,
    json: object('json'),
    csv: object('csv'),
    html: object('html'),
  };
}
