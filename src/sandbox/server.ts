import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCredentialScope, resolveCaller } from './auth.js';
import { cloudTrailService } from './cloudtrail.js';
import { AwsError, awsErrors } from './errors.js';
import { type FaultSettings, Faults } from './faults.js';
import { type Fixture, type FixtureInput, loadFixture, parseFixture } from './fixture.js';
import { iamService } from './iam.js';
import { handleInspection, INSPECT_PREFIX } from './inspect.js';
import type { JsonService } from './json-service.js';
import { organizationsService } from './organizations.js';
import { QueryParams } from './params.js';
import { S3_MAX_OBJECT_BYTES } from './s3.js';
import { handleS3Request } from './s3-server.js';
import { secretsManagerService } from './secrets-manager.js';
import { handleSecurityHubRequest, SECURITY_HUB_MAX_BODY_BYTES } from './securityhub.js';
import type { QueryService } from './service.js';
import { handleSesRequest, SES_MAX_BODY_BYTES } from './ses.js';
import { snsService } from './sns.js';
import { ssmService } from './ssm.js';
import { handleSsoRequest, SSO_CREDENTIALS_PATH } from './sso.js';
import { SandboxState } from './state.js';
import { stsService } from './sts.js';
import type { SyntheticOptions } from './synthetic.js';
import { errorResponse, queryResponse } from './xml.js';

/** How to start a sandbox. Give a fixture, a synthetic account, or both. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** A fixture object (validated) or the path of a fixture JSON file. */
  fixture?: FixtureInput | string;
  /** A generated account of N users; without a fixture it is the default account. */
  synthetic?: { users: number; seed?: string | number; accountId?: string; alias?: string };
  /** Seeds fault injection, generated IDs and (by default) the synthetic account. Default `key-hygiene`. */
  seed?: string | number;
  /** Overrides the fixture's `now`; `null` follows real time. */
  now?: Date | string | null;
  /** Added latency per AWS answer, in ms. */
  latencyMs?: number;
  /** Token-bucket throttle per account, requests per second; 0 = off. */
  throttleRps?: number;
  /** Share of requests answered `ServiceFailure`, 0..1. */
  failRate?: number;
  /** Real ms between GenerateCredentialReport starting and the report being COMPLETE. Default 0. */
  credentialReportDelayMs?: number;
  /** Where log lines go (unknown actions, internal errors). Default: stderr. */
  log?: (line: string) => void;
}

/** A running sandbox. */
export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: the value for `endpoint` or `AWS_ENDPOINT_URL`. */
  url: string;
  port: number;
  /** The live state (accounts, keys, topics, published messages, calls, clock) for in-process tests. */
  state: SandboxState;
  /** Fault injection, adjustable at run time with `faults.configure({...})`. */
  faults: Faults;
  /** Stops accepting requests, closes open connections and resolves when the port is free. */
  close(): Promise<void>;
}

