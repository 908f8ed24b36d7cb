import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixtureError, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { AUDITOR_KEY, errorOf, PROD } from './helpers.js';

const SIGNING_KEY = 'c2lnbmluZy1rZXktZ2VuZXJhdGVkLWF0LWRlcGxveQ';

describe('Sandbox Secrets Manager', () => {
  let sandbox: RunningSandbox;
  let secrets: SecretsManagerClient;

  const client = (region: string) =>
    new SecretsManagerClient({
      region,
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'not-checked-by-the-sandbox' },
    });

  beforeAll(async () => {
    sandbox = await startSandbox({
      fixture: {
        now: '2026-11-20T00:00:00Z',
        accounts: [
          {
            id: PROD,
            secrets: [
              {
                name: 'key-hygiene/link-signing-key',
                value: SIGNING_KEY,
                createdDate: '2026-11-01T00:00:00Z',
              },
              { name: 'binary-key', binaryBase64: 'AAEC/w==' },
              { name: 'elsewhere', region: 'eu-west-1', value: 'in Ireland' },
            ],
          },
        ],
      },
    });
    secrets = client('us-east-1');
  });
  afterAll(async () => {
    secrets.destroy();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.reset();
  });

  it('reads a secret by name with its ARN, version, stages and creation date', async () => {
    // Act
    const answer = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'key-hygiene/link-signing-key' }),
    );

    // Assess
    expect(answer).toMatchObject({
      Name: 'key-hygiene/link-signing-key',
      SecretString: SIGNING_KEY,
      VersionStages: ['AWSCURRENT'],
    });
    expect(answer.ARN).toMatch(
      new RegExp(
        `^arn:aws:secretsmanager:us-east-1:${PROD}:secret:key-hygiene/link-signing-key-[A-Za-z0-9]{6}$`,
      ),
    );
    expect(answer.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.CreatedDate).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(answer.SecretBinary).toBeUndefined();
  });

  it('reads the same secret by its full ARN and by its partial ARN', async () => {
    // Prepare
    const { ARN } = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'key-hygiene/link-signing-key' }),
    );
    const partial = `arn:aws:secretsmanager:us-east-1:${PROD}:secret:key-hygiene/link-signing-key`;

    // Act
    const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: ARN }));
    const byPartialArn = await secrets.send(new GetSecretValueCommand({ SecretId: partial }));

    // Assess
    expect(byArn.SecretString).toBe(SIGNING_KEY);
    expect(byPartialArn.ARN).toBe(ARN);
  });

  it('answers a binary secret as bytes', async () => {
    // Act
    const answer = await secrets.send(new GetSecretValueCommand({ SecretId: 'binary-key' }));

    // Assess
    expect([...(answer.SecretBinary ?? [])]).toEqual([0, 1, 2, 255]);
    expect(answer.SecretString).toBeUndefined();
  });

  it('answers ResourceNotFoundException for a missing secret, another region or another account', async () => {
    // Act
    const missing = await errorOf(secrets.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' })));
    const otherRegion = await errorOf(secrets.send(new GetSecretValueCommand({ SecretId: 'elsewhere' })));
    const otherAccount = await errorOf(
      secrets.send(
        new GetSecretValueCommand({
          SecretId: 'arn:aws:secretsmanager:us-east-1:999999999999:secret:key-hygiene/link-signing-key',
        }),
      ),
    );
    const ireland = client('eu-west-1');
    const found = await ireland.send(new GetSecretValueCommand({ SecretId: 'elsewhere' }));
    ireland.destroy();

    // Assess
    for (const error of [missing, otherRegion, otherAccount]) {
      expect(error).toMatchObject({
        name: 'ResourceNotFoundException',
        status: 400,
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    expect(found.SecretString).toBe('in Ireland');
  });

  it('answers AccessDeniedException when a fault rule refuses the read', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'secretsmanager:GetSecretValue', code: 'AccessDenied' });

    // Act
    const error = await errorOf(
      secrets.send(new GetSecretValueCommand({ SecretId: 'key-hygiene/link-signing-key' })),
    );

    // Assess
    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(sandbox.state.calls().services.secretsmanager).toMatchObject({ total: 1, failed: 1 });
  });

  it('creates a secret, refuses its name twice, and moves AWSCURRENT on PutSecretValue', async () => {
    // Act
    const created = await secrets.send(new CreateSecretCommand({ Name: 'generated', SecretString: 'first' }));
    const again = await errorOf(
      secrets.send(new CreateSecretCommand({ Name: 'generated', SecretString: 'x' })),
    );
    const put = await secrets.send(
      new PutSecretValueCommand({ SecretId: 'generated', SecretString: 'second' }),
    );
    const current = await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    const previous = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'generated', VersionStage: 'AWSPREVIOUS' }),
    );

    // Assess
    expect(created.ARN).toMatch(/:secret:generated-[A-Za-z0-9]{6}$/);
    expect(again).toMatchObject({ name: 'ResourceExistsException', status: 400 });
    expect(put).toMatchObject({ ARN: created.ARN, VersionStages: ['AWSCURRENT'] });
    expect(current).toMatchObject({ SecretString: 'second', VersionId: put.VersionId });
    expect(previous).toMatchObject({
      SecretString: 'first',
      VersionId: created.VersionId,
      VersionStages: ['AWSPREVIOUS'],
    });
  });

  it('treats a repeated ClientRequestToken as a retry, and refuses it with another value', async () => {
    // Prepare
    const token = '11111111-2222-4333-8444-555555555555';
    await secrets.send(new CreateSecretCommand({ Name: 'idempotent' }));

    // Act
    const first = await secrets.send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v1', ClientRequestToken: token }),
    );
    const retry = await secrets.send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v1', ClientRequestToken: token }),
    );
    const changed = await errorOf(
      secrets.send(
        new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v2', ClientRequestToken: token }),
      ),
    );
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: 'idempotent' }));

    // Assess
    expect(retry.VersionId).toBe(first.VersionId);
    expect(changed).toMatchObject({ name: 'ResourceExistsException', status: 400 });
    expect(value).toMatchObject({ SecretString: 'v1', VersionId: token, VersionStages: ['AWSCURRENT'] });
  });

  it('answers a secret created without a value as having no AWSCURRENT version', async () => {
    // Prepare
    await secrets.send(new CreateSecretCommand({ Name: 'empty' }));

    // Act
    const error = await errorOf(secrets.send(new GetSecretValueCommand({ SecretId: 'empty' })));

    // Assess
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT.",
    });
  });

  it('refuses a fixture secret with both a string and a binary value, or a name twice in a region', async () => {
    // Act
    const both = startSandbox({
      fixture: { accounts: [{ id: PROD, secrets: [{ name: 'both', value: 'a', binaryBase64: 'AA==' }] }] },
    });
    const twice = startSandbox({
      fixture: {
        accounts: [
          {
            id: PROD,
            secrets: [
              { name: 'twice', value: 'a' },
              { name: 'twice', value: 'b', region: 'eu-west-1' },
              { name: 'twice', value: 'c' },
            ],
          },
        ],
      },
    });

    // Assess
    await expect(both).rejects.toBeInstanceOf(FixtureError);
    await expect(both).rejects.toThrow(
      'accounts[0].secrets[0].value: give exactly one of value and binaryBase64',
    );
    await expect(twice).rejects.toThrow('accounts[0].secrets[2].name: duplicate secret in this region');
    await expect(twice).rejects.not.toThrow('secrets[1]');
  });
});
