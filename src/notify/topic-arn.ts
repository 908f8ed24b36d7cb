import { TopicConfigError } from './errors.js';

export interface TopicRef {
  /** A full topic ARN (`REPORT_TOPIC_ARN`); wins when given. */
  topicArn?: string | null | undefined;
  /** The topic's name, turned into an ARN in the function's own account and region. */
  topicName?: string | null | undefined;
  region: string;
  accountId: string;
}

// Region prefixes of the partitions other than `aws`. Longest prefixes first: `us-isob-` must not
// be taken for `us-iso-`.
const PARTITIONS: ReadonlyArray<readonly [prefix: string, partition: string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
];

/** The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ...), for ARNs and console links. */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * The ARN of the report topic. An explicit ARN wins (it lets a team point at an existing central
 * topic); otherwise the ARN is built from the topic name, because `serverless invoke local` cannot
 * resolve CloudFormation references in `environment`, so only the name is configured there.
 */
export function resolveTopicArn(ref: TopicRef): string {
  const topicArn = ref.topicArn?.trim();
  if (topicArn) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
      throw new TopicConfigError(
        `REPORT_TOPIC_ARN "${topicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).`,
      );
    }
    return topicArn;
  }
  const topicName = ref.topicName?.trim();
  if (!topicName) {
    throw new TopicConfigError(
      'No report topic configured: set REPORT_TOPIC_ARN (a topic ARN) or the report topic name setting.',
    );
  }
  if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicName)) {
    throw new TopicConfigError(
      `Report topic name "${topicName}" is not a valid SNS topic name (letters, digits, - and _, at most 256).`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(ref.region)) {
    throw new TopicConfigError(`Cannot build the report topic ARN: "${ref.region}" is not an AWS region.`);
  }
  if (!/^\d{12}$/.test(ref.accountId)) {
    throw new TopicConfigError(
      `Cannot build the report topic ARN: "${ref.accountId}" is not an AWS account id.`,
    );
  }
  return `arn:${partitionOf(ref.region)}:sns:${ref.region}:${ref.accountId}:${topicName}`;
}
