import { randomUUID } from 'node:crypto';
import { AwsError, awsErrors } from './errors.js';
import { matchesFilterPolicy, parseFilterPolicy } from './filter-policy.js';
import { randomUuid } from './random.js';
import type { ActionHandler, QueryService, RequestContext } from './service.js';
import {
  addTopic,
  type MessageAttributeValue,
  type PublishedMessage,
  type SandboxSubscription,
  type SandboxTopic,
  SNS_BODY_PROTOCOLS,
  type SnsBodyProtocol,
} from './sns-state.js';
import { element, NAMESPACES } from './xml.js';

/** Publish's limit, message attributes included. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
const MAX_ATTRIBUTES = 10;
const TOPIC_NAME = /^[\w-]{1,256}(\.fifo)?$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;
/** Printable ASCII, starting with a non-space, under 100 characters, no line breaks. */
const SUBJECT = /^[\x21-\x7E][\x20-\x7E]{0,98}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/** What Subscribe accepts, and which endpoints each protocol takes. */
const PROTOCOLS: Readonly<Record<string, { endpoint: RegExp; what: string; confirmed: boolean }>> = {
  email: { endpoint: /^[^@\s]+@[^@\s]+$/, what: 'an email address', confirmed: false },
  'email-json': { endpoint: /^[^@\s]+@[^@\s]+$/, what: 'an email address', confirmed: false },
  sqs: {
    endpoint: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/,
    what: 'an SQS queue ARN',
    confirmed: true,
  },
  lambda: {
    endpoint: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/,
    what: 'a Lambda function ARN',
    confirmed: true,
  },
  http: { endpoint: /^http:\/\/\S+$/, what: 'an http:// URL', confirmed: false },
  https: { endpoint: /^https:\/\/\S+$/, what: 'an https:// URL', confirmed: false },
};

function topicFor(ctx: RequestContext, arn: string): SandboxTopic {
  if (!TOPIC_ARN.test(arn)) throw awsErrors.snsInvalidParameter('TopicArn');
  const topic = ctx.state.topics.get(arn);
  if (!topic) throw awsErrors.snsTopicNotFound();
  return topic;
}

const createTopic: ActionHandler = (ctx) => {
  const name = ctx.params.required('Name');
  if (!TOPIC_NAME.test(name)) {
    throw awsErrors.snsInvalidParameter(
      'Topic Name (1-256 letters, digits, hyphens and underscores, optionally ending in .fifo)',
    );
  }
  return element('TopicArn', addTopic(ctx.state.topics, ctx.account.id, { name, region: ctx.region }).arn);
};

const subscribe: ActionHandler = (ctx) => {
  const topic = topicFor(ctx, ctx.params.required('TopicArn'));
  const protocol = ctx.params.required('Protocol');
  const rule = PROTOCOLS[protocol];
  if (!rule) {
    throw awsErrors.snsInvalidParameter(
      `Amazon SNS does not support this protocol string: ${protocol} (the sandbox takes ${Object.keys(PROTOCOLS).join(', ')})`,
    );
  }
  const endpoint = ctx.params.required('Endpoint');
  if (!rule.endpoint.test(endpoint)) throw awsErrors.snsInvalidParameter(`Endpoint must be ${rule.what}`);
  const filterPolicy = subscriptionAttributes(ctx).FilterPolicy ?? null;
  let subscription = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
  if (subscription && subscription.filterPolicy !== filterPolicy) {
    throw awsErrors.snsInvalidParameter(
      'Attributes Reason: Subscription already exists with different attributes',
    );
  }
  if (!subscription) {
    subscription = {
      arn: `${topic.arn}:${randomUuid(ctx.state.rng)}`,
      protocol,
      endpoint,
      pendingConfirmation: !rule.confirmed,
      filterPolicy,
    };
    topic.subscriptions.push(subscription);
  }
  // Email and HTTP(S) subscribers must confirm first: SNS answers "pending confirmation" instead of
  // the ARN unless the caller asks for the ARN with ReturnSubscriptionArn.
  const returnArn = ctx.params.get('ReturnSubscriptionArn') === 'true';
  return element(
    'SubscriptionArn',
    subscription.pendingConfirmation && !returnArn ? 'pending confirmation' : subscription.arn,
  );
};

/** Subscription attributes the sandbox honours; the others SNS knows are accepted and ignored. */
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'DeliveryPolicy',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

