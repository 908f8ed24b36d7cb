import type { PermissionDeclaration } from '../../aws/permissions.js';

// What the Lambda service does with the Slack notifier's own role (it needs none of the audit's
// permissions). `chat-runtime.ts` re-exports these, so the notifier reaches them.
const SLACK_LOG_GROUP =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-slackNotifier';

/**
 * serverless.yml creates the notifier's log group: Lambda only writes to it, sends traces, and
 * sends a post that failed after its retries to the on-failure destination.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SLACK_NOTIFIER_RUNTIME_PERMISSIONS = [
  {
    action: 'logs:CreateLogStream',
    resource: `${SLACK_LOG_GROUP}:*`,
    example: `${SLACK_LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123abcd`,
    why: "Lambda opens a log stream in the Slack notifier's log group",
  },
  {
    action: 'logs:PutLogEvents',
    resource: `${SLACK_LOG_GROUP}:*`,
    example: `${SLACK_LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123abcd`,
    why: "Lambda writes the Slack notifier's logs",
  },
  { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing is on: Lambda sends trace segments' },
  { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing is on: Lambda sends trace telemetry' },
  {
    action: 'sqs:SendMessage',
    resource: '${SlackNotifierFailureQueue.Arn}',
    why: 'Lambda keeps a report it could not post to Slack, after its retries, in the failed-slack-posts queue',
  },
] as const satisfies readonly PermissionDeclaration[];
