import { awsErrors } from './errors.js';
import type { LastUsedInfo, SandboxUser } from './iam-state.js';
import { stableId } from './random.js';
import type { SandboxState } from './state.js';
import type { AssumedRoleSession } from './sts-state.js';

/** The parts of a SigV4 credential scope: `Credential=<keyId>/<date>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

/**
 * Reads the credential scope from the `Authorization` header (or a presigned URL's
 * `X-Amz-Credential`). Signatures are not verified: the sandbox only needs to know who and where.
 */
export function parseCredentialScope(
  authorization: string | undefined,
  search: string,
): CredentialScope | null {
  let match = authorization ? CREDENTIAL.exec(authorization) : null;
  if (!match && search.includes('X-Amz-Credential')) {
    const credential = new URLSearchParams(search).get('X-Amz-Credential');
    if (credential) match = CREDENTIAL.exec(`Credential=${credential}`);
  }
  if (!match) return null;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}

/** Who signed a request, and the account it acts in. */
export interface Caller {
  /** `unknown`: a key the sandbox never issued; it acts as a made-up user in the default account. */
  kind: 'user' | 'root' | 'assumed-role' | 'unknown';
  accountId: string;
  accessKeyId: string | null;
  arn: string;
  userId: string;
  user: SandboxUser | null;
  session: AssumedRoleSession | null;
}

/** The made-up IAM user that requests signed with an unknown key act as (see docs/sandbox.md). */
export const UNKNOWN_CALLER_NAME = 'sandbox-caller';

/** Services without regions: AWS records their last use with Region `N/A`. */
const GLOBAL_SERVICES = new Set([
  'iam',
  'organizations',
  'route53',
  'cloudfront',
  'waf',
  'globalaccelerator',
]);

const QUARTER_HOUR = 15 * 60 * 1000;

/** The last-use record a request leaves: 15-minute granularity, `N/A` region for global services. */
export function lastUseAt(state: SandboxState, service: string, region: string): LastUsedInfo {
  const now = state.clock.now().getTime();
  return {
    date: new Date(now - (now % QUARTER_HOUR)),
    service,
    region: GLOBAL_SERVICES.has(service) ? 'N/A' : region,
  };
}

/**
 * Resolves the signing key to a caller and records the key's last use, so a test can "use" a key
 * by signing any request with it.
 *
 * @throws InvalidClientTokenId (403) when the key exists but is Inactive, as AWS does.
 */
export function resolveCaller(state: SandboxState, scope: CredentialScope | null): Caller {
  const id = scope?.accessKeyId ?? null;
  if (id !== null) {
    const key = state.keys.get(id);
    if (key) {
      if (key.status !== 'Active') throw awsErrors.invalidClientToken();
      const user = state.findUser(key.accountId, key.userName) ?? null;
      if (scope) key.lastUsed = lastUseAt(state, scope.service, scope.region);
      return {
        kind: 'user',
        accountId: key.accountId,
        accessKeyId: id,
        arn: user?.arn ?? `arn:aws:iam::${key.accountId}:user/${key.userName}`,
        userId: user?.userId ?? stableId('AIDA', key.accountId, key.userName),
        user,
        session: null,
      };
    }
    const session = state.sessions.get(id);
    if (session) {
      return {
        kind: 'assumed-role',
        accountId: session.accountId,
        accessKeyId: id,
        arn: session.arn,
        userId: `${session.assumedRoleId}:${session.sessionName}`,
        user: null,
        session,
      };
    }
    const root = state.rootKeys.get(id);
    if (root) {
      if (!root.key.active) throw awsErrors.invalidClientToken();
      if (scope) root.key.lastUsed = lastUseAt(state, scope.service, scope.region);
      return {
        kind: 'root',
        accountId: root.accountId,
        accessKeyId: id,
        arn: `arn:aws:iam::${root.accountId}:root`,
        userId: root.accountId,
        user: null,
        session: null,
      };
    }
  }
  const accountId = state.defaultAccountId;
  return {
    kind: 'unknown',
    accountId,
    accessKeyId: id,
    arn: `arn:aws:iam::${accountId}:user/${UNKNOWN_CALLER_NAME}`,
    userId: stableId('AIDA', accountId, UNKNOWN_CALLER_NAME),
    user: null,
    session: null,
  };
}
