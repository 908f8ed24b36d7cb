import { APPLY_PERMISSIONS } from '../../src/apply/apply.js';
import { DELIVERY_RECORD_PERMISSIONS } from '../../src/archive/delivery-record.js';
import { READ_ARCHIVE_PERMISSIONS } from '../../src/archive/read-archive.js';
import { ARCHIVE_PERMISSIONS } from '../../src/archive/write-archive.js';
import type { PermissionDeclaration } from '../../src/aws/permissions.js';
import { CREDENTIAL_REPORT_PERMISSIONS } from '../../src/collect/credential-report-collector.js';
import { CREDENTIAL_REPORT_DOWNLOAD_PERMISSIONS } from '../../src/collect/credential-report-download.js';
import { CREDENTIAL_REPORT_FETCH_PERMISSIONS } from '../../src/collect/credential-report-fetch.js';
import { LIVE_COLLECTOR_PERMISSIONS } from '../../src/collect/live-collector.js';
import { PUBLISH_PERMISSIONS } from '../../src/notify/publish.js';
import { SLACK_NOTIFIER_PERMISSIONS } from '../../src/notify/slack-webhook-url.js';
import { RUN_START_PERMISSIONS } from '../../src/run-start.js';
import {
  ASYNC_FAILURE_DESTINATION_PERMISSIONS,
  LAMBDA_RUNTIME_PERMISSIONS,
  SLACK_NOTIFIER_RUNTIME_PERMISSIONS,
} from '../../src/runtime/platform-permissions.js';
import { FIND_DEACTIVATIONS_PERMISSIONS } from '../../src/undo/find-deactivations.js';
import { REACTIVATE_PERMISSIONS } from '../../src/undo/reactivate.js';

/** The functions of serverless.yml, by their name there. */
export const FUNCTION_NAMES = ['scheduledAudit', 'adhocAudit', 'slackNotifier'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The functions that run an audit (`runAudit` and `deliverReport`). */
const AUDIT_FUNCTIONS = ['scheduledAudit', 'adhocAudit'] as const satisfies readonly FunctionName[];
/** An undo (`{ "undo": "<runId>" }`) is an ad-hoc event only. */
const UNDO_FUNCTIONS = ['adhocAudit'] as const satisfies readonly FunctionName[];

export interface ModulePermissions {
  /** The file that makes the calls and exports the declarations, from the repository root. */
  readonly module: string;
  /** The functions whose runs reach these calls. */
  readonly functions: readonly FunctionName[];
  readonly permissions: readonly PermissionDeclaration[];
}

/**
 * Every permission declaration of the code, with the module that exports it and the functions that
 * need it. A new call site exports its declaration next to the call and adds one line here.
 * `test/permissions/sdk-calls.test.ts` fails while an SDK call has no declaration in its module's
 * line, and `test/deploy/least-privilege.test.ts` while the role does not grant exactly these.
 */
export const PERMISSIONS_BY_MODULE: readonly ModulePermissions[] = [
  { module: 'src/run-start.ts', functions: AUDIT_FUNCTIONS, permissions: RUN_START_PERMISSIONS },
  {
    module: 'src/collect/live-collector.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: LIVE_COLLECTOR_PERMISSIONS,
  },
  {
    module: 'src/collect/credential-report-fetch.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: CREDENTIAL_REPORT_FETCH_PERMISSIONS,
  },
  {
    module: 'src/collect/credential-report-download.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: CREDENTIAL_REPORT_DOWNLOAD_PERMISSIONS,
  },
  {
    module: 'src/collect/credential-report-collector.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: CREDENTIAL_REPORT_PERMISSIONS,
  },
  { module: 'src/apply/apply.ts', functions: AUDIT_FUNCTIONS, permissions: APPLY_PERMISSIONS },
  { module: 'src/archive/write-archive.ts', functions: AUDIT_FUNCTIONS, permissions: ARCHIVE_PERMISSIONS },
  {
    module: 'src/archive/read-archive.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: READ_ARCHIVE_PERMISSIONS,
  },
  // A retry of the nightly event resumes its delivery; ad-hoc invocations are not retried.
  {
    module: 'src/archive/delivery-record.ts',
    functions: ['scheduledAudit'],
    permissions: DELIVERY_RECORD_PERMISSIONS,
  },

  {
    module: 'src/undo/find-deactivations.ts',
    functions: UNDO_FUNCTIONS,
    permissions: FIND_DEACTIVATIONS_PERMISSIONS,
  },
  { module: 'src/undo/reactivate.ts', functions: UNDO_FUNCTIONS, permissions: REACTIVATE_PERMISSIONS },
  { module: 'src/notify/publish.ts', functions: AUDIT_FUNCTIONS, permissions: PUBLISH_PERMISSIONS },
  {
    module: 'src/runtime/platform-permissions.ts',
    functions: AUDIT_FUNCTIONS,
    permissions: LAMBDA_RUNTIME_PERMISSIONS,
  },
  {
    module: 'src/notify/slack-webhook-url.ts',
    functions: ['slackNotifier'],
    permissions: SLACK_NOTIFIER_PERMISSIONS,
  },
  {
    module: 'src/runtime/platform-permissions.ts',
    functions: ['slackNotifier'],
    permissions: SLACK_NOTIFIER_RUNTIME_PERMISSIONS,
  },
  {
    module: 'src/runtime/platform-permissions.ts',
    functions: ['scheduledAudit'],
    permissions: ASYNC_FAILURE_DESTINATION_PERMISSIONS,
  },
];

/**
 * The permissions a function needs, in registry order, the same action and resource declared by
 * two modules listed once. A role shared by several functions must allow the union of theirs.
 *
 * @example
 * permissionsOf('adhocAudit').map((p) => p.action); // ['logs:CreateLogStream', ..., 'sns:Publish', ...]
 */
export function permissionsOf(functionName: FunctionName): PermissionDeclaration[] {
  return uniquePermissions(
    PERMISSIONS_BY_MODULE.filter((entry) => entry.functions.includes(functionName)).flatMap(
      (e) => e.permissions,
    ),
  );
}

/** Declarations with the same action, resource and condition merged (the first `why` wins). */
export function uniquePermissions(declarations: readonly PermissionDeclaration[]): PermissionDeclaration[] {
  const seen = new Set<string>();
  return declarations.filter((declaration) => {
    const key = `${declaration.action} ${declaration.resource} ${JSON.stringify(declaration.condition ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
