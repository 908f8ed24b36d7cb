/**
 * Sends tonight's stages, once each: claim every stage in the ledger first (a conditional write:
 * If-None-Match: * for a new record, If-Match: <ETag> over the version read), then send one message
 * per owner, then mark the stages `sent` with the time. A run that loses a claim (412/409: another
 * run wrote first) sends nothing for that key. A send that fails leaves the stage `failed`, and a
 * run that dies between claim and mark leaves it `sending`: either way it does not count for a
 * deadline, and the next run sends it again. So duplicates are possible after a crash; deactivation
 * without notice is not. A team whose directory entry names a Slack webhook gets one post of its
 * keys' stages that went out (team-webhooks.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import type { AuditError, KeyOwner } from '../model.js';
import type { SlackLogger } from '../notify/slack-webhook.js';
import { composeNotice, type NoticeItem } from './compose-notice.js';
import type { DueStage } from './due-notices.js';
import { type NoticeRecord, type NoticeStage, noticeKey } from './notice-record.js';
import type { LedgerLocation } from './read-ledger.js';
import { postTeamNotices, type TeamStage } from './team-webhooks.js';

/**
 * The ledger's writes (notices/ only), the owners' email from the sender identity, and the
 * security team's copy on the report topic.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const SEND_NOTICES_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/notices/*',
    why: 'claims each notice stage in the ledger (conditional write) before sending it, and marks it sent after',
  },
  {
    action: 'ses:SendEmail',
    resource: 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*',
    why: 'emails each owner one message a night from the noticeSender identity (SES v2 SendEmail)',
  },
  {
    action: 'sns:Publish',
    resource: '${ReportTopic}',
    why: 'sends the notices of keys without an owner address (or without a sender) to the report topic',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface SendDeps {
  s3: Pick<S3Client, 'send'>;
  ses?: Pick<SESv2Client, 'send'>;
  sns: Pick<SNSClient, 'send'>;
  /** Reads the team webhooks' URLs; absent: no team gets a post. */
  ssm?: Pick<SSMClient, 'send'> | undefined;
  logger?: SlackLogger;
  now: () => Date;
}

export interface SendSettings {
  ledger: LedgerLocation;
  sender: string | null;
  topicArn: string | null;
  runId: string;
  /** Usage line of a key ("not used for 120 days ..."). */
  usageOf: (accessKeyId: string) => string;
  answerLinkFor: (
    key: { accountId: string; userName: string; accessKeyId: string },
    deadline: string,
  ) => string | null;
  /** The team of a key's user and its webhook parameter, when the team directory names one. */
  teamWebhookOf?: (userName: string) => { team: string; parameter: string } | null;
  /** The way off a key's usage points to, or null when evidence gave it no profile. */
  wayOffOf: (key: { userName: string; accessKeyId: string }) => NoticeItem['wayOff'];
}

/** What went out tonight, key by key. */
export interface SentStage {
  accessKeyId: string;
  stage: NoticeStage;
  deadline: string;
  channel: 'email' | 'report-topic';
  sentAt: string;
}

export interface NoticesSent {
  sent: SentStage[];
  /** Messages that went out (one per owner). */
  messages: number;
  errors: AuditError[];
}

const isLostRace = (error: unknown) => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
};

async function writeRecord(
  s3: Pick<S3Client, 'send'>,
  where: LedgerLocation,
  record: NoticeRecord,
  etag: string | null,
): Promise<string | null> {
  return putOwnedObject(s3, {
    bucket: where.bucket,
    key: noticeKey(where.accountId, record.accessKeyId),
    body: JSON.stringify(record),
    contentType: 'application/json',
    owner: where.owner,
    ...(etag === null ? { ifNoneMatch: '*' as const } : { ifMatch: etag }),
  });
}

/** Who gets a message: one group per owner (their addresses), or the security team. */
const recipientOf = (owner: KeyOwner) => (owner.emails.length > 0 ? [...owner.emails].sort().join(',') : '');

