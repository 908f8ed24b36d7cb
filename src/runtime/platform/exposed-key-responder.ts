import { ownRolePermissions } from './own-role.js';

// What the Lambda service does with the exposed-key responder's own role (logs, traces, its
// failure queue). `responder-runtime.ts` re-exports these, so the responder reaches them.

/**
 * serverless.yml creates the responder's log group: Lambda only writes to it, sends traces, and
 * sends an event that failed after its retries to the on-failure destination.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RESPONDER_RUNTIME_PERMISSIONS = ownRolePermissions('exposedKeyResponder', 'responder', {
  queue: 'ExposedKeyResponderFailureQueue',
  why: 'Lambda keeps an exposed-key event the responder could not handle, after its retries, in the failed-exposures queue',
});
