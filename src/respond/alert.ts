/**
 * The critical alert the exposed-key responder publishes to the report topic: one per key, with
 * message attributes a pager subscription filters on (`severity = critical`, `rule = exposed-key`).
 * Email gets the text; queues, functions and HTTPS endpoints get the same facts as JSON.
 */
import type { SnsMessageAttribute, SnsPublish } from '../notify/sns-message.js';
import type { TrailSummary } from './trail-summary.js';

/** What happened to one key the AWS Health event named. */
export const RESPONSE_OUTCOMES = [
  'deactivated',
  'already-inactive',
  'notified',
  'exempt',
  'self-key',
  'unknown-key',
  'failed',
  'duplicate',
  'refused',
  'concurrent',
] as const;
export type ResponseOutcome = (typeof RESPONSE_OUTCOMES)[number];

/** The responder's account of one key. */
export interface KeyResponse {
  accessKeyId: string;
  /** The key's owner (GetAccessKeyLastUsed); null for a key not in this account. */
  userName: string | null;
  outcome: ResponseOutcome;
  /** One sentence: what was done, or why not. */
  detail: string;
  /** The quarantine policies AWS attached to the user, by name. */
  quarantinePolicies: string[];
  activity: TrailSummary | null;
  /** The alert's SNS message id (the event's one alert when refused); null when none was sent (a duplicate). */
  messageId: string | null;
}

export interface AlertContext {
  runId: string;
  accountId: string;
  eventId: string;
  eventArn: string;
  now: Date;
}

const SUBJECT_VERB: Record<ResponseOutcome, string> = {
  deactivated: 'deactivated',
  'already-inactive': 'already inactive',
  notified: 'still active: deactivate it',
  exempt: 'exempt, deactivate by hand',
  'self-key': 'deactivate by hand',
  'unknown-key': 'not found in this account',
  failed: 'NOT deactivated: act by hand',
  duplicate: 'already handled',
  refused: 'not acted on',
  concurrent: 'being deactivated by another run',
};

const tallyText = (entries: readonly { value: string; count: number }[]): string =>
  entries.length === 0 ? 'none' : entries.map((e) => `${e.value} (${e.count})`).join(', ');

function activityLines(activity: TrailSummary | null): string[] {
  if (!activity) return ['Recent activity: not read (the key is not in this account).'];
  const window = `${activity.from.toISOString()} to ${activity.to.toISOString()}`;
  if (activity.error)
    return [`Recent activity (CloudTrail, ${window}): could not be read: ${activity.error}.`];
  return [
    `Recent activity (CloudTrail LookupEvents in this region, ${window}): ${activity.events}${activity.truncated ? '+' : ''} API calls.`,
    `  Top actions: ${tallyText(activity.topActions)}`,
    `  Event sources: ${tallyText(activity.eventSources)}`,
    `  Source IP addresses: ${tallyText(activity.sourceIps)}`,
  ];
}

function nextSteps(response: KeyResponse): string[] {
  const detach =
    response.quarantinePolicies.length > 0
      ? `detach ${response.quarantinePolicies.join(' and ')} from ${response.userName}`
      : 'detach the AWSCompromisedKeyQuarantine policy AWS attached, if any';
  const active = ['notified', 'exempt', 'self-key', 'failed'].includes(response.outcome);
  return [
    'What to do:',
    ...(active
      ? [
          `  1. Deactivate ${response.accessKeyId} now (IAM console, or aws iam update-access-key --status Inactive).`,
        ]
      : []),
    `  ${active ? 2 : 1}. Review the activity below and in CloudTrail for anything the key created or changed.`,
    `  ${active ? 3 : 2}. Rotate: create a new key, move the workloads to it, delete ${response.accessKeyId}.`,
    `  ${active ? 4 : 3}. Then ${detach}, and remove the key from wherever it was published.`,
  ];
}

/** The Subject: printable ASCII, at most 99 characters. */
export function alertSubject(response: KeyResponse): string {
  const owner = response.userName ? ` of ${response.userName}` : '';
  const subject = `key-hygiene CRITICAL: exposed key ${response.accessKeyId}${owner} ${SUBJECT_VERB[response.outcome]}`;
  return subject.replace(/[^\x20-\x7E]/g, '?').slice(0, 99);
}

/** The email text. */
export function alertText(response: KeyResponse, context: AlertContext): string {
  const owner = response.userName ? `${response.userName}` : 'unknown (not a key of this account)';
  return [
    `AWS Health reported access key ${response.accessKeyId} as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).`,
    `Account: ${context.accountId}. Owner: ${owner}.`,
    `What key-hygiene did: ${response.detail}`,
    ...(response.quarantinePolicies.length > 0
      ? [`AWS attached ${response.quarantinePolicies.join(', ')} to the user to limit what the key can do.`]
      : []),
    '',
    ...nextSteps(response),
    '',
    ...activityLines(response.activity),
    '',
    `Run ${context.runId}, rule exposed-key, at ${context.now.toISOString()}. AWS Health event ${context.eventArn} (EventBridge id ${context.eventId}).`,
  ].join('\n');
}

/**
 * A critical exposed-key Publish: the subject, the text for email, the same facts as JSON for
 * queues, functions and HTTPS, and the attributes a pager filters on.
 */
export function criticalAlert(alert: {
  subject: string;
  text: string;
  facts: Record<string, unknown>;
  accountId: string;
  outcome: string;
}): SnsPublish {
  const attribute = (value: string): SnsMessageAttribute => ({ DataType: 'String', StringValue: value });
  const json = JSON.stringify({ severity: 'critical', ...alert.facts });
  return {
    subject: alert.subject,
    message: JSON.stringify({
      default: alert.subject,
      email: alert.text,
      sqs: json,
      lambda: json,
      https: json,
      http: json,
    }),
    messageStructure: 'json',
    messageAttributes: {
      severity: attribute('critical'),
      rule: attribute('exposed-key'),
      accountId: attribute(alert.accountId),
      outcome: attribute(alert.outcome),
    },
  };
}

/** The alert about one key. */
export function buildAlert(response: KeyResponse, context: AlertContext): SnsPublish {
  return criticalAlert({
    subject: alertSubject(response),
    text: alertText(response, context),
    facts: {
      kind: 'exposed-key',
      runId: context.runId,
      accountId: context.accountId,
      eventArn: context.eventArn,
      eventId: context.eventId,
      at: context.now.toISOString(),
      ...response,
    },
    accountId: context.accountId,
    outcome: response.outcome,
  });
}
