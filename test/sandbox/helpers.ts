import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

export const ACME_FIXTURE = 'events/sandbox/acme.json';
export const PROD = '111111111111';
export const DEV = '222222222222';
/** The acme fixture's auditor user key. */
export const AUDITOR_KEY = 'AKIAAUDITOR000000001';

/**
 * Starts a sandbox on the acme fixture for the enclosing `describe`: reset before each test, closed
 * after all. The returned handle forwards to the running sandbox once `beforeAll` has run, so tests
 * use it like the sandbox itself.
 *
 * @example
 * const sandbox = useAcmeSandbox();
 * it('...', async () => { await iamClient(sandbox).send(...); sandbox.state.reset(); });
 */
export function useAcmeSandbox(): RunningSandbox {
  let running: RunningSandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox({ fixture: ACME_FIXTURE });
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => {
    running?.state.reset();
  });
  return new Proxy({} as RunningSandbox, {
    get(_target, property) {
      if (!running) throw new Error('The sandbox starts in beforeAll; use it inside a test or a hook');
      return Reflect.get(running, property);
    },
  });
}

export interface ClientOptions {
  accessKeyId?: string;
  sessionToken?: string;
  region?: string;
  maxAttempts?: number;
}

function config(sandbox: RunningSandbox, options: ClientOptions) {
  return {
    region: options.region ?? 'us-east-1',
    endpoint: sandbox.url,
    maxAttempts: options.maxAttempts ?? 1,
    credentials: {
      accessKeyId: options.accessKeyId ?? AUDITOR_KEY,
      secretAccessKey: 'not-checked-by-the-sandbox',
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
  };
}

/** Real SDK clients aimed at the sandbox; one attempt unless a test asks for retries. */
export const iamClient = (sandbox: RunningSandbox, options: ClientOptions = {}) =>
  new IAMClient(config(sandbox, options));
export const snsClient = (sandbox: RunningSandbox, options: ClientOptions = {}) =>
  new SNSClient(config(sandbox, options));
export const stsClient = (sandbox: RunningSandbox, options: ClientOptions = {}) =>
  new STSClient(config(sandbox, options));
/** Path-style, as our client factory builds it for a custom endpoint. */
export const s3Client = (sandbox: RunningSandbox, options: ClientOptions = {}) =>
  new S3Client({ ...config(sandbox, options), forcePathStyle: true });

export interface CaughtError {
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
}

/** The SDK error a call ends with; fails the test when the call succeeds. */
export async function errorOf(call: Promise<unknown>): Promise<CaughtError> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      attempts: e.$metadata?.attempts,
    };
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

/** A raw Query-protocol POST signed (in name only) with `keyId` for `service`. */
export async function rawPost(
  sandbox: RunningSandbox,
  service: string,
  body: string,
  keyId = AUDITOR_KEY,
  region = 'us-east-1',
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${sandbox.url}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      Authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/20261120/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
