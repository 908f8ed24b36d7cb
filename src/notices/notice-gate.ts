/**
 * No deactivation without notice: the gate between plan and apply. Pure; the pipeline hands it the
 * ledger's facts. An unused key planned for deactivation stays planned only when its owner was SENT
 * a notice naming it and a deadline at least `noticeDays` days before, the deadline has come, and
 * the key was not used since that notice; every other one is skipped with the reason. A claim that
 * was never marked sent counts for nothing: duplicates are possible after a crash, deactivation
 * without notice is not. The exposed-key rule is not gated (its owner is told at the same time).
 */
import type { PlannedAction } from '../model.js';
import { daysBetween, MS_PER_DAY, parseIsoDate, toIsoDate } from '../time.js';
import type { NoticeCycle } from './notice-record.js';
import type { LedgerRead } from './read-ledger.js';

/** The rules whose deactivations wait for a notice. */
export const NOTICED_RULES: readonly string[] = ['unused-key'];

export interface GateInput {
  /** The ledger as read before apply; null when there is none (no report bucket or no S3 client). */
  ledger: LedgerRead | null;
  /** Why there is no ledger, when `ledger` is null. */
  noLedgerReason: string;
  /** The key's last use as the run saw it, or null (never used, or unknown). */
  lastUseOf: (accessKeyId: string) => Date | null;
  now: Date;
  noticeDays: number;
}

/** The deadline of a notice sent `now`: `noticeDays` whole days later (YYYY-MM-DD, UTC). */
export const deadlineFrom = (now: Date, noticeDays: number): string =>
  toIsoDate(new Date(now.getTime() + noticeDays * MS_PER_DAY));

/** Whether the key was used after the cycle's notice went out (then the notice no longer holds). */
export function usedAfterNotice(cycle: NoticeCycle, lastUse: Date | null): boolean {
  const sentAt = cycle.stages.notice?.sentAt;
  return (
    lastUse !== null && sentAt !== undefined && sentAt !== null && lastUse.getTime() > Date.parse(sentAt)
  );
}

/** Why this key may not be deactivated yet, or null when its notice allows it. */
export function noticeBlocker(
  cycle: NoticeCycle | null,
  lastUse: Date | null,
  input: GateInput,
): string | null {
  const { now, noticeDays } = input;
  const today = toIsoDate(now);
  if (cycle === null || cycle.closed !== null) {
    return `owner notified ${today} (tonight's notice); deadline ${deadlineFrom(now, noticeDays)}: not deactivated before then`;
  }
  const notice = cycle.stages.notice;
  if (notice?.state !== 'sent' || notice.sentAt === null) {
    const when = notice ? ` of ${notice.claimedAt.slice(0, 10)}` : '';
    return `the notice${when} was not sent (its send failed or never finished): sent again tonight, and not deactivated before its new deadline`;
  }
  if (usedAfterNotice(cycle, lastUse)) {
    return `used after its notice of ${notice.sentAt.slice(0, 10)}: kept, and the notice is closed`;
  }
  const sentDay = parseIsoDate(notice.sentAt.slice(0, 10)) as Date;
  const deadline = parseIsoDate(cycle.deadline) as Date;
  const todayStart = parseIsoDate(today) as Date;
  if (daysBetween(sentDay, todayStart) < noticeDays || todayStart.getTime() < deadline.getTime()) {
    return `owner notified ${notice.sentAt.slice(0, 10)}; deadline ${cycle.deadline}: not deactivated before then`;
  }
  return null;
}

/** The planned actions with every unused-key deactivation the notices do not allow skipped. */
export function gateOnNotices(actions: readonly PlannedAction[], input: GateInput): PlannedAction[] {
  return actions.map((action) => {
    if (
      action.status !== 'planned' ||
      action.action !== 'deactivate' ||
      !NOTICED_RULES.includes(action.ruleId)
    )
      return action;
    const skip = (reason: string): PlannedAction => ({ ...action, status: 'skipped', reason });
    if (action.key.kind !== 'id')
      return skip('key id unknown: a notice names a key id, so none could be sent');
    const { ledger } = input;
    if (ledger === null)
      return skip(
        `no notice ledger (${input.noLedgerReason}): a key is deactivated only after a recorded notice`,
      );
    if (ledger.failed !== null) return skip(`${ledger.failed}: not deactivated without a recorded notice`);
    const unreadable = ledger.unreadable.get(action.key.accessKeyId);
    if (unreadable !== undefined)
      return skip(
        `its notice record could not be read (${unreadable}): not deactivated without a recorded notice`,
      );
    const cycle = ledger.entries.get(action.key.accessKeyId)?.record.current ?? null;
    const blocker = noticeBlocker(cycle, input.lastUseOf(action.key.accessKeyId), input);
    return blocker === null ? action : skip(blocker);
  });
}
