import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOwnedObject } from '../../src/aws/put-object.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, DEV, errorOf, PROD, s3Client } from '../sandbox/helpers.js';

const BUCKET = 'acme-put-object';

describe('Function: putOwnedObject (against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let s3: S3Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE });
    sandbox.state.addBucket(PROD, { name: BUCKET });
    s3 = s3Client(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('writes the object encrypted with SSE-S3, with its content type', async () => {
    // Act
    await putOwnedObject(s3, {
      bucket: BUCKET,
      key: 'reports/r.json',
      body: '{"ok":true}',
      contentType: 'application/json',
      owner: PROD,
    });
    // Assess
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/r.json' }));
    expect(await object.Body?.transformToString()).toBe('{"ok":true}');
    expect(object.ServerSideEncryption).toBe('AES256');
    expect(object.ContentType).toBe('application/json');
  });

  it('refuses a bucket the expected owner does not own, even one the caller may write to', async () => {
    // Act: the caller (PROD) owns the bucket, but the data belongs in DEV's.
    const error = await errorOf(
      putOwnedObject(s3, {
        bucket: BUCKET,
        key: 'reports/not-here.json',
        body: '{}',
        contentType: 'application/json',
        owner: DEV,
      }),
    );
    // Assess
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(sandbox.state.buckets.get(BUCKET)?.objects.has('reports/not-here.json')).toBe(false);
  });
});
