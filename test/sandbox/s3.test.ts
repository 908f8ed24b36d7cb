import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFixture, type RunningSandbox } from '../../src/sandbox/index.js';
import { DEV, errorOf, PROD, s3Client, useAcmeSandbox } from './helpers.js';

const BUCKET = 'acme-key-hygiene-reports';
const SIGNATURE = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIAAUDITOR000000001/20261120/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/** A raw request with any Host header (fetch may not set Host), signed in name only for s3. */
function raw(
  sandbox: RunningSandbox,
  options: { method: string; path: string; host?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: sandbox.port,
        method: options.method,
        path: options.path,
        headers: {
          Host: options.host ?? `127.0.0.1:${sandbox.port}`,
          Authorization: SIGNATURE('s3'),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

describe('Sandbox S3', () => {
  const sandbox = useAcmeSandbox();
  let s3: S3Client;

  beforeAll(() => {
    s3 = s3Client(sandbox);
  });

  it('stores a PutObject with its body, Content-Type and encryption, and answers the MD5 ETag', async () => {
    // Prepare
    const body = 'user,key\r\nalice,AKIAEXAMPLE000000001\r\n';
    // Act
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'reports/111111111111/2026/11/20/run 1.csv',
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
        ServerSideEncryption: 'AES256',
      }),
    );
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/111111111111/2026/11/20/run 1.csv' }),
    );
    // Assess
    const md5 = createHash('md5').update(body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got).toMatchObject({
      ContentType: 'text/csv; charset=utf-8',
      ContentLength: Buffer.byteLength(body),
      ETag: `"${md5}"`,
      ServerSideEncryption: 'AES256',
    });
    // The SDK validated the CRC32 it sent against the one the sandbox echoed back.
    expect(got.ChecksumCRC32).toBeDefined();
    const stored = sandbox.state.buckets
      .get(BUCKET)
      ?.objects.get('reports/111111111111/2026/11/20/run 1.csv');
    expect(stored).toMatchObject({ sseRequested: 'AES256', contentType: 'text/csv; charset=utf-8' });
    expect(stored?.checksum?.algorithm).toBe('CRC32');
  });

  it('applies SSE-S3 by default, as S3 does, and records that the request did not ask for it', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain.txt', Body: 'x' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(sandbox.state.buckets.get(BUCKET)?.objects.get('plain.txt')?.sseRequested).toBeNull();
    // Without a Content-Type (the SDK always sends one), S3 stores binary/octet-stream.
    await raw(sandbox, { method: 'PUT', path: `/${BUCKET}/bare`, body: 'x' });
    expect(sandbox.state.buckets.get(BUCKET)?.objects.get('bare')?.contentType).toBe('binary/octet-stream');
  });

  it('decodes a streamed (aws-chunked) body with a trailing checksum', async () => {
    const text = 'a'.repeat(70_000);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed.txt',
        Body: Readable.from([Buffer.from(text.slice(0, 30_000)), Buffer.from(text.slice(30_000))]),
        ContentLength: text.length,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.txt' }));
    expect(await got.Body?.transformToString()).toBe(text);
  });

  it('lists with a prefix, max-keys and continuation tokens, in UTF-8 byte order', async () => {
    // Prepare
    const keys = [
      'reports/b.json',
      'reports/a.csv',
      'reports/a.json',
      'other/x',
      'reports/é.html',
      'reports/z',
    ];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    // Act
    const first = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/', MaxKeys: 2 }));
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: BUCKET, Prefix: 'reports/' },
    )) {
      pages.push((page.Contents ?? []).map((o) => o.Key ?? ''));
    }
    // Assess
    expect(first).toMatchObject({
      Name: BUCKET,
      Prefix: 'reports/',
      KeyCount: 2,
      MaxKeys: 2,
      IsTruncated: true,
    });
    expect(first.Contents?.map((o) => [o.Key, o.Size, o.StorageClass])).toEqual([
      ['reports/a.csv', 13, 'STANDARD'],
      ['reports/a.json', 14, 'STANDARD'],
    ]);
    expect(first.NextContinuationToken).toBeTruthy();
    // "é" is two bytes starting 0xC3, after "z" (0x7A) in byte order.
    expect(pages).toEqual([
      ['reports/a.csv', 'reports/a.json'],
      ['reports/b.json', 'reports/z'],
      ['reports/é.html'],
    ]);
    const bad = await errorOf(
      s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'other/',
          ContinuationToken: first.NextContinuationToken,
        }),
      ),
    );
    expect(bad).toMatchObject({ name: 'InvalidArgument', status: 400 });
    const rolled = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }));
    expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['other/', 'reports/']);
    expect(rolled.KeyCount).toBe(2);
  });

  it('answers NoSuchBucket and NoSuchKey with 404 and S3 error documents', async () => {
    const noBucket = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })),
    );
    expect(noBucket).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
    expect(await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
    });
    const noKey = await errorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.json' })));
    expect(noKey).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });

    const wire = await raw(sandbox, { method: 'GET', path: `/${BUCKET}/missing.json` });
    expect(wire.status).toBe(404);
    expect(wire.headers['content-type']).toBe('application/xml');
    expect(wire.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(wire.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>missing.json<\/Key><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>\n$/,
    );
  });

  it("refuses another account's bucket, a wrong region and a bad checksum", async () => {
    sandbox.state.addBucket(DEV, { name: 'acme-dev-reports' });
    expect(
      await errorOf(s3.send(new GetObjectCommand({ Bucket: 'acme-dev-reports', Key: 'k' }))),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    const notOwner = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x', ExpectedBucketOwner: DEV })),
    );
    expect(notOwner).toMatchObject({ name: 'AccessDenied', status: 403 });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x', ExpectedBucketOwner: PROD }));
    const eu = s3Client(sandbox, { region: 'eu-west-1' });
    const wrongRegion = await errorOf(eu.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' })));
    expect(wrongRegion.status).toBe(400);
    expect(wrongRegion.message).toContain("the region 'eu-west-1' is wrong; expecting 'us-east-1'");
    const corrupt = await raw(sandbox, {
      method: 'PUT',
      path: `/${BUCKET}/k`,
      headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
      body: 'hello',
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.text).toContain('<Code>BadDigest</Code>');
  });

  it('accepts virtual-host-style requests (Host: <bucket>.localhost)', async () => {
    const put = await raw(sandbox, {
      method: 'PUT',
      path: '/reports/v.txt',
      host: `${BUCKET}.localhost:${sandbox.port}`,
      headers: { 'Content-Type': 'text/plain' },
      body: 'virtual',
    });
    expect(put.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/v.txt' }));
    expect(await got.Body?.transformToString()).toBe('virtual');
    const list = await raw(sandbox, { method: 'GET', path: '/?list-type=2', host: `${BUCKET}.localhost` });
    expect(list.text).toContain('<Key>reports/v.txt</Key>');
    expect(list.text).toContain('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
  });

  it('answers operations it does not implement with NotImplemented 501', async () => {
    const response = await raw(sandbox, { method: 'DELETE', path: `/${BUCKET}/k` });
    expect(response.status).toBe(501);
    expect(response.text).toContain('<Code>NotImplemented</Code>');
  });

  it('creates buckets and shows objects through the inspection endpoints; reset empties them', async () => {
    const created = await fetch(`${sandbox.url}/_sandbox/buckets`, {
      method: 'POST',
      body: JSON.stringify({ name: 'made-by-a-test', region: 'us-east-1' }),
    });
    expect(created.status).toBe(200);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'made-by-a-test',
        Key: 'a.json',
        Body: '{}',
        ContentType: 'application/json',
      }),
    );
    const listed = (await (await fetch(`${sandbox.url}/_sandbox/buckets`)).json()) as {
      buckets: {
        name: string;
        accountId: string;
        objects: { key: string; size: number; contentType: string }[];
      }[];
    };
    expect(listed.buckets.map((b) => b.name)).toEqual([BUCKET, 'made-by-a-test']);
    expect(listed.buckets[1]).toMatchObject({
      accountId: PROD,
      objects: [{ key: 'a.json', size: 2, contentType: 'application/json' }],
    });
    const badName = await fetch(`${sandbox.url}/_sandbox/buckets`, {
      method: 'POST',
      body: '{"name":"Bad_Name"}',
    });
    expect(badName.status).toBe(400);
    expect(sandbox.state.calls().services.s3?.actions.PutObject?.total).toBe(1);
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    expect([...sandbox.state.buckets.keys()]).toEqual([BUCKET]);
  });

  it('answers injected failures as InternalError 500, which the SDK retries', async () => {
    sandbox.faults.configure({ failRate: 1 });
    try {
      const failed = await errorOf(
        s3Client(sandbox, { maxAttempts: 2 }).send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' }),
        ),
      );
      expect(failed).toMatchObject({ name: 'InternalError', status: 500, attempts: 2 });
    } finally {
      sandbox.faults.configure({ failRate: 0 });
    }
  });

  it('writes with If-None-Match: * only a new key, and answers 412 PreconditionFailed over an existing one', async () => {
    // Act
    const created = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'claims/1', Body: 'first', IfNoneMatch: '*' }),
    );
    const again = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'claims/1', Body: 'second', IfNoneMatch: '*' })),
    );
    const wire = await raw(sandbox, {
      method: 'PUT',
      path: `/${BUCKET}/claims/1`,
      headers: { 'If-None-Match': '*' },
      body: 'third',
    });
    // Assess
    expect(created.ETag).toBe(`"${createHash('md5').update('first').digest('hex')}"`);
    expect(again).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(wire.status).toBe(412);
    expect(wire.text).toContain(
      '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition>',
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'claims/1' }));
    expect(await got.Body?.transformToString()).toBe('first');
  });

  it('writes with If-Match only over the ETag it names: 412 for a stale one, 404 when there is no object', async () => {
    // Prepare
    const first = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ledger.json', Body: '{"n":1}' }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ledger.json' }));
    // Act
    const second = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ledger.json', Body: '{"n":2}', IfMatch: head.ETag }),
    );
    const stale = await errorOf(
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'ledger.json', Body: '{"n":3}', IfMatch: first.ETag }),
      ),
    );
    const missing = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'nothing.json', Body: '{}', IfMatch: first.ETag })),
    );
    // Assess
    expect(head).toMatchObject({ ETag: first.ETag, ContentLength: 7 });
    expect(second.ETag).not.toBe(first.ETag);
    expect(stale).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(missing).toMatchObject({ name: 'NoSuchKey', status: 404 });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ledger.json' }));
    expect(got.ETag).toBe(second.ETag);
    expect(await got.Body?.transformToString()).toBe('{"n":2}');
  });

  it('answers 409 ConditionalRequestConflict to a conditional write another write of the key overtook in flight', async () => {
    // Prepare: both writes are in flight at once (injected latency), both on a key that does not exist.
    const once = s3Client(sandbox, { maxAttempts: 1 });
    sandbox.faults.configure({ latencyMs: 30 });
    try {
      // Act
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'c'].map((body) =>
          once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'race.json', Body: body, IfNoneMatch: '*' })),
        ),
      );
      // Assess: exactly one write won; the others lost the race and say so.
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
      expect(won).toHaveLength(1);
      expect(lost.map((e) => e.name)).toEqual(['ConditionalRequestConflict', 'ConditionalRequestConflict']);
      expect(lost[0]).toMatchObject({ $metadata: { httpStatusCode: 409 } });
      expect(sandbox.state.buckets.get(BUCKET)?.objects.get('race.json')).toBeDefined();
    } finally {
      sandbox.faults.configure({ latencyMs: 0 });
    }
  });

  it('leaves unconditional writes last-writer-wins, as S3 does', async () => {
    // Prepare
    sandbox.faults.configure({ latencyMs: 30 });
    try {
      // Act
      await Promise.all(
        ['a', 'b'].map((body) =>
          s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain.json', Body: body })),
        ),
      );
    } finally {
      sandbox.faults.configure({ latencyMs: 0 });
    }
    // Assess
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain.json' }));
    expect(['a', 'b']).toContain(await got.Body?.transformToString());
  });
});

describe('Sandbox fixture buckets', () => {
  const account = (id: string, buckets: unknown[]) => ({ id, buckets });

  it('validates bucket names and keeps them unique across accounts', () => {
    expect(() => parseFixture({ accounts: [account(PROD, [{ name: 'Not_Valid' }])] })).toThrow(
      /accounts\[0\]\.buckets\[0\]\.name: not a valid S3 bucket name/,
    );
    expect(() =>
      parseFixture({ accounts: [account(PROD, [{ name: 'shared' }]), account(DEV, [{ name: 'shared' }])] }),
    ).toThrow(/accounts\[1\]\.buckets\[0\]\.name: duplicate of accounts\[0\]\.buckets\[0\]\.name/);
    expect(
      parseFixture({ accounts: [account(PROD, [{ name: 'reports.acme' }])] }).accounts[0]?.buckets,
    ).toEqual([{ name: 'reports.acme', region: 'us-east-1' }]);
  });
});
