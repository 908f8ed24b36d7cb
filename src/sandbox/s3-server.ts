import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CredentialScope, resolveCaller } from './auth.js';
import { AwsError } from './errors.js';
import type { Faults } from './faults.js';
import {
  handleS3,
  type S3Address,
  S3Error,
  type S3Response,
  s3Address,
  s3ErrorBody,
  s3Errors,
  s3Operation,
} from './s3.js';
import type { SandboxState } from './state.js';

export interface S3ServerContext {
  state: SandboxState;
  faults: Faults;
  log: (line: string) => void;
}

function write(res: ServerResponse, response: S3Response, requestId: string, hostId: string): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  // HeadObject names the object's length while sending no body.
  res.writeHead(response.status, {
    'Content-Length': body.length,
    ...response.headers,
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
  });
  res.end(body);
}

/**
 * Serves one request signed for `s3`. S3 words everything its own way, so the faults are answered
 * `SlowDown` 503 and `InternalError` 500, and an Inactive key `InvalidAccessKeyId`.
 */
export async function handleS3Request(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer | null,
  scope: CredentialScope,
  requestId: string,
  ctx: S3ServerContext,
): Promise<void> {
  const { state, faults, log } = ctx;
  // S3 request ids are 16 upper-case hex characters; the host id is an opaque base64 blob.
  const s3RequestId = requestId.replace(/-/g, '').slice(0, 16).toUpperCase();
  const hostId = randomBytes(48).toString('base64');
  const method = req.method ?? 'GET';
  let operation = `${method} ${url.pathname}`;
  const fail = (error: S3Error, outcome: 'error' | 'throttled' | 'failed' = 'error') => {
    state.recordCall('s3', operation, outcome);
    const headers: Record<string, string> = { 'Content-Type': 'application/xml' };
    write(
      res,
      { status: error.status, headers, body: s3ErrorBody(error, s3RequestId, hostId) },
      s3RequestId,
      hostId,
    );
  };
  let address: S3Address;
  try {
    address = s3Address(req.headers.host, url.pathname);
  } catch {
    fail(new S3Error('InvalidURI', 400, "Couldn't parse the specified URI."));
    return;
  }
  const known = s3Operation(method, address, url.searchParams);
  if (known === null) {
    log(
      `key-hygiene sandbox: S3 ${method} ${url.pathname}${url.search} is not implemented; answered NotImplemented 501`,
    );
    fail(
      s3Errors.notImplemented(
        `${method} on ${address.key === '' ? 'a bucket' : 'an object'} with ${url.search || 'no query'}`,
      ),
    );
    return;
  }
  operation = known;
  if (raw === null) {
    fail(s3Errors.entityTooLarge());
    return;
  }
  try {
    let caller: ReturnType<typeof resolveCaller>;
    try {
      caller = resolveCaller(state, scope);
    } catch (error) {
      if (error instanceof AwsError) throw s3Errors.invalidAccessKeyId(scope.accessKeyId);
      throw error;
    }
    const writesAtArrival =
      (address.bucket === null ? undefined : state.buckets.get(address.bucket)?.writes.get(address.key)) ?? 0;
    // A rule's `params` match S3's own names for the address: `Bucket` and `Key`.
    const fault = await faults.apply(caller.accountId, `s3:${operation}`, state.clock.now(), (name) =>
      name === 'Bucket' ? (address.bucket ?? undefined) : name === 'Key' ? address.key : undefined,
    );
    if (fault === 'denied') {
      fail(s3Errors.accessDenied(), 'failed');
      return;
    }
    if (fault !== null) {
      fail(
        fault === 'throttled' ? s3Errors.slowDown() : s3Errors.internalError(),
        fault === 'throttled' ? 'throttled' : 'failed',
      );
      return;
    }
    const response = handleS3(operation, {
      state,
      caller,
      region: scope.region,
      method,
      address,
      query: url.searchParams,
      headers: req.headers,
      body: raw,
      writesAtArrival,
    });
    state.recordCall('s3', operation, 'ok');
    write(res, response, s3RequestId, hostId);
  } catch (error) {
    if (error instanceof S3Error) {
      fail(error);
      return;
    }
    log(`key-hygiene sandbox: s3:${operation} failed inside the sandbox: ${(error as Error).stack}`);
    fail(s3Errors.internalError());
  }
}
