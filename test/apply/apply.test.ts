import {
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import type { PlannedAction } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';

let sandbox: RunningSandbox;
let iam: IAMClient;
/** The run's time, read once per test from the sandbox clock: what apply is handed and what it writes. */
let now: Date;

const planned = (userName: string, accessKeyId: string): PlannedAction => ({
  action: 'deactivate',
  ruleId: 'unused-key',
  userName,
  key: { kind: 'id', accessKeyId },
  status: 'planned',
  reason: null,
  error: null,
});

const RUN_A = '20261130T000000Z-aaaaaa';
const RUN_B = '20261130T000000Z-bbbbbb';

async function recordOf(userName: string, accessKeyId: string): Promise<string | undefined> {
  const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Tags.find((tag) => tag.Key === `key-hygiene:deactivated-${accessKeyId}`)?.Value;
}

async function status(userName: string): Promise<string | undefined> {
  const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata[0]?.Status;
}

describe('Function: applyActions', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: relativeFixture() });
    iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    now = sandbox.state.clock.now();
  });

  it('deactivates the key and tags the user with the date and rule', async () => {
    // Act
    const [outcome] = await applyActions({ iam, now, unusedKeyDays: 90 }, [planned('stale-sam', KEYS.stale)]);
    // Assess
    expect(outcome).toMatchObject({ status: 'applied', error: null });
    expect(await status('stale-sam')).toBe('Inactive');
    const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: 'stale-sam' }));
    expect(Tags).toContainEqual({
      Key: `key-hygiene:deactivated-${KEYS.stale}`,
      Value: `${now.toISOString().slice(0, 10)} unused-key`,
    });
  });

  it('writes the deactivation record before deactivating, so no deactivated key ever lacks it', async () => {
    // Prepare: observe the calls on their way to the sandbox.
    const sent: string[] = [];
    const observed = {
      send: ((command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return iam.send(command as never);
      }) as IAMClient['send'],
    };
    // Act
    const [outcome] = await applyActions({ iam: observed, now, unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome?.status).toBe('applied');
    expect(sent).toEqual([
      'GetAccessKeyLastUsedCommand',
      'ListAccessKeysCommand',
      'TagUserCommand',
      'ListUserTagsCommand',
      'UpdateAccessKeyCommand',
      'ListUserTagsCommand',
    ]);
  });

  it('reports a failed UpdateAccessKey as failed, naming the record it left for the next run', async () => {
    // Prepare: the key disappears between the record and the deactivation (a real NoSuchEntity).
    const racing = {
      send: (async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'UpdateAccessKeyCommand') {
          await iam.send(new DeleteAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale }));
        }
        return iam.send(command as never);
      }) as IAMClient['send'],
    };
    // Act
    const [outcome] = await applyActions({ iam: racing, now, unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'NoSuchEntity' } });
    expect(outcome?.reason).toMatch(
      new RegExp(
        `UpdateAccessKey failed; key still active \\(the user already carries key-hygiene:deactivated-${KEYS.stale}`,
      ),
    );
  });

  it('leaves a key someone deactivated by hand since the plan alone, and writes no record on it', async () => {
    // Prepare: incident response switches the key off between the plan and apply.
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Inactive' }),
    );
    // Act
    const [outcome] = await applyActions({ iam, now, unusedKeyDays: 90, runId: RUN_A }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'skipped',
      reason: 'already inactive, not deactivated by key-hygiene; no record written',
    });
    expect(await recordOf('stale-sam', KEYS.stale)).toBeUndefined();
  });

  it('leaves a key that is no longer listed under the planned user alone', async () => {
    // Act: the plan names the key under another user than the one that holds it.
    const [outcome] = await applyActions({ iam, now, unusedKeyDays: 90, runId: RUN_A }, [
      planned('fresh-fred', KEYS.stale),
    ]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'skipped',
      reason:
        "live check: the key is not listed under fresh-fred (deleted, or another user's); left untouched",
    });
    expect(await status('stale-sam')).toBe('Active');
    expect(await recordOf('fresh-fred', KEYS.stale)).toBeUndefined();
  });

  it('two runs acting on one key at the same moment leave one record, and only its run says it deactivated', async () => {
    // Act: both runs' calls interleave on the one endpoint.
    const [[a], [b]] = await Promise.all([
      applyActions({ iam, now, unusedKeyDays: 90, runId: RUN_A }, [planned('stale-sam', KEYS.stale)]),
      applyActions({ iam, now, unusedKeyDays: 90, runId: RUN_B }, [planned('stale-sam', KEYS.stale)]),
    ]);
    // Assess
    const record = await recordOf('stale-sam', KEYS.stale);
    const outcomes = [a, b].map((outcome) => outcome?.status).sort();
    expect(outcomes).toEqual(['applied', 'skipped']);
    const winner = a?.status === 'applied' ? RUN_A : RUN_B;
    expect(record).toMatch(new RegExp(` unused-key ${winner}$`));
    expect([a, b].find((outcome) => outcome?.status === 'skipped')?.reason).toMatch(
      /another key-hygiene run is deactivating this key at the same time/,
    );
    expect(await status('stale-sam')).toBe('Inactive');
  });

  it('skips a key that was used after the inventory was read (live confirmation)', async () => {
    // Prepare: the key signs a request, so IAM records a use right now.
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      credentials: { accessKeyId: KEYS.stale, secretAccessKey: 'sandbox-placeholder' },
    });
    await sts.send(new GetCallerIdentityCommand({}));
    // Act
    const [outcome] = await applyActions({ iam, now, unusedKeyDays: 90 }, [planned('stale-sam', KEYS.stale)]);
    // Assess
    expect(outcome?.status).toBe('skipped');
    expect(outcome?.reason).toMatch(/live check: used 0 days ago \(sts\)/);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('records the AWS error and touches nothing when the key vanished before the action', async () => {
    // Prepare
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale }));
    // Act
    const [outcome] = await applyActions({ iam, now, unusedKeyDays: 90 }, [planned('stale-sam', KEYS.stale)]);
    // Assess
    expect(outcome?.status).toBe('failed');
    expect(outcome?.error?.code).toBe('NoSuchEntity');
  });

  it('leaves actions that are not planned exactly as they are, and starts none once time is up', async () => {
    // Prepare
    const skipped: PlannedAction = {
      ...planned('fresh-fred', KEYS.fresh),
      status: 'skipped',
      reason: 'exempt',
    };
    // Act
    const outcomes = await applyActions({ iam, now, unusedKeyDays: 90, shouldStop: () => true }, [
      skipped,
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcomes[0]).toBe(skipped);
    expect(outcomes[1]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/time budget/) });
    expect(await status('stale-sam')).toBe('Active');
  });
});
