/**
 * The critical alert about an AWS Health event the responder did not act on: one it could not read,
 * or one outside its bounds (another account, more keys than a user can hold). Nothing was done, so
 * a person must look; the facts come from the event only as text, never as where to send the alert.
 */
import type { SnsPublish } from '../notify/sns-message.js';
import { criticalAlert } from './alert.js';

/** Why the event was not acted on. */
export type EventNotice =
  | { kind: 'unreadable'; eventId: string | null; problems: string }
  | {
      kind: 'refused';
      eventId: string;
      eventArn: string;
      accountId: string;
      accessKeyIds: readonly string[];
      reason: string;
    };

export interface EventAlertContext {
  runId: string;
  /** The account the responder runs in. */
  responderAccountId: string;
  now: Date;
}

/** Untrusted text from the event, printable and short. */
const printable = (text: string, max: number) => text.replace(/[^\x20-\x7E]/g, '?').slice(0, max);

function subjectOf(notice: EventNotice): string {
  return notice.kind === 'unreadable'
    ? 'key-hygiene CRITICAL: could not read this AWS Health exposed-key event'
    : printable(`key-hygiene CRITICAL: exposed-key event for account ${notice.accountId} not acted on`, 99);
}

function textOf(notice: EventNotice, context: EventAlertContext): string[] {
  const footer = `Run ${context.runId}, rule exposed-key, at ${context.now.toISOString()}, by the responder in account ${context.responderAccountId}.`;
  if (notice.kind === 'unreadable') {
    return [
      `key-hygiene could not read this Health event (EventBridge id ${notice.eventId === null ? 'unknown' : printable(notice.eventId, 100)}): ${printable(notice.problems, 2000)}.`,
      'Nothing was done. An access key may be exposed: find the event in AWS Health (or the responder failure queue) and deactivate the key it names by hand.',
      '',
      footer,
    ];
  }
  return [
    `AWS Health reported access key(s) ${notice.accessKeyIds.join(', ')} of account ${notice.accountId} as exposed in public (AWS_RISK_CREDENTIALS_EXPOSED).`,
    `What key-hygiene did: nothing: ${notice.reason}.`,
    'What to do: check the event in AWS Health of that account, and deactivate each key it names by hand if it is real.',
    '',
    `${footer} AWS Health event ${notice.eventArn} (EventBridge id ${notice.eventId}).`,
  ];
}

/** The alert about the event. */
export function buildEventAlert(notice: EventNotice, context: EventAlertContext): SnsPublish {
  return criticalAlert({
    subject: subjectOf(notice),
    text: textOf(notice, context).join('\n'),
    facts: {
      alert: 'exposed-key-event',
      runId: context.runId,
      responderAccountId: context.responderAccountId,
      at: context.now.toISOString(),
      ...notice,
    },
    accountId: notice.kind === 'refused' ? notice.accountId : context.responderAccountId,
    outcome: notice.kind,
  });
}
