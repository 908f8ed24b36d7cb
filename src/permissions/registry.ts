import { AUDIT_PERMISSIONS } from '../audit.js';
import { LIVE_COLLECTOR_PERMISSIONS } from '../inventory/live-collector.js';
import { PUBLISH_PERMISSIONS } from '../notify/publish.js';
import { APPLY_PERMISSIONS } from '../remediation/apply.js';
import type { PermissionDeclaration } from './declaration.js';
import { ASYNC_FAILURE_DESTINATION_PERMISSIONS, LAMBDA_RUNTIME_PERMISSIONS } from './platform.js';

/**
 * Every declaration of the code, by the module that declares it. A new call site exports its
 * declaration next to the call and adds one line here (and to the functions that run it below);
 * `test/permissions/sdk-calls.test.ts` fails while a call has no declaration or a declaration is
 * not listed here.
 */
export const DECLARATIONS_BY_MODULE = {
  'src/audit.ts': AUDIT_PERMISSIONS,
  'src/inventory/live-collector.ts': LIVE_COLLECTOR_PERMISSIONS,
  'src/remediation/apply.ts': APPLY_PERMISSIONS,
  'src/notify/publish.ts': PUBLISH_PERMISSIONS,
  'src/permissions/platform.ts': [...LAMBDA_RUNTIME_PERMISSIONS, ...ASYNC_FAILURE_DESTINATION_PERMISSIONS],
} as const satisfies Record<string, readonly PermissionDeclaration[]>;

/** What an audit run calls, whichever function starts it. */
const AUDIT_RUN = [
  ...AUDIT_PERMISSIONS,
  ...LIVE_COLLECTOR_PERMISSIONS,
  ...APPLY_PERMISSIONS,
  ...PUBLISH_PERMISSIONS,
] as const;

/**
 * The permissions of each function of serverless.yml (by its name there). A role shared by several
 * functions must allow the union of theirs and nothing more; the simulator test checks it.
 *
 * @example
 * FUNCTION_PERMISSIONS.adhocAudit.map((p) => p.action); // ['logs:CreateLogStream', ..., 'sns:Publish', ...]
 */
export const FUNCTION_PERMISSIONS = {
  scheduledAudit: [...LAMBDA_RUNTIME_PERMISSIONS, ...AUDIT_RUN, ...ASYNC_FAILURE_DESTINATION_PERMISSIONS],
  adhocAudit: [...LAMBDA_RUNTIME_PERMISSIONS, ...AUDIT_RUN],
} as const satisfies Record<string, readonly PermissionDeclaration[]>;

export type FunctionName = keyof typeof FUNCTION_PERMISSIONS;

/** The permissions of a function, duplicates (the same action and resource twice) merged. */
export function permissionsOf(functionName: FunctionName): PermissionDeclaration[] {
  const seen = new Set<string>();
  return FUNCTION_PERMISSIONS[functionName].filter((declaration: PermissionDeclaration) => {
    const key = `${declaration.action} ${declaration.resource} ${JSON.stringify(declaration.condition ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
