import type { PermissionDeclaration } from '../../aws/permissions.js';

// What the Lambda service does with the audit functions' role on their behalf. The framework writes
// these grants itself (serverless.yml has no statement for them); they are declared so that every
// action the role allows has a declaration with a reason. `lambda-runtime.ts` re-exports them, so
// every function built on it reaches them.
const LOG_GROUPS =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}*';
const LOG_STREAM_EXAMPLE =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-scheduledAudit:log-stream:2026/01/01/[$LATEST]0123abcd';

/**
 * Lambda writes the function's logs and X-Ray traces.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
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
