/**
 * An AWS error answer: the operation handlers throw it and the server writes it as an
 * `ErrorResponse` with the real code, HTTP status and fault type.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';

  constructor(code: string, status: number, message: string, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

/** The errors the sandbox answers with, by the wording real services use. */
export const awsErrors = {
  noSuchUser: (name: string) =>
    new AwsError('NoSuchEntity', 404, `The user with name ${name} cannot be found.`),
  noSuchAccessKey: (id: string) =>
    new AwsError('NoSuchEntity', 404, `The Access Key with id ${id} cannot be found.`),
  userExists: (name: string) =>
    new AwsError('EntityAlreadyExists', 409, `User with name ${name} already exists.`),
  keyQuota: () => new AwsError('LimitExceeded', 409, 'Cannot exceed quota for AccessKeysPerUser: 2'),
  tagQuota: () => new AwsError('LimitExceeded', 409, 'Cannot exceed quota for TagsPerUser: 50'),
  validation: (message: string) => new AwsError('ValidationError', 400, message),
  invalidInput: (message: string) => new AwsError('InvalidInput', 400, message),
  missingParameter: (name: string) =>
    new AwsError(
      'ValidationError',
      400,
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    ),
  reportNotPresent: () => new AwsError('ReportNotPresent', 410, ''),
  reportInProgress: () =>
    new AwsError(
      'ReportInProgress',
      404,
      'The credential report is still being generated. Try again shortly.',
    ),
  throttling: () => new AwsError('Throttling', 400, 'Rate exceeded'),
  serviceFailure: () => new AwsError('ServiceFailure', 500, 'An internal error occurred.', 'Receiver'),
  accessDenied: (message: string) => new AwsError('AccessDenied', 403, message),
  invalidClientToken: () =>
    new AwsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
  invalidAction: (action: string, version: string | undefined) =>
    new AwsError(
      'InvalidAction',
      400,
      `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
    ),
  snsInvalidParameter: (what: string) => new AwsError('InvalidParameter', 400, `Invalid parameter: ${what}`),
  snsInvalidParameterValue: (message: string) => new AwsError('ParameterValueInvalid', 400, message),
  snsTopicNotFound: () => new AwsError('NotFound', 404, 'Topic does not exist'),
  /** The answer of an injected refusal (a fault rule), worded as each query service words one. */
  denied: (service: string, action: string, callerArn: string) =>
    service === 'sns'
      ? new AwsError(
          'AuthorizationError',
          403,
          `User: ${callerArn} is not authorized to perform: SNS:${action}`,
        )
      : new AwsError(
          'AccessDenied',
          403,
          `User: ${callerArn} is not authorized to perform: ${service}:${action}`,
        ),
} as const;

/**
 * The JSON object a REST-JSON request carries (SES v2, Security Hub): an empty body is `{}`;
 * anything else that is not a JSON object is the services' `SerializationException` 400.
 */
export function jsonObjectBody(body: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(body || '{}');
  } catch {
    throw new AwsError('SerializationException', 400, 'The request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsError('SerializationException', 400, 'The request body is not a JSON object');
  }
  return input as Record<string, unknown>;
}
