import type { PermissionDeclaration } from '../aws/permissions.js';

// The framework writes these grants itself (serverless.yml has no statement for them); they are
// declared here so that every action the role allows has a declaration with a reason.
const LOG_GROUPS =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}*';
const LOG_STREAM_EXAMPLE =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-scheduledAudit:log-stream:2026/01/01/[$LATEST]0123abcd';

/**
 * What the Lambda service does with a function's role on the function's behalf: write its logs and
 * X-Ray traces. Every function has these.
 */
export const LAMBDA_RUNTIME_PERMISSIONS = [
  {
    action: 'logs:CreateLogStream',
    resource: `${LOG_GROUPS}:*`,
    example: LOG_STREAM_EXAMPLE,
    why: "Lambda opens a log stream in the function's log group",
  },
  {
    action: 'logs:CreateLogGroup',
    resource: `${LOG_GROUPS}:*`,
    example:
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-scheduledAudit:*',
    why: "Lambda creates the function's log group if it is missing",
  },
  {
    action: 'logs:TagResource',
    resource: `${LOG_GROUPS}:*`,
    example:
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-scheduledAudit:*',
    why: 'Lambda tags the log group it creates',
  },
  {
    action: 'logs:PutLogEvents',
    resource: `${LOG_GROUPS}:*:*`,
    example: LOG_STREAM_EXAMPLE,
    why: 'Lambda writes the function logs',
  },
  { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing is on: Lambda sends trace segments' },
  { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing is on: Lambda sends trace telemetry' },
] as const satisfies readonly PermissionDeclaration[];

const SLACK_LOG_GROUP =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-slackNotifier';

/**
 * The Slack notifier has a role of its own (it needs none of the audit's IAM permissions), whose log
 * group serverless.yml creates: Lambda only writes to it, and sends traces.
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
] as const satisfies readonly PermissionDeclaration[];

/**
 * Lambda sends an event whose asynchronous invocation failed after its retries to the on-failure
 * destination, signing with the function's role.
 */
export const ASYNC_FAILURE_DESTINATION_PERMISSIONS = [
  {
    action: 'sqs:SendMessage',
    resource: '${ScheduledAuditFailureQueue.Arn}',
    why: 'Lambda records a failed nightly run in the failed-runs queue',
  },
] as const satisfies readonly PermissionDeclaration[];
