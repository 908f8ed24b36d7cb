import { AUDIT_CLIENTS, type ClientsOf } from '../aws/clients.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';

// What Lambda does with the role of every function built on this runtime (logs, traces); the
// permission gathering (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { LAMBDA_RUNTIME_PERMISSIONS } from './platform/audit-functions.js';

/** Everything an audit function's handler needs, built once per cold start. */
export type LambdaRuntime = ClientRuntime<ClientsOf<typeof AUDIT_CLIENTS>>;

/** The shared function runtime (settings read and checked once), with the audit's clients. */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  return createClientRuntime(env, AUDIT_CLIENTS);
}
