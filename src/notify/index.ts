export { DeliveryError, MessageTooLargeError, NotifyError, TopicConfigError } from './errors.js';
export { publishReport } from './publish.js';
export {
  buildSnsPublish,
  buildSubject,
  type ChatFormat,
  SNS_MAX_PUBLISH_BYTES,
  SNS_MAX_SUBJECT_CHARS,
  type SnsMessageAttribute,
  type SnsPublish,
  type SnsPublishOptions,
} from './sns-message.js';
export { resolveTopicArn, type TopicRef } from './topic-arn.js';
