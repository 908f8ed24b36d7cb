import { ownRolePermissions } from './own-role.js';

// What the Lambda service does with the Slack notifier's own role (it needs none of the audit's
// permissions). `chat-runtime.ts` re-exports these, so the notifier reaches them.

/**
 * serverless.yml creates the notifier's log group: Lambda only writes to it, sends traces, and
 * sends a post that failed after its retries to the on-failure destination.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SLACK_NOTIFIER_RUNTIME_PERMISSIONS = ownRolePermissions('slackNotifier', 'Slack notifier', {
  queue: 'SlackNotifierFailureQueue',
  why: 'Lambda keeps a report it could not post to Slack, after its retries, in the failed-slack-posts queue',
});
