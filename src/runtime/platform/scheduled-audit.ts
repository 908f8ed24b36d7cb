import type { PermissionDeclaration } from '../../aws/permissions.js';

/**
 * Lambda sends a nightly event whose invocation failed after its retries to the on-failure
 * destination, signing with the function's role. Only the scheduled audit has that destination, so
 * only its handler re-exports this.
 */
export const ASYNC_FAILURE_DESTINATION_PERMISSIONS = [
  {
    action: 'sqs:SendMessage',
    resource: '${ScheduledAuditFailureQueue.Arn}',
    why: 'Lambda records a failed nightly run in the failed-runs queue',
  },
] as const satisfies readonly PermissionDeclaration[];
