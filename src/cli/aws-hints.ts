/**
 * What to do about an AWS failure, in a sentence an operator can act on: the SDK's messages say
 * what went wrong, rarely which command fixes it.
 */
import type { AuditError } from '../model.js';

/** Where the docs list every action key-hygiene calls and why. */
export const PERMISSIONS_TABLE = 'docs/deploy.md, "The role\'s permissions"';

/** `iam:ListUsers` from IAM's "... is not authorized to perform: iam:ListUsers ...". */
const REFUSED_ACTION = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/;
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError']);

/**
 * The next step for an error thrown by a command, or null when the error says enough itself.
 *
 * @example
 * hintFor(ssoExpired, { profile: 'audit' }); // 'Run `aws sso login --profile audit`, then run this command again.'
 */
export function hintFor(error: unknown, context: { profile: string | undefined }): string | null {
  if (!(error instanceof Error)) return null;
  // Our own errors (a failed delivery) wrap the SDK's: the cause names what went wrong.
  return hintForOne(error, context) ?? hintFor(error.cause, context);
}

function hintForOne(error: Error, context: { profile: string | undefined }): string | null {
  const { message } = error;
  const profile = context.profile ?? 'default';
  if (/\bSSO\b.*(expired|invalid|not found)|aws sso login/i.test(message)) {
    return `Run \`aws sso login --profile ${profile}\`, then run this command again.`;
  }
  if (/Profile .* could not be found|could not be found in shared credentials file/i.test(message)) {
    return `No profile ${profile} in the shared config or credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/): check the name with \`aws configure list-profiles\`.`;
  }
  if (/Could not load credentials from any providers/i.test(message)) {
    return 'No AWS credentials found: pass --profile NAME, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
  }
  const code = (error as { Code?: unknown }).Code;
  if (error.name === 'ExpiredToken' || error.name === 'ExpiredTokenException' || code === 'ExpiredToken') {
    return `The credentials have expired: refresh them (\`aws sso login --profile ${profile}\`, or new keys for the profile) and run again.`;
  }
  if (ACCESS_DENIED.has(error.name) || (typeof code === 'string' && ACCESS_DENIED.has(code))) {
    return deniedHint(REFUSED_ACTION.exec(message)?.[1] ?? null);
  }
  return null;
}

/**
 * One line per refused action in a report's errors (the run went on without it), the action named
 * as IAM's message names it, else from the failed operation.
 */
export function deniedActionHints(errors: readonly AuditError[]): string[] {
  const actions = new Set<string>();
  for (const error of errors) {
    if (!ACCESS_DENIED.has(error.code)) continue;
    actions.add(REFUSED_ACTION.exec(error.message)?.[1] ?? error.operation);
  }
  return [...actions].map((action) => `${action} was refused (AccessDenied). ${deniedHint(action)}`);
}

function deniedHint(action: string | null): string {
  const what = action ? `allow ${action}` : 'allow the action IAM names above';
  return `To audit fully, ${what} for these credentials; ${PERMISSIONS_TABLE} lists every action key-hygiene calls.`;
}
