import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findHandledKeys, recordHandledKey } from '../../src/respond/handled-events.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, PROD, s3Client } from '../sandbox/helpers.js';

const BUCKET = 'acme-handled-events';
const WHERE = { bucket: BUCKET, ownerAccountId: PROD };
const EVENT = {
  accountId: PROD,
  eventArn: 'arn:aws:health:global::event/IAM/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_abc',
};
const KEY = 'AKIALEAKED0000000001';
const OTHER_KEY = 'AKIALEAKED0000000002';

/** Where the records of EVENT live, written out here: a record moved elsewhere is forgotten by the next deploy. */
const FOLDER = `exposed-key-events/${createHash('sha256').update(`${PROD}\n${EVENT.eventArn}`).digest('hex')}/`;

describe('Functions: recordHandledKey and findHandledKeys (against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let s3: S3Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE });
    s3 = s3Client(sandbox);
  });
  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    sandbox.state.addBucket(PROD, { name: BUCKET });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('records which run handled the key and how, as JSON under the folder of its account and event', async () => {
    // Act
    await recordHandledKey(s3, WHERE, EVENT, {
      accessKeyId: KEY,
      outcome: 'deactivated',
      runId: 'run-2026-11-20T03-00-00Z',
      messageId: 'msg-1',
      at: '2026-11-20T03:00:00.000Z',
    });
    // Assess
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${FOLDER}${KEY}.json` }));
    expect(object.ContentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse((await object.Body?.transformToString()) ?? '{}')).toEqual({
      accountId: PROD,
      eventArn: EVENT.eventArn,
      accessKeyId: KEY,
      outcome: 'deactivated',
      runId: 'run-2026-11-20T03-00-00Z',
      messageId: 'msg-1',
      at: '2026-11-20T03:00:00.000Z',
    });
  });

  it('finds the keys recorded for the event, and none of another account with the same event ARN', async () => {
    // Prepare
    const record = { outcome: 'deactivated', runId: 'r', messageId: null, at: '2026-11-20T03:00:00.000Z' };
    await recordHandledKey(s3, WHERE, EVENT, { accessKeyId: KEY, ...record });
    await recordHandledKey(s3, WHERE, EVENT, { accessKeyId: OTHER_KEY, ...record });
    await recordHandledKey(
      s3,
      WHERE,
      { ...EVENT, accountId: '222222222222' },
      { accessKeyId: 'AKIAELSEWHERE0000001', ...record },
    );
    // Act
    const handled = await findHandledKeys(s3, WHERE, EVENT);
    // Assess
    expect(handled).toEqual(new Set([KEY, OTHER_KEY]));
  });

  it('finds nothing for an event not handled yet', async () => {
    expect(await findHandledKeys(s3, WHERE, EVENT)).toEqual(new Set());
  });

  it('counts only objects named exactly <key id>.json in the event folder as records', async () => {
    // Prepare: a copy, a backup and a nested object beside one real record
    const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}' }));
    await put(`${FOLDER}${KEY}.json`);
    await put(`${FOLDER}copy-${OTHER_KEY}.json`);
    await put(`${FOLDER}${OTHER_KEY}.json.bak`);
    await put(`${FOLDER}old/${OTHER_KEY}.json`);
    // Act
    const handled = await findHandledKeys(s3, WHERE, EVENT);
    // Assess: the other key was not handled, whatever lies around
    expect(handled).toEqual(new Set([KEY]));
  });
});
