import { createServer } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/notify/errors.js';
import { publishReport } from '../../src/notify/publish.js';
import { sampleReport } from '../report/sample-report.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:key-hygiene-reports';

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('Function: publishReport', () => {
  it('wraps a failed publish in a DeliveryError that names the topic and what to check', async () => {
    // Prepare
    const sns = new SNSClient({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
      maxAttempts: 1,
    });

    // Act
    const error = await publishReport(sns, TOPIC_ARN, sampleReport()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.topicArn).toBe(TOPIC_ARN);
    expect(delivery.message).toContain(TOPIC_ARN);
    expect(delivery.message).toContain('run 20261120T030000Z-1a2b3c');
    expect(delivery.message).toMatch(/topic exists.*sns:Publish.*key policy/);
    expect(delivery.cause).toBeInstanceOf(Error);
  });
});
