import {
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import type { PlannedAction } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';

let sandbox: RunningSandbox;
let iam: IAMClient;

const planned = (userName: string, accessKeyId: string): PlannedAction => ({
  action: 'deactivate',
  ruleId: 'unused-key',
  userName,
  key: { kind: 'id', accessKeyId },
  status: 'planned',
  reason: null,
  error: null,
});

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
  });

  it('deactivates the key and tags the user with the date and rule', async () => {
    // Act
    const [outcome] = await applyActions({ iam, now: new Date(), unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome).toMatchObject({ status: 'applied', error: null });
    expect(await status('stale-sam')).toBe('Inactive');
    const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: 'stale-sam' }));
    expect(Tags).toContainEqual({
      Key: `key-hygiene:deactivated-${KEYS.stale}`,
      Value: `${new Date().toISOString().slice(0, 10)} unused-key`,
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
    const [outcome] = await applyActions({ iam: observed, now: new Date(), unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome?.status).toBe('applied');
    expect(sent).toEqual(['GetAccessKeyLastUsedCommand', 'TagUserCommand', 'UpdateAccessKeyCommand']);
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
    const [outcome] = await applyActions({ iam: racing, now: new Date(), unusedKeyDays: 90 }, [
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

  it('skips a key that was used after the inventory was read (live confirmation)', async () => {
    // Prepare: the key signs a request, so IAM records a use right now.
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      credentials: { accessKeyId: KEYS.stale, secretAccessKey: 'sandbox-placeholder' },
    });
    await sts.send(new GetCallerIdentityCommand({}));
    // Act
    const [outcome] = await applyActions({ iam, now: new Date(), unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcome?.status).toBe('skipped');
    expect(outcome?.reason).toMatch(/live check: used 0 days ago \(sts\)/);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('records the AWS error and touches nothing when the key vanished before the action', async () => {
    // Prepare
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale }));
    // Act
    const [outcome] = await applyActions({ iam, now: new Date(), unusedKeyDays: 90 }, [
      planned('stale-sam', KEYS.stale),
    ]);
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
    const outcomes = await applyActions({ iam, now: new Date(), unusedKeyDays: 90, shouldStop: () => true }, [
      skipped,
      planned('stale-sam', KEYS.stale),
    ]);
    // Assess
    expect(outcomes[0]).toBe(skipped);
    expect(outcomes[1]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/time budget/) });
    expect(await status('stale-sam')).toBe('Active');
  });
});
