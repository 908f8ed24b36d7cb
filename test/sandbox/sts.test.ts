import { CreateAccessKeyCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, DEV, errorOf, iamClient, PROD, stsClient } from './helpers.js';

describe('Sandbox STS', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('identifies a user key as that user, with its path in the ARN', async () => {
    const identity = await stsClient(sandbox).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: PROD,
      Arn: `arn:aws:iam::${PROD}:user/service/key-hygiene-auditor`,
      UserId: sandbox.state.findUser(PROD, 'key-hygiene-auditor')?.userId,
    });
  });

  it('identifies an unknown key as the made-up caller of the default account', async () => {
    const identity = await stsClient(sandbox, { accessKeyId: 'AKIAUNKNOWN000000001' }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity).toMatchObject({ Account: PROD, Arn: `arn:aws:iam::${PROD}:user/sandbox-caller` });
  });

  it('issues ASIA credentials that act in the role’s account', async () => {
    // Act
    const { Credentials, AssumedRoleUser } = await stsClient(sandbox).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${DEV}:role/security/KeyHygieneAuditor`,
        RoleSessionName: 'key-hygiene',
        DurationSeconds: 900,
      }),
    );
    // Assess
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(Credentials?.SecretAccessKey).toHaveLength(40);
    expect(Credentials?.SessionToken).toBeTypeOf('string');
    expect(Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(AssumedRoleUser).toEqual({
      Arn: `arn:aws:sts::${DEV}:assumed-role/KeyHygieneAuditor/key-hygiene`,
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:key-hygiene$/),
    });
    const session = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
    const identity = await stsClient(sandbox, session).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: DEV,
      Arn: AssumedRoleUser?.Arn,
      UserId: AssumedRoleUser?.AssumedRoleId,
    });
    const devIam = iamClient(sandbox, session);
    const { Users = [] } = await devIam.send(new ListUsersCommand({}));
    expect(Users.map((u) => u.UserName)).toEqual(['dev-dana', 'dev-ci', 'dev-intern']);
    expect(Users[0]?.Arn).toBe(`arn:aws:iam::${DEV}:user/dev-dana`);
    await devIam.send(new CreateAccessKeyCommand({ UserName: 'dev-intern' }));
    expect(sandbox.state.findUser(DEV, 'dev-intern')?.keys).toHaveLength(1);
    // A role session is not a user: IAM needs a UserName.
    const noUser = await errorOf(devIam.send(new GetUserCommand({})));
    expect(noUser.name).toBe('ValidationError');
  });

  it('refuses a role in an account the fixture does not have with AccessDenied 403', async () => {
    const error = await errorOf(
      stsClient(sandbox).send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::333333333333:role/KeyHygieneAuditor',
          RoleSessionName: 'x1',
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(error.message).toContain(`arn:aws:iam::${PROD}:user/service/key-hygiene-auditor`);
  });

  it('rejects a malformed role ARN or duration with ValidationError', async () => {
    const sts = stsClient(sandbox);
    const arn = await errorOf(
      sts.send(new AssumeRoleCommand({ RoleArn: 'KeyHygieneAuditor', RoleSessionName: 'x1' })),
    );
    expect(arn).toMatchObject({ name: 'ValidationError', status: 400 });
    const duration = await errorOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${DEV}:role/KeyHygieneAuditor`,
          RoleSessionName: 'x1',
          DurationSeconds: 60,
        }),
      ),
    );
    expect(duration.name).toBe('ValidationError');
  });
});