/** Checks one subscription attribute the way SNS does before storing it. */
function checkSubscriptionAttribute(name: string, value: string): void {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) {
    throw awsErrors.snsInvalidParameter(`AttributeName Reason: Unknown subscription attribute ${name}`);
  }
  if (name === 'FilterPolicy' && value !== '') parseFilterPolicy(value);
  if (name === 'FilterPolicyScope' && value !== 'MessageAttributes') {
    throw awsErrors.snsInvalidParameter(
      `Attributes Reason: FilterPolicyScope ${value} is not supported by the sandbox (only MessageAttributes)`,
    );
  }
}

/** Subscribe's `Attributes.entry.N.key/value` map, checked. */
function subscriptionAttributes(ctx: RequestContext): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of ctx.params.structList('Attributes.entry', ['key', 'value'])) {
    const name = entry.key ?? '';
    const value = entry.value ?? '';
    checkSubscriptionAttribute(name, value);
    if (!(name === 'FilterPolicy' && value === '')) attributes[name] = value;
  }
  return attributes;
}

function subscriptionByArn(ctx: RequestContext, arn: string): SandboxSubscription {
  for (const topic of ctx.state.topics.values()) {
    const found = topic.subscriptions.find((s) => s.arn === arn);
    if (found) return found;
  }
  throw new AwsError('NotFound', 404, 'Subscription does not exist');
}

const setSubscriptionAttributes: ActionHandler = (ctx) => {
  const subscription = subscriptionByArn(ctx, ctx.params.required('SubscriptionArn'));
  const name = ctx.params.required('AttributeName');
  const value = ctx.params.get('AttributeValue') ?? '';
  checkSubscriptionAttribute(name, value);
  if (name === 'FilterPolicy') subscription.filterPolicy = value === '' ? null : value;
  return null;
};

function parseAttributes(ctx: RequestContext): Record<string, MessageAttributeValue> {
  const entries = ctx.params.structList('MessageAttributes.entry', [
    'Name',
    'Value.DataType',
    'Value.StringValue',
    'Value.BinaryValue',
  ]);
  if (entries.length > MAX_ATTRIBUTES) {
    throw awsErrors.snsInvalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const entry of entries) {
    const name = entry.Name ?? '';
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name)) {
      throw awsErrors.snsInvalidParameterValue(
        `The message attribute name '${name}' is invalid: use 1-256 letters, digits, _ . and -, not starting with AWS. or Amazon.`,
      );
    }
    const dataType = entry['Value.DataType'];
    if (!dataType || !/^(String|Number|Binary)(\.[\w.-]+)?$/.test(dataType)) {
      throw awsErrors.snsInvalidParameterValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const value: MessageAttributeValue = { DataType: dataType };
    if (dataType.startsWith('Binary')) {
      const binary = entry['Value.BinaryValue'];
      if (!binary) {
        throw awsErrors.snsInvalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value.`,
        );
      }
      value.BinaryValue = binary;
    } else {
      const text = entry['Value.StringValue'];
      if (text === undefined || text === '') {
        throw awsErrors.snsInvalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value.`,
        );
      }
      if (dataType.startsWith('Number') && !Number.isFinite(Number(text))) {
        throw awsErrors.snsInvalidParameterValue(
          `Could not cast message attribute '${name}' value to number.`,
        );
      }
      value.StringValue = text;
    }
    attributes[name] = value;
  }
  return attributes;
}

/** Bytes SNS counts against the 256 KB limit: the message plus every attribute's name, type and value. */
function messageBytes(message: string, attributes: Record<string, MessageAttributeValue>): number {
  let total = Buffer.byteLength(message, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    total += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    total += Buffer.byteLength(value.StringValue ?? value.BinaryValue ?? '', 'utf8');
  }
  return total;
}

/** With `MessageStructure=json`, the per-protocol texts; SNS requires a JSON object of strings with `default`. */
function parseStructure(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw awsErrors.snsInvalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw awsErrors.snsInvalidParameter('Message Structure - JSON message body must be an object');
  }
  const entries = Object.entries(parsed);
  if (entries.some(([, value]) => typeof value !== 'string')) {
    throw awsErrors.snsInvalidParameter('Message Structure - JSON message values must be strings');
  }
  const structure = Object.fromEntries(entries) as Record<string, string>;
  if (typeof structure.default !== 'string') {
    throw awsErrors.snsInvalidParameter('Message Structure - No default entry in JSON message body');
  }
  return structure;
}

