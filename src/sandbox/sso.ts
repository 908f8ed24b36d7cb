/**
 * IAM Identity Center's portal (SSO, REST-JSON): GetRoleCredentials, the call the SDK's SSO
 * credential provider makes with the token `aws sso login` cached. Any token is accepted (the
 * sandbox checks no signature either); the answer is a role session like AssumeRole's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomString, stableId } from './random.js';
import type { SandboxState } from './state.js';
import type { AssumedRoleSession } from './sts-state.js';

/** The portal's path for GetRoleCredentials. */
export const SSO_CREDENTIALS_PATH = '/federation/credentials';

const HOUR_MS = 3_600_000;

function sendJson(res: ServerResponse, status: number, body: object, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  res.end(text);
}

/** Answers `GET /federation/credentials?account_id=...&role_name=...` with a one-hour role session. */
export function handleSsoRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: SandboxState,
): void {
  const token = req.headers['x-amz-sso_bearer_token'];
  const accountId = url.searchParams.get('account_id') ?? '';
  const roleName = url.searchParams.get('role_name') ?? '';
  if (typeof token !== 'string' || token === '') {
    state.recordCall('sso', 'GetRoleCredentials', 'error');
    sendJson(res, 401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
    return;
  }
  if (!state.account(accountId) || !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    state.recordCall('sso', 'GetRoleCredentials', 'error');
    sendJson(res, 403, { message: 'No access' }, 'ForbiddenException');
    return;
  }
  const sessionName = 'sso-user';
  const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
  const assumedRoleId = stableId('AROA', accountId, roleName);
  const session: AssumedRoleSession = {
    accessKeyId: state.newKeyId('ASIA'),
    secretAccessKey: state.newSecret(),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomString(state.rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 300)}`,
    accountId,
    roleArn,
    roleName,
    sessionName,
    externalId: null,
    assumedRoleId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    // Real time: the SDK compares the expiration with its own clock.
    expiration: new Date(Date.now() + HOUR_MS),
  };
  state.sessions.set(session.accessKeyId, session);
  state.recordCall('sso', 'GetRoleCredentials', 'ok');
  sendJson(res, 200, {
    roleCredentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration.getTime(),
    },
  });
}
