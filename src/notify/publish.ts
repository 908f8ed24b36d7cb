import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditReport } from '../model.js';
import { DeliveryError } from './errors.js';
import { buildSnsPublish, type SnsPublish, type SnsPublishOptions } from './sns-message.js';

/**
 * The calls `publishReport` makes. SNS encrypts with the topic's KMS key on the publisher's behalf,
 * so the publisher needs GenerateDataKey and Decrypt on that key (not the `GenerateDataKey*`
 * wildcard some examples use: SNS asks for a plaintext data key, nothing else).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const PUBLISH_PERMISSIONS = [
  { action: 'sns:Publish', resource: '${ReportTopic}', why: 'publishes the report to the report topic' },
  {
    action: 'kms:GenerateDataKey',
    resource: '${ReportTopicKey.Arn}',
    via: 'sns:Publish',
    why: 'SNS encrypts the published report with the topic key',
  },
  {
    action: 'kms:Decrypt',
    resource: '${ReportTopicKey.Arn}',
    via: 'sns:Publish',
    why: 'SNS encrypts the published report with the topic key',
  },
] as const satisfies readonly PermissionDeclaration[];

/**
 * Publishes the report to an SNS topic (see {@link buildSnsPublish}). A failure is thrown as a
 * {@link DeliveryError} naming the topic and what to check: it comes after the IAM work is done, so
 * failing the invocation lets Lambda retry and alarm without repeating any action.
 */
export async function publishReport(
  sns: Pick<SNSClient, 'send'>,
  topicArn: string,
  report: AuditReport,
  options: SnsPublishOptions = {},
): Promise<{ messageId: string }> {
  return publishMessage(sns, topicArn, report.runId, buildSnsPublish(report, options));
}

/**
 * Publishes a prepared message (an audit's or an undo's) for run `runId`; failures as in
 * {@link publishReport}.
 */
export async function publishMessage(
  sns: Pick<SNSClient, 'send'>,
  topicArn: string,
  runId: string,
  publish: SnsPublish,
): Promise<{ messageId: string }> {
  let messageId: string | undefined;
  try {
    const output = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: publish.subject,
        Message: publish.message,
        MessageStructure: publish.messageStructure,
        MessageAttributes: publish.messageAttributes,
      }),
    );
    messageId = output.MessageId;
  } catch (error) {
    throw new DeliveryError(deliveryFailure(topicArn, runId, error), { cause: error, topicArn });
  }
  if (!messageId) {
    throw new DeliveryError(`SNS answered the publish to ${topicArn} without a MessageId (run ${runId}).`, {
      topicArn,
    });
  }
  return { messageId };
}

function deliveryFailure(topicArn: string, runId: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  return [
    `Could not publish the report of run ${runId} to ${topicArn}: ${name}: ${detail}.`,
    likelyCause(name),
    'The audit itself finished; only delivery failed.',
    'Check that the topic exists in that account and region, that the function role allows sns:Publish on it,',
    'and, if the topic is encrypted with a KMS key, that the key policy lets the role use kms:GenerateDataKey* and kms:Decrypt.',
  ]
    .filter((line) => line !== '')
    .join(' ');
}

/** The SDK's exception names for the Publish errors an operator can fix. */
function likelyCause(name: string): string {
  if (name.startsWith('NotFound'))
    return 'Likely cause: the topic does not exist (or is in another account or region).';
  if (name.startsWith('AuthorizationError'))
    return 'Likely cause: the role is not allowed to publish to this topic.';
  if (name.startsWith('KMS')) return "Likely cause: the topic's KMS key refused the role.";
  if (name.startsWith('InvalidParameter')) {
    return 'Likely cause: SNS rejected the message itself (size, subject or attributes); please report this as a bug.';
  }
  return '';
}