const SERVICES: ReadonlyMap<string, QueryService> = new Map(
  [iamService, snsService, stsService].map((service) => [service.name, service]),
);
const BY_VERSION: ReadonlyMap<string, QueryService> = new Map(
  [iamService, snsService, stsService].map((service) => [service.version, service]),
);
/** JSON 1.1 services by their X-Amz-Target prefix. */
const JSON_SERVICES: ReadonlyMap<string, JsonService> = new Map(
  [ssmService, organizationsService, cloudTrailService, secretsManagerService].flatMap((service) =>
    [service.targetPrefix, ...(service.aliases ?? [])].map((prefix) => [prefix, service] as const),
  ),
);
/** Big enough for a 256 KB SNS message form-encoded (up to three bytes per byte) and its attributes. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The request body, or null when it is over `limit` bytes (read to the end either way). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, requestId: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

function sendJsonError(
  res: ServerResponse,
  type: string,
  message: string,
  requestId: string,
  status = 400,
  messageKey: 'message' | 'Message' = 'message',
): void {
  const body = JSON.stringify(message === '' ? { __type: type } : { __type: type, [messageKey]: message });
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

async function resolveFixture(fixture: SandboxOptions['fixture']): Promise<Fixture | null> {
  if (fixture === undefined) return null;
  return typeof fixture === 'string' ? loadFixture(fixture) : parseFixture(fixture);
}

/**
 * Starts one HTTP server on 127.0.0.1 that speaks each service's real wire protocol, so unmodified
 * SDK v3 clients and the `aws` CLI work against it: give them `url` as their endpoint.
 *
 * @throws FixtureError when the fixture does not validate (the message names every bad field).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = String(options.seed ?? 'key-hygiene');
  const fixture = await resolveFixture(options.fixture);
  const synthetic: SyntheticOptions | null = options.synthetic
    ? { ...options.synthetic, seed: options.synthetic.seed ?? seed }
    : null;
  if (!fixture && !synthetic) {
    throw new Error(
      'startSandbox needs a fixture (object or file path) or synthetic users; give at least one',
    );
  }
  const state = new SandboxState({
    fixture,
    synthetic,
    seed,
    now: options.now,
    credentialReportDelayMs: options.credentialReportDelayMs ?? 0,
  });
  const faultSettings: Partial<FaultSettings> = {
    latencyMs: options.latencyMs ?? 0,
    throttleRps: options.throttleRps ?? 0,
    failRate: options.failRate ?? 0,
  };
  const faults = new Faults(faultSettings, seed, fixture?.faults ?? []);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // IAM Identity Center's portal: unsigned, a bearer token (see sso.ts).
    if (req.method === 'GET' && url.pathname === SSO_CREDENTIALS_PATH) {
      handleSsoRequest(req, res, url, state);
      return;
    }
    const scope = parseCredentialScope(req.headers.authorization, url.search);
    if (scope?.service === 's3') {
      const raw = await readBody(req, S3_MAX_OBJECT_BYTES);
      await handleS3Request(req, res, url, raw, scope, requestId, { state, faults, log });
      return;
    }
    // SES v2 speaks REST-JSON too, routed by path.
    if (scope?.service === 'ses') {
      const raw = await readBody(req, SES_MAX_BODY_BYTES);
      const text = raw === null ? null : raw.toString('utf8');
      await handleSesRequest(req, res, url, text, scope, requestId, { state, faults, log });
      return;
    }
    // Security Hub speaks REST-JSON, routed by path.
    if (scope?.service === 'securityhub') {
      const raw = await readBody(req, SECURITY_HUB_MAX_BODY_BYTES);
      const text = raw === null ? null : raw.toString('utf8');
      await handleSecurityHubRequest(req, res, url, text, scope, requestId, { state, faults, log });
      return;
    }
    const bytes = await readBody(req, MAX_BODY_BYTES);
    const body = bytes === null ? null : bytes.toString('utf8');
    if (url.pathname.startsWith(INSPECT_PREFIX)) {
      handleInspection(req, res, url, body ?? '', state, faults);
      return;
    }
    // JSON-protocol services (SSM, Organizations, ...) are routed by X-Amz-Target and expect a JSON error.
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && (await handleJson(target, scope, body, res, requestId))) return;
    if (typeof target === 'string') {
      const service = scope?.service ?? target.split('.')[0] ?? 'unknown';
      state.recordCall(service, target.split('.').pop() ?? target, 'error');
      log(
        `key-hygiene sandbox: ${target} (service ${service}) is not implemented; answered UnknownOperationException`,
      );
      sendJsonError(res, 'UnknownOperationException', `The sandbox does not implement ${target}`, requestId);
      return;
    }
    const params = QueryParams.parse(body ?? '', url.search);
    const action = params.get('Action');
    const service = scope ? SERVICES.get(scope.service) : BY_VERSION.get(params.get('Version') ?? '');
    const serviceName = scope?.service ?? service?.name ?? 'unknown';
    const namespace = service?.namespace ?? '';
    const fail = (error: AwsError, outcome: 'error' | 'throttled' | 'failed' = 'error') => {
      state.recordCall(serviceName, action ?? '(none)', outcome);
      send(
        res,
        error.status,
        errorResponse(namespace, error.type, error.code, error.message, requestId),
        requestId,
      );
    };
    if (body === null) {
      fail(new AwsError('RequestEntityTooLarge', 413, `Request body over ${MAX_BODY_BYTES} bytes`));
      return;
    }
    if (!service) {
      log(`key-hygiene sandbox: service ${serviceName} is not implemented; answered InvalidAction`);
      fail(
        new AwsError(
          'InvalidAction',
          400,
          scope
            ? `The sandbox does not implement service ${scope.service}; it speaks iam, sns, sts, s3, ssm, securityhub, ses and secretsmanager`
            : 'No SigV4 credential scope and no known Version: sign the request (any key, any region) so the sandbox can route it',
        ),
      );
      return;
    }
    if (action === undefined) {
      fail(new AwsError('MissingAction', 400, 'Missing Action: send Action=<operation> in the form body'));
      return;
    }
    const handler = service.actions[action];
    if (!handler) {
      log(`key-hygiene sandbox: ${service.name}:${action} is not implemented; answered InvalidAction 400`);
      fail(awsErrors.invalidAction(action, params.get('Version')));
      return;
    }
    try {
      const caller = resolveCaller(state, scope);
      const account = state.account(caller.accountId) ?? state.defaultAccount;
      const fault = await faults.apply(account.id, `${service.name}:${action}`, state.clock.now(), (name) =>
        params.get(name),
      );
      if (fault !== null) {
        const answers = {
          throttled: () => awsErrors.throttling(),
          failed: () => awsErrors.serviceFailure(),
          denied: () => awsErrors.denied(service.name, action, caller.arn),
          missing: () => awsErrors.noSuchUser(params.get('UserName') ?? '(none)'),
        } as const;
        fail(answers[fault](), fault === 'throttled' ? 'throttled' : 'failed');
        return;
      }
      const region = scope?.region ?? 'us-east-1';
      const result = handler({ state, params, caller, account, region, requestId });
      state.recordCall(service.name, action, 'ok');
      send(res, 200, queryResponse(action, service.namespace, result, requestId), requestId);
    } catch (error) {
      if (error instanceof AwsError) {
        fail(error);
        return;
      }
      log(
        `key-hygiene sandbox: ${service.name}:${action} failed inside the sandbox: ${(error as Error).stack}`,
      );
      fail(awsErrors.serviceFailure());
    }
  };

  /** Answers a JSON-protocol request of a service the sandbox speaks; false when it speaks none. */
  const handleJson = async (
    target: string,
    scope: ReturnType<typeof parseCredentialScope>,
    body: string | null,
    res: ServerResponse,
    requestId: string,
  ): Promise<boolean> => {
    // The operation follows the last dot (`AmazonSSM.GetParameter`, `com.amazonaws.cloudtrail...LookupEvents`).
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, Math.max(dot, 0));
    const operation = target.slice(dot + 1);
    const service = JSON_SERVICES.get(prefix);
    const handler = service?.actions[operation];
    if (!service || !handler) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body || '{}');
    } catch {
      parsed = null;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      state.recordCall(service.name, operation, 'error');
      sendJsonError(res, 'SerializationException', 'The request body is not a JSON object', requestId);
      return true;
    }
    try {
      const caller = resolveCaller(state, scope);
      const account = state.account(caller.accountId) ?? state.defaultAccount;
      const fault = await faults.apply(
        account.id,
        `${service.name}:${operation}`,
        state.clock.now(),
        (name) => {
          const value = (parsed as Record<string, unknown>)[name];
          return typeof value === 'string' ? value : undefined;
        },
      );
      const messageKey = service.errors?.messageKey;
      if (fault !== null) {
        state.recordCall(service.name, operation, fault === 'throttled' ? 'throttled' : 'failed');
        if (fault === 'denied') {
          sendJsonError(
            res,
            'AccessDeniedException',
            `User is not authorized to perform: ${service.name}:${operation}`,
            requestId,
            400,
            messageKey,
          );
        } else if (fault === 'throttled')
          sendJsonError(
            res,
            service.errors?.throttling ?? 'ThrottlingException',
            'Rate exceeded',
            requestId,
            400,
            messageKey,
          );
        else
          sendJsonError(
            res,
            service.errors?.failure ?? 'InternalServerError',
            'An internal error occurred.',
            requestId,
            500,
            messageKey,
          );
        return true;
      }
      const result = handler({
        body: parsed as Record<string, unknown>,
        state,
        account,
        region: scope?.region ?? 'us-east-1',
        now: state.clock.now(),
      });
      state.recordCall(service.name, operation, 'ok');
      const text = JSON.stringify(result);
      res.writeHead(200, {
        'Content-Type': 'application/x-amz-json-1.1',
        'Content-Length': Buffer.byteLength(text),
        'x-amzn-RequestId': requestId,
      });
      res.end(text);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      const throttled = error.code === (service.errors?.throttling ?? 'ThrottlingException');
      state.recordCall(service.name, operation, throttled ? 'throttled' : 'error');
      sendJsonError(res, error.code, error.message, requestId, error.status, service.errors?.messageKey);
    }
    return true;
  };

  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: a broken request must never take the server down.
      log(`key-hygiene sandbox: request failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('sandbox error');
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
