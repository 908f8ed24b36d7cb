import { GetUserCommand, ListAccessKeysCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Faults, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, AUDITOR_KEY, errorOf, iamClient, PROD, s3Client, snsClient } from './helpers.js';

describe('Sandbox fault injection', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE, seed: 'faults' });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.configure({ latencyMs: 0, throttleRps: 0, failRate: 0 });
    sandbox.faults.reset();
  });

  it('throttles past R requests per second with Throttling 400 "Rate exceeded"', async () => {
    // Prepare: a burst of 3 passes, the 4th finds the bucket empty
    sandbox.faults.configure({ throttleRps: 3 });
    const iam = iamClient(sandbox);
    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => iam.send(new ListUsersCommand({ MaxItems: 1 }))),
    );
    // Assess
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(rejected).toHaveLength(3);
    const error = await errorOf(iam.send(new ListUsersCommand({})));
    expect(error).toMatchObject({ name: 'Throttling', status: 400, message: 'Rate exceeded' });
    expect(sandbox.state.calls().services.iam?.actions.ListUsers).toMatchObject({ total: 7, throttled: 4 });
  });

  it('lets the SDK retry through the throttle and succeed', async () => {
    // Prepare
    sandbox.faults.configure({ throttleRps: 10 });
    const iam = iamClient(sandbox, { maxAttempts: 12 });
    // Act: 25 calls against a bucket of 10 refilled at 10 per second
    const results = await Promise.all(
      Array.from({ length: 25 }, () => iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))),
    );
    // Assess
    expect(results.every((r) => r.AccessKeyMetadata?.[0]?.AccessKeyId === 'AKIAALICE00000000001')).toBe(true);
    expect(results.some((r) => (r.$metadata.attempts ?? 1) > 1)).toBe(true);
    const stats = sandbox.state.calls().services.iam?.actions.ListAccessKeys;
    expect(stats?.throttled).toBeGreaterThan(0);
    expect(stats?.total).toBe(25 + (stats?.throttled ?? 0));
  });

  it('throttles each account separately', () => {
    const faults = new Faults({ throttleRps: 2 }, 'seed');
    expect([faults.throttled('a', 0), faults.throttled('a', 0), faults.throttled('a', 0)]).toEqual([
      false,
      false,
      true,
    ]);
    expect(faults.throttled('b', 0)).toBe(false);
    // Half a second refills one token at 2 per second.
    expect(faults.throttled('a', 500)).toBe(false);
    expect(faults.throttled('a', 500)).toBe(true);
  });

  it('fails a share of requests with ServiceFailure 500', async () => {
    sandbox.faults.configure({ failRate: 1 });
    const error = await errorOf(iamClient(sandbox).send(new GetUserCommand({ UserName: 'alice' })));
    expect(error).toMatchObject({ name: 'ServiceFailureException', status: 500 });
    expect(sandbox.state.calls().failed).toBe(1);
  });

  it('fails only the requests a test plans to fail, as often as planned, with the planned answer', async () => {
    // Prepare: bob's keys fail once with AccessDenied; the second ListUsers page fails once.
    const iam = iamClient(sandbox);
    sandbox.faults.add(
      { operation: 'iam:ListAccessKeys', params: { UserName: 'bob' }, code: 'AccessDenied', times: 1 },
      { operation: 'iam:ListUsers', code: 'ServiceFailure', after: 1, times: 1 },
    );
    // Act
    const alice = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
    const denied = await errorOf(iam.send(new ListAccessKeysCommand({ UserName: 'bob' })));
    const bobAgain = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    const first = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    const second = await errorOf(iam.send(new ListUsersCommand({ MaxItems: 1, Marker: first.Marker })));
    const retried = await iam.send(new ListUsersCommand({ MaxItems: 1, Marker: first.Marker }));
    // Assess
    expect(alice.AccessKeyMetadata).toHaveLength(1);
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect((denied as Error).message).toMatch(/is not authorized to perform: iam:ListAccessKeys/);
    expect(bobAgain.AccessKeyMetadata).toHaveLength(1);
    expect(second).toMatchObject({ name: 'ServiceFailureException', status: 500 });
    expect(retried.Users).toHaveLength(1);
    expect(sandbox.state.calls().failed).toBe(2);
  });

  it('forgets the rules added at run time on reset', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'iam:GetUser', code: 'ServiceFailure' });
    // Act
    sandbox.faults.reset();
    // Assess
    const { User } = await iamClient(sandbox).send(new GetUserCommand({ UserName: 'alice' }));
    expect(User?.UserName).toBe('alice');
  });

  it('fails the same requests under the same seed', async () => {
    // Prepare
    const run = async () => {
      const seeded = await startSandbox({ fixture: ACME_FIXTURE, seed: 'repeatable', failRate: 0.3 });
      try {
        const iam = iamClient(seeded);
        const pattern: boolean[] = [];
        for (let i = 0; i < 30; i++) {
          pattern.push(
            await iam.send(new ListUsersCommand({ MaxItems: 1 })).then(
              () => true,
              () => false,
            ),
          );
        }
        return pattern;
      } finally {
        await seeded.close();
      }
    };
    // Act
    const [first, second] = [await run(), await run()];
    // Assess
    expect(first).toEqual(second);
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(2);
    expect(first.filter((ok) => ok).length).toBeGreaterThan(10);
  });

  it('adds latency around the configured value', async () => {
    sandbox.faults.configure({ latencyMs: 60 });
    const started = performance.now();
    await iamClient(sandbox).send(new GetUserCommand({ UserName: 'alice' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(PROD).toBe(sandbox.state.defaultAccountId);
  });

  it('refuses an operation from a given call on, as a lost permission, which the SDK does not retry', async () => {
    // Prepare: the first Publish passes, every later one is refused
    sandbox.faults.add({ operation: 'sns:Publish', code: 'AccessDenied', after: 1 });
    const sns = snsClient(sandbox, { maxAttempts: 3 });
    const publish = () =>
      sns.send(
        new PublishCommand({
          TopicArn: `arn:aws:sns:us-east-1:${PROD}:key-hygiene-demo-reports`,
          Message: 'hello',
        }),
      );
    // Act
    const first = await publish();
    const second = await errorOf(publish());
    const third = await errorOf(publish());
    // Assess
    expect(first.MessageId).toBeTruthy();
    expect(second).toMatchObject({ name: 'AuthorizationErrorException', status: 403, attempts: 1 });
    expect(third).toMatchObject({ status: 403 });
    expect(sandbox.state.published).toHaveLength(1);
    // Other operations are untouched.
    await iamClient(sandbox).send(new GetUserCommand({ UserName: 'alice' }));
  });

  it('refuses only the calls a rule counts, and S3 answers AccessDenied', async () => {
    // Prepare: the second PutObject alone is refused
    sandbox.faults.add({ operation: 's3:PutObject', code: 'AccessDenied', after: 1, times: 1 });
    const s3 = s3Client(sandbox);
    const put = (key: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'acme-key-hygiene-reports', Key: key, Body: key }));
    // Act
    await put('a');
    const refused = await errorOf(put('b'));
    await put('c');
    // Assess
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'acme-key-hygiene-reports', Key: 'c' })),
    ).resolves.toBeDefined();
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'acme-key-hygiene-reports', Key: 'b' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('applies a rule only inside its window of the sandbox clock', async () => {
    // Prepare: GetUser fails from 02:00 until 03:00 on the sandbox's day.
    sandbox.state.clock.set('2026-11-20T01:59:59Z');
    sandbox.faults.add({
      operation: 'iam:GetUser',
      code: 'ServiceFailure',
      from: '2026-11-20T02:00:00Z',
      until: '2026-11-20T03:00:00Z',
    });
    const iam = iamClient(sandbox);
    const getUser = () => iam.send(new GetUserCommand({ UserName: 'alice' }));
    // Act
    const before = await getUser();
    sandbox.state.clock.advance(1_000);
    const inside = await errorOf(getUser());
    sandbox.state.clock.set('2026-11-20T03:00:00Z');
    const after = await getUser();
    // Assess
    expect(before.User?.UserName).toBe('alice');
    expect(inside).toMatchObject({ name: 'ServiceFailureException', status: 500 });
    expect(after.User?.UserName).toBe('alice');
  });

  it('refuses a permission for the whole run when a rule has no count: a role or SCP that denies it', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'iam:ListUsers', code: 'AccessDenied' });
    const iam = iamClient(sandbox);
    // Act
    const answers = await Promise.all([1, 2, 3].map(() => errorOf(iam.send(new ListUsersCommand({})))));
    // Assess
    for (const answer of answers) expect(answer).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(sandbox.faults.activeRules).toEqual([
      { rule: { operation: 'iam:ListUsers', code: 'AccessDenied' }, seen: 3 },
    ]);
  });

  it("starts with the fixture's rules, matches a JSON service's parameters, and restores them on reset", async () => {
    // Prepare: a fixture whose Slack webhook parameter SSM refuses once.
    const withRules = await startSandbox({
      fixture: {
        accounts: [{ id: PROD, parameters: [{ name: '/hook', value: 'https://example.com' }] }],
        faults: [
          { operation: 'ssm:GetParameter', params: { Name: '/hook' }, code: 'AccessDenied', times: 1 },
        ],
      },
    });
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: withRules.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' },
    });
    const get = () => ssm.send(new GetParameterCommand({ Name: '/hook' }));
    try {
      // Act
      const refused = await errorOf(get());
      const served = await get();
      withRules.faults.reset();
      const refusedAgain = await errorOf(get());
      // Assess
      expect(refused).toMatchObject({ name: 'AccessDeniedException' });
      expect(served.Parameter?.Value).toBe('https://example.com');
      expect(refusedAgain).toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      ssm.destroy();
      await withRules.close();
    }
  });

  it('refuses impossible settings with a message naming them', () => {
    expect(() => sandbox.faults.add({ operation: 'Publish', code: 'AccessDenied' })).toThrow(
      /operation: not service:Action/,
    );
    expect(
      () => new Faults({}, 's', [{ operation: 'sns:Publish', code: 'AccessDenied', after: -1 }]),
    ).toThrow(/after:/);
    expect(() => sandbox.faults.add({ operation: 'sns:Publish', code: 'NoSuchEntity' })).toThrow(
      /NoSuchEntity is an IAM answer/,
    );
    expect(() => sandbox.faults.configure({ failRate: 2 })).toThrow(/failRate must be between 0 and 1/);
    expect(() => new Faults({ throttleRps: -1 }, 's')).toThrow(/throttleRps/);
  });
});
