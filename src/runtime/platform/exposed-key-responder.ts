import type { PermissionDeclaration } from '../../aws/permissions.js';

// What the Lambda service does with the exposed-key responder's own role (logs, traces).
// `responder-runtime.ts` re-exports these, so the responder reaches them.
const RESPONDER_LOG_GROUP =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Service}-${Stage}-exposedKeyResponder';

/**
 * serverless.yml creates the responder's log group: Lambda only writes to it, sends traces, and
 * sends an event that failed after its retries to the on-failure destination.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RESPONDER_RUNTIME_PERMISSIONS = [
  {
    action: 'logs:CreateLogStream',
    resource: `${RESPONDER_LOG_GROUP}:*`,
    example: `${RESPONDER_LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123abcd`,
    why: "Lambda opens a log stream in the responder's log group",
  },
  {
    action: 'logs:PutLogEvents',
    resource: `${RESPONDER_LOG_GROUP}:*`,
    example: `${RESPONDER_LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123abcd`,
    why: "Lambda writes the responder's logs",
  },
  { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing is on: Lambda sends trace segments' },
  { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing is on: Lambda sends trace telemetry' },
  {
    action: 'sqs:SendMessage',
    resource: '${ExposedKeyResponderFailureQueue.Arn}',
    why: 'Lambda keeps an exposed-key event the responder could not handle, after its retries, in the failed-exposures queue',
  },
] as const satisfies readonly PermissionDeclaration[];