/** The notification document SNS sends to email-json, SQS and HTTP(S) subscribers. */
function notification(
  record: Omit<PublishedMessage, 'deliveries'>,
  region: string,
  body: string,
  lambda = false,
) {
  const attributes = Object.fromEntries(
    Object.entries(record.messageAttributes).map(([name, v]) => [
      name,
      { Type: v.DataType, Value: v.StringValue ?? v.BinaryValue ?? '' },
    ]),
  );
  const endpoint = `https://sns.${region}.amazonaws.com`;
  return {
    Type: 'Notification',
    MessageId: record.messageId,
    TopicArn: record.topicArn,
    // SNS leaves out a missing Subject and empty MessageAttributes (the Lambda event keeps both);
    // JSON.stringify drops the undefined members.
    Subject: record.subject !== null || lambda ? record.subject : undefined,
    Message: body,
    Timestamp: record.timestamp,
    SignatureVersion: '1',
    Signature: 'SANDBOX-NOT-SIGNED',
    [lambda ? 'SigningCertUrl' : 'SigningCertURL']: `${endpoint}/SimpleNotificationService-sandbox.pem`,
    [lambda ? 'UnsubscribeUrl' : 'UnsubscribeURL']:
      `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${record.topicArn}:sandbox`,
    MessageAttributes: Object.keys(attributes).length > 0 || lambda ? attributes : undefined,
  };
}

function deliveriesOf(
  record: Omit<PublishedMessage, 'deliveries'>,
  region: string,
): PublishedMessage['deliveries'] {
  const { bodies } = record;
  const email =
    `${bodies.email}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the ` +
    `link below to unsubscribe:\nhttps://sns.${region}.amazonaws.com/unsubscribe.html?SubscriptionArn=${record.topicArn}:sandbox\n`;
  return {
    email,
    'email-json': JSON.stringify(notification(record, region, bodies['email-json'])),
    sqs: JSON.stringify(notification(record, region, bodies.sqs)),
    http: JSON.stringify(notification(record, region, bodies.http)),
    https: JSON.stringify(notification(record, region, bodies.https)),
    lambda: JSON.stringify({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `${record.topicArn}:sandbox`,
          Sns: notification(record, region, bodies.lambda, true),
        },
      ],
    }),
  };
}

const publish: ActionHandler = (ctx) => {
  const arn = ctx.params.get('TopicArn') ?? ctx.params.get('TargetArn');
  if (arn === undefined) {
    throw awsErrors.snsInvalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  }
  const message = ctx.params.get('Message');
  if (message === undefined || message === '') throw awsErrors.snsInvalidParameter('Empty message');
  const subject = ctx.params.get('Subject');
  if (subject !== undefined && !SUBJECT.test(subject)) throw awsErrors.snsInvalidParameter('Subject');
  const structureParam = ctx.params.get('MessageStructure');
  if (structureParam !== undefined && structureParam !== 'json') {
    throw awsErrors.snsInvalidParameter('MessageStructure (the only accepted value is json)');
  }
  const attributes = parseAttributes(ctx);
  if (messageBytes(message, attributes) > SNS_MAX_MESSAGE_BYTES) {
    throw awsErrors.snsInvalidParameter('Message too long');
  }
  const structure = structureParam === 'json' ? parseStructure(message) : null;
  const topic = topicFor(ctx, arn);
  const bodies = {} as Record<SnsBodyProtocol, string>;
  for (const protocol of SNS_BODY_PROTOCOLS) {
    bodies[protocol] = structure ? (structure[protocol] ?? (structure.default as string)) : message;
  }
  const base: Omit<PublishedMessage, 'deliveries'> = {
    messageId: randomUUID(),
    topicArn: topic.arn,
    accountId: ctx.account.id,
    subject: subject ?? null,
    message,
    messageStructure: structure ? 'json' : null,
    messageAttributes: attributes,
    timestamp: ctx.state.clock.now().toISOString(),
    bodies,
    subscriptions: topic.subscriptions.map((s) => ({
      protocol: s.protocol,
      endpoint: s.endpoint,
      subscriptionArn: s.arn,
      filterPolicy: s.filterPolicy,
      delivered: matchesFilterPolicy(
        s.filterPolicy === null ? null : parseFilterPolicy(s.filterPolicy),
        attributes,
      ),
    })),
  };
  ctx.state.published.push({ ...base, deliveries: deliveriesOf(base, topic.region) });
  return element('MessageId', base.messageId);
};

/** SNS (Query protocol, 2010-03-31): CreateTopic, Subscribe, SetSubscriptionAttributes and Publish. */
export const snsService: QueryService = {
  name: 'sns',
  version: '2010-03-31',
  namespace: NAMESPACES.sns,
  actions: {
    CreateTopic: createTopic,
    Subscribe: subscribe,
    SetSubscriptionAttributes: setSubscriptionAttributes,
    Publish: publish,
  },
};