export async function sendNotices(
  deps: SendDeps,
  settings: SendSettings,
  due: readonly DueStage[],
): Promise<NoticesSent> {
  const errors: AuditError[] = [];
  const where = settings.ledger;
  const fail = (stage: DueStage | null, operation: string, error: unknown, what: string) => {
    const { code, message } = describeAwsError(error);
    errors.push({
      userName: stage?.userName ?? null,
      accessKeyId: stage?.accessKeyId ?? null,
      operation,
      code,
      message: `${what} (${code}: ${message}) in account ${where.accountId}; it was not counted as sent, and the next run sends it again.`,
    });
  };

  // 1. claim
  const claimed: { due: DueStage; etag: string | null }[] = [];
  for (const stage of due) {
    try {
      claimed.push({ due: stage, etag: await writeRecord(deps.s3, where, stage.record, stage.etag) });
    } catch (error) {
      if (isLostRace(error)) continue; // another run claimed this stage first: it sends it
      fail(
        stage,
        's3:PutObject',
        error,
        `The ${stage.stage} of key ${stage.accessKeyId} (user ${stage.userName}) could not be claimed in the notice ledger`,
      );
    }
  }

  // 2. send, one message per owner
  const groups = new Map<string, typeof claimed>();
  for (const entry of claimed) {
    const recipient = recipientOf(entry.due.owner);
    groups.set(recipient, [...(groups.get(recipient) ?? []), entry]);
  }
  const sent: SentStage[] = [];
  const teamStages: TeamStage[] = [];
  let messages = 0;
  for (const [recipient, entries] of groups) {
    const first = entries[0] as (typeof entries)[number];
    const items: NoticeItem[] = entries.map(({ due: d }) => ({
      stage: d.stage,
      userName: d.userName,
      accessKeyId: d.accessKeyId,
      deadline: d.deadline,
      usage: settings.usageOf(d.accessKeyId),
      answerLink:
        d.stage === 'action'
          ? null
          : settings.answerLinkFor(
              { accountId: where.accountId, userName: d.userName, accessKeyId: d.accessKeyId },
              d.deadline,
            ),
      wayOff: settings.wayOffOf(d),
    }));
    const message = composeNotice(items, {
      accountId: where.accountId,
      runId: settings.runId,
      contact: 'the security team (the key-hygiene report topic)',
      ownerNote:
        recipient === ''
          ? 'No owner address was found for these keys, so the security team gets this notice.'
          : `You are named as the owner of these keys (${first.due.owner.source}).`,
    });
    const channel = first.due.record.current.stages[first.due.stage]?.channel ?? 'report-topic';
    let ok = false;
    try {
      if (channel === 'email' && deps.ses && settings.sender) {
        await deps.ses.send(
          new SendEmailCommand({
            FromEmailAddress: settings.sender,
            Destination: { ToAddresses: recipient.split(',') },
            Content: {
              Simple: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: {
                  Text: { Data: message.text, Charset: 'UTF-8' },
                  Html: { Data: message.html, Charset: 'UTF-8' },
                },
              },
            },
          }),
        );
      } else {
        if (!settings.topicArn)
          throw Object.assign(new Error('no report topic to send the notice to'), { name: 'NoTopic' });
        await deps.sns.send(
          new PublishCommand({
            TopicArn: settings.topicArn,
            Subject: message.subject.slice(0, 100),
            Message: JSON.stringify({ default: message.text, email: message.text }),
            MessageStructure: 'json',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'owner-notice' } },
          }),
        );
      }
      ok = true;
      messages += 1;
      for (const { due: d } of entries) {
        const webhook = settings.teamWebhookOf?.(d.userName) ?? null;
        if (webhook)
          teamStages.push({
            ...webhook,
            stage: d.stage,
            userName: d.userName,
            accessKeyId: d.accessKeyId,
            deadline: d.deadline,
            sentTo: recipient === '' ? 'the security team' : recipient.split(',').join(', '),
          });
      }
    } catch (error) {
      fail(
        first.due,
        channel === 'email' ? 'ses:SendEmail' : 'sns:Publish',
        error,
        `The notice to ${recipient === '' ? 'the security team' : recipient} could not be sent`,
      );
    }

    // 3. mark sent (or failed), over the claim's own version
    const at = deps.now().toISOString();
    for (const { due: d, etag } of entries) {
      const stageRecord = d.record.current.stages[d.stage];
      if (!stageRecord) continue;
      const marked: NoticeRecord = {
        ...d.record,
        current: {
          ...d.record.current,
          stages: {
            ...d.record.current.stages,
            [d.stage]: { ...stageRecord, state: ok ? 'sent' : 'failed', sentAt: ok ? at : null },
          },
        },
      };
      try {
        if (etag === null) throw new Error('S3 gave no ETag for the claim');
        await writeRecord(deps.s3, where, marked, etag);
        if (ok)
          sent.push({
            accessKeyId: d.accessKeyId,
            stage: d.stage,
            deadline: d.deadline,
            channel: stageRecord.channel,
            sentAt: at,
          });
      } catch (error) {
        fail(
          d,
          's3:PutObject',
          error,
          `The ${d.stage} of key ${d.accessKeyId} (user ${d.userName}) went out but could not be marked sent in the notice ledger`,
        );
      }
    }
  }
  // 4. the teams' copies: one post per team, of the stages that went out above
  if (teamStages.length > 0) {
    const logger = deps.logger ?? { info: () => undefined, error: () => undefined };
    errors.push(...(await postTeamNotices({ ssm: deps.ssm, logger }, where.accountId, teamStages)));
  }
  return { sent, messages, errors };
}
