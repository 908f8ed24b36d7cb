/** How every format words a key's notice and snooze, so text, HTML, Slack and Security Hub agree. */
import type { KeyNotice, KeySnooze } from '../model.js';

/** "sent 2026-11-20 by email", "sent 2026-11-20 to the report topic", or "not sent yet". */
export function noticeSent(notice: KeyNotice): string {
  if (!notice.sentAt) return 'not sent yet';
  return `sent ${notice.sentAt.slice(0, 10)}${notice.channel === 'report-topic' ? ' to the report topic' : ' by email'}`;
}

/** "Notice: sent 2026-11-20 by email; deadline 2026-11-27 (tonight: final reminder)." */
export function noticeText(notice: KeyNotice): string {
  const deadline = notice.deadline ? `; deadline ${notice.deadline}` : '';
  const tonight = notice.tonight ? ` (tonight: ${notice.tonight.replace('-', ' ')})` : '';
  return `Notice: ${noticeSent(notice)}${deadline}${tonight}.`;
}

/** "Snoozed until 2026-12-31 by ana@example.com (answered 2026-12-01): quarterly export." */
export function snoozeText(snooze: KeySnooze): string {
  const why = snooze.reason ? `: ${snooze.reason}` : '';
  return `Snoozed until ${snooze.until} by ${snooze.who ?? 'its owner'} (answered ${snooze.answeredAt.slice(0, 10)})${why}.`;
}
