/** Base class of every error the notify package throws, so callers can tell delivery problems apart. */
export class NotifyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

/**
 * SNS refused the report. The message names the topic and what the operator should check; the SDK
 * error is the `cause`. Thrown after the IAM work is done, so the invocation fails (and Lambda
 * retries and alarms) without repeating any action.
 */
export class DeliveryError extends NotifyError {
  readonly topicArn: string;

  constructor(message: string, options: ErrorOptions & { topicArn: string }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.topicArn = options.topicArn;
  }
}

/** Neither a topic ARN nor a topic name was configured, or one of them is malformed. */
export class TopicConfigError extends NotifyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TopicConfigError';
  }
}

/** Even the smallest form of the report does not fit the SNS size limit (pathological input). */
export class MessageTooLargeError extends NotifyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessageTooLargeError';
  }
}
