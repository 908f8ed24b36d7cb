/**
 * The sandbox's S3 (PutObject with its conditional writes, GetObject, HeadObject, ListObjectsV2) in
 * S3's REST-XML protocol, for the report archive and the organization cap's ledger. Path-style is what the SDK sends to an IP endpoint; virtual-host style is
 * `Host: <bucket>.localhost`. Answers and errors have S3's shapes and status codes.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import type { Caller } from './auth.js';
import type { SandboxBucket, SandboxObject } from './s3-state.js';
import type { SandboxState } from './state.js';
import { escapeXml } from './xml.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** A sandbox cap, far below S3's 5 GB for one PUT, so a runaway test cannot exhaust memory. */
export const S3_MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const MAX_KEY_BYTES = 1024;
const DEFAULT_MAX_KEYS = 1000;
const SSE_VALUES = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** An S3 error answer (`<Error>` document). `extra` adds elements such as `Key` or `BucketName`. */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly extra: Readonly<Record<string, string>>;

  constructor(code: string, status: number, message: string, extra: Record<string, string> = {}) {
    super(message);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

/** The errors the sandbox answers with, worded as S3 words them. */
export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string) =>
    new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }),
  accessDenied: () => new S3Error('AccessDenied', 403, 'Access Denied'),
  invalidAccessKeyId: (id: string) =>
    new S3Error(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        AWSAccessKeyId: id,
      },
    ),
  wrongRegion: (signed: string, expected: string) =>
    new S3Error(
      'AuthorizationHeaderMalformed',
      400,
      `The authorization header is malformed; the region '${signed}' is wrong; expecting '${expected}'`,
      { Region: expected },
    ),
  invalidArgument: (message: string, name: string, value: string) =>
    new S3Error('InvalidArgument', 400, message, { ArgumentName: name, ArgumentValue: value }),
  badDigest: (what: string) =>
    new S3Error('BadDigest', 400, `The ${what} you specified did not match the calculated checksum.`),
  invalidDigest: () => new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.'),
  keyTooLong: () => new S3Error('KeyTooLongError', 400, 'Your key is too long'),
  entityTooLarge: () =>
    new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size'),
  incompleteBody: () =>
    new S3Error(
      'IncompleteBody',
      400,
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
    ),
  slowDown: () => new S3Error('SlowDown', 503, 'Please reduce your request rate.'),
  internalError: () =>
    new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.'),
  preconditionFailed: (condition: 'If-Match' | 'If-None-Match') =>
    new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
      Condition: condition,
    }),
  conditionalRequestConflict: () =>
    new S3Error(
      'ConditionalRequestConflict',
      409,
      'The conditional request cannot succeed due to a conflicting operation against this resource.',
    ),
  notImplemented: (what: string) =>
    new S3Error(
      'NotImplemented',
      501,
      `A header you provided implies functionality that is not implemented (the sandbox does not implement ${what})`,
    ),
} as const;

/** Where a request points: the bucket and key from the Host header or the path. */
export interface S3Address {
  bucket: string | null;
  /** Empty for bucket-level requests. */
  key: string;
}

/**
 * Splits a request into bucket and key. `<bucket>.localhost[:port]` in the Host header is
 * virtual-host style; anything else is path style (`/<bucket>/<key>`).
 */
export function s3Address(host: string | undefined, pathname: string): S3Address {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const decode = (text: string) => decodeURIComponent(text);
  if (hostname.endsWith('.localhost')) {
    return { bucket: hostname.slice(0, -'.localhost'.length), key: decode(pathname.slice(1)) };
  }
  const [, bucket = '', ...rest] = pathname.split('/');
  return { bucket: bucket === '' ? null : decode(bucket), key: decode(rest.join('/')) };
}

/** The S3 operation a request stands for, or null when the sandbox does not implement it. */
export function s3Operation(method: string, address: S3Address, query: URLSearchParams): string | null {
  if (address.bucket === null) return method === 'GET' ? 'ListBuckets' : null;
  if (address.key === '') {
    if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
    return null;
  }
  if (method === 'PUT') return 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  return null;
}

