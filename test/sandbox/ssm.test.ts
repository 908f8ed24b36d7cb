import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { AUDITOR_KEY, errorOf, PROD } from './helpers.js';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/sandboxsecret';

describe('Sandbox SSM', () => {
  let sandbox: RunningSandbox;
  let ssm: SSMClient;

  beforeAll(async () => {
    sandbox = await startSandbox({
      fixture: {
        accounts: [
          {
            id: PROD,
            parameters: [
              { name: '/key-hygiene/slack-webhook', type: 'SecureString', value: WEBHOOK },
              { name: 'plain-name', value: 'hello' },
            ],
          },
        ],
      },
    });
    ssm = new SSMClient({
      region: 'eu-west-1',
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' },
    });
  });
  afterAll(async () => {
    ssm.destroy();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  it('answers GetParameter with the value only when decryption is asked for a SecureString', async () => {
    // Act
    const decrypted = await ssm.send(
      new GetParameterCommand({ Name: '/key-hygiene/slack-webhook', WithDecryption: true }),
    );
    const encrypted = await ssm.send(new GetParameterCommand({ Name: '/key-hygiene/slack-webhook' }));
    const plain = await ssm.send(new GetParameterCommand({ Name: 'plain-name' }));

    // Assess
    expect(decrypted.Parameter).toMatchObject({
      Name: '/key-hygiene/slack-webhook',
      Type: 'SecureString',
      Value: WEBHOOK,
      Version: 1,
      ARN: `arn:aws:ssm:eu-west-1:${PROD}:parameter/key-hygiene/slack-webhook`,
    });
    expect(decrypted.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(encrypted.Parameter?.Value).not.toContain('hooks.slack.com');
    expect(plain.Parameter).toMatchObject({
      Value: 'hello',
      ARN: `arn:aws:ssm:eu-west-1:${PROD}:parameter/plain-name`,
    });
  });

  it('finds a parameter by ARN too', async () => {
    const byArn = await ssm.send(
      new GetParameterCommand({ Name: `arn:aws:ssm:eu-west-1:${PROD}:parameter/plain-name` }),
    );
    expect(byArn.Parameter?.Value).toBe('hello');
  });

  it('answers ParameterNotFound 400 in the real shape, and counts the calls', async () => {
    // Act
    const error = await errorOf(ssm.send(new GetParameterCommand({ Name: '/nope' })));
    const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as {
      services: Record<string, { actions: Record<string, { total: number; errors: number }> }>;
    };

    // Assess
    expect(error).toMatchObject({ name: 'ParameterNotFound', status: 400 });
    expect(calls.services.ssm?.actions.GetParameter).toMatchObject({ total: 1, errors: 1 });
  });

  it('sets a parameter through the test aid, bumping its version', async () => {
    // Act
    const put = async (value: string) =>
      (
        await fetch(`${sandbox.url}/_sandbox/parameters`, {
          method: 'POST',
          body: JSON.stringify({ name: '/key-hygiene/slack-webhook', value }),
        })
      ).json();
    await put('https://hooks.slack.com/services/T000/B000/second');
    const refused = await fetch(`${sandbox.url}/_sandbox/parameters`, {
      method: 'POST',
      body: '{"name": "bad name"}',
    });
    const read = await ssm.send(
      new GetParameterCommand({ Name: '/key-hygiene/slack-webhook', WithDecryption: true }),
    );

    // Assess
    expect(read.Parameter).toMatchObject({
      Value: 'https://hooks.slack.com/services/T000/B000/second',
      Version: 2,
    });
    expect(refused.status).toBe(400);
  });
});
