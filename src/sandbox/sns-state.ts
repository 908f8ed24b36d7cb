import { stableUuid } from './random.js';

export interface SandboxSubscription {
  arn: string;
  protocol: string;
  endpoint: string;
  pendingConfirmation: boolean;
  /** The filter policy on message attributes as given (JSON text); null: none. */
  filterPolicy: string | null;
}

export interface SandboxTopic {
  arn: string;
  name: string;
  region: string;
  accountId: string;
  subscriptions: SandboxSubscription[];
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** The protocols whose message body a published message is resolved for. */
export const SNS_BODY_PROTOCOLS = [
  'default',
  'email',
  'email-json',
  'sqs',
  'lambda',
  'http',
  'https',
] as const;
export type SnsBodyProtocol = (typeof SNS_BODY_PROTOCOLS)[number];

/** One SNS Publish as the sandbox recorded it: messages are recorded for tests, never sent. */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  /** The account the publisher acted in. */
  accountId: string;
  subject: string | null;
  /** The `Message` parameter exactly as received. */
  message: string;
  messageStructure: 'json' | null;
  messageAttributes: Record<string, MessageAttributeValue>;
  /** Sandbox-clock time, ISO 8601. */
  timestamp: string;
  /** The message text each protocol's subscribers get (its key of a JSON structure, else `default`). */
  bodies: Record<SnsBodyProtocol, string>;
  /** The whole payload each protocol delivers (docs/sandbox.md shows each shape). */
  deliveries: Record<Exclude<SnsBodyProtocol, 'default'>, string>;
  /** The topic's subscriptions at publish time, and whether the message passed each filter policy. */
  subscriptions: {
    protocol: string;
    endpoint: string;
    subscriptionArn: string;
    filterPolicy: string | null;
    delivered: boolean;
  }[];
}

/** A topic to create, with the subscriptions a fixture may give it. */
export interface TopicInput {
  name: string;
  region: string;
  subscriptions?: readonly { protocol: string; endpoint: string; filterPolicy?: unknown }[];
}

/** Creates a topic, or returns the existing one of that name (CreateTopic is idempotent). */
export function addTopic(
  topics: Map<string, SandboxTopic>,
  accountId: string,
  topic: TopicInput,
): SandboxTopic {
  const arn = `arn:aws:sns:${topic.region}:${accountId}:${topic.name}`;
  const existing = topics.get(arn);
  if (existing) return existing;
  const created: SandboxTopic = { arn, name: topic.name, region: topic.region, accountId, subscriptions: [] };
  topics.set(arn, created);
  for (const sub of topic.subscriptions ?? []) {
    created.subscriptions.push({
      // Derived from names, so a fixture subscription keeps its ARN across restarts.
      arn: `${arn}:${stableUuid(arn, sub.protocol, sub.endpoint)}`,
      protocol: sub.protocol,
      endpoint: sub.endpoint,
      pendingConfirmation: false,
      filterPolicy: sub.filterPolicy === undefined ? null : JSON.stringify(sub.filterPolicy),
    });
  }
  return created;
}