export interface S3Request {
  state: SandboxState;
  caller: Caller;
  /** The region in the credential scope. */
  region: string;
  method: string;
  address: S3Address;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /**
   * How many writes of the addressed key had completed when the request arrived (before any
   * injected latency): a conditional write that finds more lost a race with a write in flight.
   */
  writesAtArrival: number;
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * Answers one S3 request.
 *
 * @throws S3Error for every error answer (the server writes it as S3's `<Error>` document).
 */
export function handleS3(operation: string, request: S3Request): S3Response {
  if (operation === 'ListBuckets' || request.address.bucket === null) {
    throw s3Errors.notImplemented('ListBuckets');
  }
  const bucket = bucketFor(request, request.address.bucket);
  switch (operation) {
    case 'PutObject':
      return putObject(request, bucket);
    case 'GetObject':
      return getObject(request, bucket);
    case 'HeadObject':
      return headObject(request, bucket);
    case 'ListObjectsV2':
      return listObjectsV2(request, bucket);
    default:
      throw s3Errors.notImplemented(operation);
  }
}

function bucketFor(request: S3Request, name: string): SandboxBucket {
  const bucket = request.state.buckets.get(name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  // Without bucket policies, only the owning account may use a bucket.
  if (bucket.accountId !== request.caller.accountId) throw s3Errors.accessDenied();
  const expectedOwner = header(request.headers, 'x-amz-expected-bucket-owner');
  if (expectedOwner !== null && expectedOwner !== bucket.accountId) throw s3Errors.accessDenied();
  if (bucket.region !== request.region) throw s3Errors.wrongRegion(request.region, bucket.region);
  return bucket;
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Decodes an `aws-chunked` body (what the SDK sends for streams): `<hex size>[;chunk-signature=…]`
 * CRLF data CRLF …, a zero-size chunk, then trailing headers such as `x-amz-checksum-crc32:…`.
 */
export function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  const line = (): string => {
    const end = raw.indexOf('\r\n', offset);
    if (end < 0) throw s3Errors.incompleteBody();
    const text = raw.subarray(offset, end).toString('latin1');
    offset = end + 2;
    return text;
  };
  for (;;) {
    const size = Number.parseInt(line().split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw s3Errors.incompleteBody();
    if (size === 0) break;
    if (offset + size > raw.length) throw s3Errors.incompleteBody();
    chunks.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  while (offset < raw.length) {
    const text = line();
    if (text === '') break;
    const colon = text.indexOf(':');
    if (colon > 0) trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(chunks), trailers };
}

function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = header(headers, 'x-amz-content-sha256') ?? '';
  const encoding = header(headers, 'content-encoding') ?? '';
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}

const CHECKSUMS: Readonly<Record<string, { label: string; compute: ((body: Buffer) => string) | null }>> = {
  crc32: {
    label: 'CRC32',
    compute: (body) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(body) >>> 0);
      return out.toString('base64');
    },
  },
  sha1: { label: 'SHA1', compute: (body) => createHash('sha1').update(body).digest('base64') },
  sha256: { label: 'SHA256', compute: (body) => createHash('sha256').update(body).digest('base64') },
  // Stored and echoed, not verified: Node has no CRC32C or CRC64NVME.
  crc32c: { label: 'CRC32C', compute: null },
  crc64nvme: { label: 'CRC64NVME', compute: null },
};

/**
 * S3's conditional writes: `If-None-Match: *` writes only a new key, `If-Match: <ETag>` only over
 * that version (412 PreconditionFailed otherwise; 404 NoSuchKey when there is no object to match).
 * A conditional write that another write of the same key overtook while it was in flight gets 409
 * ConditionalRequestConflict, which S3's documentation says to answer by re-reading and retrying.
 */
function checkConditions(request: S3Request, bucket: SandboxBucket): void {
  const { headers, address } = request;
  const ifMatch = header(headers, 'if-match');
  const ifNoneMatch = header(headers, 'if-none-match');
  if (ifMatch === null && ifNoneMatch === null) return;
  if (ifNoneMatch !== null && ifNoneMatch.trim() !== '*') {
    throw s3Errors.notImplemented('If-None-Match with anything but *');
  }
  if ((bucket.writes.get(address.key) ?? 0) !== request.writesAtArrival) {
    throw s3Errors.conditionalRequestConflict();
  }
  const current = bucket.objects.get(address.key);
  if (ifNoneMatch !== null && current) throw s3Errors.preconditionFailed('If-None-Match');
  if (ifMatch !== null) {
    if (!current) throw s3Errors.noSuchKey(address.key);
    const wanted = ifMatch.split(',').map((tag) => tag.trim().replace(/^"|"$/g, ''));
    if (!wanted.includes('*') && !wanted.includes(current.etag))
      throw s3Errors.preconditionFailed('If-Match');
  }
}

function putObject(request: S3Request, bucket: SandboxBucket): S3Response {
  const { headers, address } = request;
  if (header(headers, 'x-amz-copy-source') !== null) throw s3Errors.notImplemented('CopyObject');
  if (Buffer.byteLength(address.key) > MAX_KEY_BYTES) throw s3Errors.keyTooLong();
  checkConditions(request, bucket);
  let body = request.body;
  let trailers: Record<string, string> = {};
  if (isAwsChunked(headers)) ({ body, trailers } = decodeAwsChunked(request.body));
  const md5 = createHash('md5').update(body).digest();
  const contentMd5 = header(headers, 'content-md5');
  if (contentMd5 !== null) {
    const sent = Buffer.from(contentMd5, 'base64');
    if (sent.length !== 16) throw s3Errors.invalidDigest();
    if (!sent.equals(md5)) throw s3Errors.badDigest('Content-MD5');
  }
  let checksum: SandboxObject['checksum'] = null;
  for (const [algorithm, spec] of Object.entries(CHECKSUMS)) {
    const name = `x-amz-checksum-${algorithm}`;
    const value = header(headers, name) ?? trailers[name];
    if (value === undefined || value === null) continue;
    if (spec.compute && spec.compute(body) !== value) throw s3Errors.badDigest(spec.label);
    checksum = { algorithm: spec.label, value };
  }
  const sse = header(headers, 'x-amz-server-side-encryption');
  if (sse !== null && !SSE_VALUES.has(sse)) {
    throw s3Errors.invalidArgument(
      'The encryption method specified is not supported',
      'x-amz-server-side-encryption',
      sse,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const object: SandboxObject = {
    key: address.key,
    body,
    contentType: header(headers, 'content-type') ?? 'binary/octet-stream',
    etag: md5.toString('hex'),
    lastModified: request.state.clock.now(),
    // Since January 2023 S3 encrypts every new object, with SSE-S3 unless told otherwise.
    serverSideEncryption: sse ?? 'AES256',
    sseRequested: sse,
    sseKmsKeyId: header(headers, 'x-amz-server-side-encryption-aws-kms-key-id'),
    checksum,
    metadata,
  };
  bucket.objects.set(object.key, object);
  bucket.writes.set(object.key, (bucket.writes.get(object.key) ?? 0) + 1);
  return { status: 200, headers: objectHeaders(object, Boolean(checksum)), body: '' };
}

function objectHeaders(object: SandboxObject, withChecksum: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: `"${object.etag}"`,
    'x-amz-server-side-encryption': object.serverSideEncryption,
  };
  if (object.sseKmsKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = object.sseKmsKeyId;
  if (withChecksum && object.checksum) {
    headers[`x-amz-checksum-${object.checksum.algorithm.toLowerCase()}`] = object.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return headers;
}

function getObject(request: S3Request, bucket: SandboxBucket): S3Response {
  const object = bucket.objects.get(request.address.key);
  if (!object) throw s3Errors.noSuchKey(request.address.key);
  const headers = objectHeaders(object, header(request.headers, 'x-amz-checksum-mode') === 'ENABLED');
  headers['Content-Type'] = object.contentType;
  headers['Last-Modified'] = object.lastModified.toUTCString();
  headers['Accept-Ranges'] = 'bytes';
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return { status: 200, headers, body: object.body };
}

/** HeadObject: GetObject's headers (ETag included) and the object's length, without the body. */
function headObject(request: S3Request, bucket: SandboxBucket): S3Response {
  const answer = getObject(request, bucket);
  return {
    ...answer,
    headers: { ...answer.headers, 'Content-Length': String(answer.body.length) },
    body: '',
  };
}

/** The opaque continuation token: the last key the previous page covered, and the listing it belongs to. */
interface ListToken {
  b: string;
  p: string;
  after: string;
}

function encodeToken(token: ListToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(raw: string, bucket: string, prefix: string): string {
  const invalid = s3Errors.invalidArgument(
    'The continuation token provided is incorrect',
    'continuation-token',
    raw,
  );
  let token: Partial<ListToken>;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<ListToken>;
  } catch {
    throw invalid;
  }
  if (token.b !== bucket || token.p !== prefix || typeof token.after !== 'string') throw invalid;
  return token.after;
}

/** S3 lists keys in the binary order of their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function listObjectsV2(request: S3Request, bucket: SandboxBucket): S3Response {
  const { query } = request;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const startAfter = query.get('start-after');
  const rawToken = query.get('continuation-token');
  const urlEncode = query.get('encoding-type') === 'url';
  if (query.has('encoding-type') && !urlEncode) {
    throw s3Errors.invalidArgument(
      'Invalid Encoding Method specified in Request',
      'encoding-type',
      query.get('encoding-type') ?? '',
    );
  }
  const rawMax = query.get('max-keys');
  const maxKeys = rawMax === null ? DEFAULT_MAX_KEYS : Number(rawMax);
  if (!/^\d+$/.test(rawMax ?? '0') || !Number.isSafeInteger(maxKeys)) {
    throw s3Errors.invalidArgument(
      'Provided max-keys not an integer or within integer range',
      'max-keys',
      rawMax ?? '',
    );
  }
  // S3 never answers more than 1,000 keys, whatever max-keys asks for.
  const pageSize = Math.min(maxKeys, DEFAULT_MAX_KEYS);
  let after = startAfter ?? '';
  if (rawToken !== null) after = decodeToken(rawToken, bucket.name, prefix);

  const keys = [...bucket.objects.keys()]
    .filter((key) => key.startsWith(prefix) && compareKeys(key, after) > 0)
    .sort(compareKeys);
  const contents: SandboxObject[] = [];
  const commonPrefixes: string[] = [];
  let lastCovered = after;
  let truncated = false;
  for (const key of keys) {
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (commonPrefixes.at(-1) === common) {
        lastCovered = key;
        continue;
      }
      if (contents.length + commonPrefixes.length >= pageSize) {
        truncated = true;
        break;
      }
      commonPrefixes.push(common);
    } else {
      if (contents.length + commonPrefixes.length >= pageSize) {
        truncated = true;
        break;
      }
      const object = bucket.objects.get(key);
      if (object) contents.push(object);
    }
    lastCovered = key;
  }
  const text = (value: string) =>
    escapeXml(urlEncode ? encodeURIComponent(value).replace(/%2F/g, '/') : value);
  const el = (name: string, value: string) => `<${name}>${value}</${name}>`;
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NAMESPACE}">`;
  xml += el('Name', escapeXml(bucket.name)) + el('Prefix', text(prefix));
  if (rawToken !== null) xml += el('ContinuationToken', escapeXml(rawToken));
  if (startAfter !== null) xml += el('StartAfter', text(startAfter));
  xml += el('KeyCount', String(contents.length + commonPrefixes.length)) + el('MaxKeys', String(maxKeys));
  if (delimiter !== '') xml += el('Delimiter', text(delimiter));
  if (urlEncode) xml += el('EncodingType', 'url');
  xml += el('IsTruncated', String(truncated));
  if (truncated) {
    xml += el(
      'NextContinuationToken',
      escapeXml(encodeToken({ b: bucket.name, p: prefix, after: lastCovered })),
    );
  }
  for (const object of contents) {
    xml +=
      `<Contents>${el('Key', text(object.key))}${el('LastModified', object.lastModified.toISOString())}` +
      `${el('ETag', escapeXml(`"${object.etag}"`))}` +
      (object.checksum ? el('ChecksumAlgorithm', object.checksum.algorithm) : '') +
      `${el('Size', String(object.body.length))}${el('StorageClass', 'STANDARD')}</Contents>`;
  }
  for (const common of commonPrefixes)
    xml += `<CommonPrefixes>${el('Prefix', text(common))}</CommonPrefixes>`;
  xml += '</ListBucketResult>\n';
  return { status: 200, headers: { 'Content-Type': 'application/xml' }, body: xml };
}

/** S3's error document. */
export function s3ErrorBody(error: S3Error, requestId: string, hostId: string): string {
  let extra = '';
  for (const [name, value] of Object.entries(error.extra)) extra += `<${name}>${escapeXml(value)}</${name}>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message>${extra}` +
    `<RequestId>${escapeXml(requestId)}</RequestId><HostId>${escapeXml(hostId)}</HostId></Error>\n`
  );
}
