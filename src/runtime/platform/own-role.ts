import type { PermissionDeclaration } from '../../aws/permissions.js';

/**
 * What Lambda does with a function's own role (one role per function, not the audit functions'
 * shared one): write to the log group serverless.yml creates for it, send traces, and keep an
 * event that failed after its retries in the function's failure queue.
 */
export function ownRolePermissions(
  functionName: string,
  who: string,
  failure: { queue: string; why: string },
): readonly PermissionDeclaration[] {
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/\${Service}-\${Stage}-${functionName}`;
  const logStream = `${logGroup}:log-stream:2026/01/01/[$LATEST]0123abcd`;
  return [
    {
      action: 'logs:CreateLogStream',
      resource: `${logGroup}:*`,
      example: logStream,
      why: `Lambda opens a log stream in the ${who}'s log group`,
    },
    {
      action: 'logs:PutLogEvents',
      resource: `${logGroup}:*`,
      example: logStream,
      why: `Lambda writes the ${who}'s logs`,
    },
    { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing is on: Lambda sends trace segments' },
    { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing is on: Lambda sends trace telemetry' },
    { action: 'sqs:SendMessage', resource: `\${${failure.queue}.Arn}`, why: failure.why },
  ];
}
