import type { PermissionDeclaration } from '../../aws/permissions.js';

// What the Lambda service does with the answer page's own role: its logs and traces. A function
// URL is invoked synchronously, so there is no failure destination to send to.
const LOG_GROUP =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-answerPage';
const LOG_STREAM = `${LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123abcd`;

/**
 * serverless.yml creates the page's log group: Lambda only writes to it, and sends traces.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ANSWER_PAGE_RUNTIME_PERMISSIONS = [
  {
    action: 'logs:CreateLogStream',
    resource: `${LOG_GROUP}:*`,
    example: LOG_STREAM,
    why: "Lambda opens a log stream in the answer page's log group",
  },
  {
    action: 'logs:PutLogEvents',
    resource: `${LOG_GROUP}:*`,
    example: LOG_STREAM,
    why: "Lambda writes the answer page's logs",
  },
  { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing is on: Lambda sends trace segments' },
  { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing is on: Lambda sends trace telemetry' },
] as const satisfies readonly PermissionDeclaration[];
