/**
 * Which stage each key's owner is due tonight, and the ledger record that claims it. Pure.
 * - an unused key (past its threshold, or in the warning window) without an open notice: `notice`,
 *   deadline the day it crosses the threshold, or `noticeDays` from now if later;
 * - its notice claimed and never sent (failed, or a claim older than a Lambda can run): `notice`
 *   again, with a deadline `noticeDays` from now if the old one came too soon;
 * - its notice sent on an earlier day and the deadline tomorrow: `final-reminder`;
 * - deactivated by this run: `action`, and the cycle is closed.
 * A key used after its notice gets its cycle closed (`used-after-notice`) and, when still flagged,
 * a fresh one.
 */
import type { KeyOwner } from '../model.js';
import { MS_PER_DAY, parseIsoDate, toIsoDate } from '../time.js';
import { deadlineFrom, usedAfterNotice } from './notice-gate.js';
import type { LedgerEntry, NoticeCycle, NoticeRecord, NoticeStage, StageRecord } from './notice-record.js';

/** A claim younger than this may belong to a run still sending it (a Lambda runs at most 15 minutes). */
export const CLAIM_HELD_MS = 15 * 60_000;

/** A key flagged by unused-key tonight. */
export interface FlaggedKey {
  userName: string;
  accessKeyId: string;
  owner: KeyOwner;
  /** Last use, or creation when never used: where the unused days count from. */
  idleSince: Date | null;
  lastUse: Date | null;
}

/** A key this run deactivated. */
export interface ActedKey {
  userName: string;
  accessKeyId: string;
  ruleId: string;
  owner: KeyOwner;
  lastUse: Date | null;
}

/** One stage to claim tonight: the record to write (state `sending`) over the version read. */
export interface DueStage {
  stage: NoticeStage;
  userName: string;
  accessKeyId: string;
  owner: KeyOwner;
  deadline: string;
  record: NoticeRecord;
  /** The ETag the claim must match; null: the record is new (If-None-Match: *). */
  etag: string | null;
}

export interface DueInput {
  accountId: string;
  runId: string;
  now: Date;
  noticeDays: number;
  unusedKeyDays: number;
  /** How the message will go: `email` when a sender is set and the owner has an address. */
  channelFor: (owner: KeyOwner) => StageRecord['channel'];
  flagged: readonly FlaggedKey[];
  acted: readonly ActedKey[];
  entries: ReadonlyMap<string, LedgerEntry>;
  /** Keys whose record could not be read: nothing is claimed for them (a claim could overwrite it). */
  unreadable: ReadonlySet<string>;
}

const laterDate = (a: string, b: string) => (a > b ? a : b);

/** Whether a stage still has to go: never claimed, refused, or claimed by a run that cannot still be sending. */
function open(stage: StageRecord | undefined, now: Date): boolean {
  if (!stage) return true;
  if (stage.state === 'sent') return false;
  if (stage.state === 'failed') return true;
  return now.getTime() - Date.parse(stage.claimedAt) >= CLAIM_HELD_MS;
}

export function dueNotices(input: DueInput): DueStage[] {
  const { now, runId, noticeDays } = input;
  const today = toIsoDate(now);
  const claim = (owner: KeyOwner, deadline: string): StageRecord => ({
    state: 'sending',
    runId,
    claimedAt: now.toISOString(),
    sentAt: null,
    deadline,
    channel: input.channelFor(owner),
  });
  const recordOf = (
    key: { userName: string; accessKeyId: string; owner: KeyOwner },
    current: NoticeCycle,
    earlier: readonly NoticeCycle[],
  ): NoticeRecord => ({
    recordVersion: 1,
    accountId: input.accountId,
    accessKeyId: key.accessKeyId,
    userName: key.userName,
    owner: { emails: key.owner.emails, source: key.owner.source, unowned: key.owner.unowned },
    current,
    earlier: [...earlier],
  });
  const due: DueStage[] = [];
  const actedIds = new Set(input.acted.map((k) => k.accessKeyId));

  for (const key of input.flagged) {
    if (actedIds.has(key.accessKeyId) || input.unreadable.has(key.accessKeyId)) continue;
    const entry = input.entries.get(key.accessKeyId);
    const etag = entry?.etag ?? null;
    const cycle = entry?.record.current ?? null;
    let earlier = entry?.record.earlier ?? [];
    let current = cycle;
    if (current && current.closed === null && usedAfterNotice(current, key.lastUse)) {
      earlier = [...earlier, { ...current, closed: { at: now.toISOString(), reason: 'used-after-notice' } }];
      current = null;
    } else if (current && current.closed !== null) {
      earlier = [...earlier, current];
      current = null;
    }
    if (current === null) {
      const crossing =
        key.idleSince === null
          ? today
          : toIsoDate(new Date(key.idleSince.getTime() + input.unusedKeyDays * MS_PER_DAY));
      const deadline = laterDate(crossing, deadlineFrom(now, noticeDays));
      const fresh: NoticeCycle = {
        openedAt: now.toISOString(),
        deadline,
        ruleId: 'unused-key',
        stages: { notice: claim(key.owner, deadline) },
        closed: null,
      };
      due.push({ stage: 'notice', ...key, deadline, record: recordOf(key, fresh, earlier), etag });
      continue;
    }
    const notice = current.stages.notice;
    if (notice?.state !== 'sent') {
      if (!open(notice, now)) continue;
      // Only a sent notice counts: the deadline is at least noticeDays after the one that goes now.
      const deadline = laterDate(current.deadline, deadlineFrom(now, noticeDays));
      const next = {
        ...current,
        deadline,
        stages: { ...current.stages, notice: claim(key.owner, deadline) },
      };
      due.push({ stage: 'notice', ...key, deadline, record: recordOf(key, next, earlier), etag });
      continue;
    }
    const reminderDay = toIsoDate(new Date((parseIsoDate(current.deadline) as Date).getTime() - MS_PER_DAY));
    const sentDay = (notice.sentAt ?? notice.claimedAt).slice(0, 10);
    if (today === reminderDay && sentDay < today && open(current.stages['final-reminder'], now)) {
      const next = {
        ...current,
        stages: { ...current.stages, 'final-reminder': claim(key.owner, current.deadline) },
      };
      due.push({
        stage: 'final-reminder',
        ...key,
        deadline: current.deadline,
        record: recordOf(key, next, earlier),
        etag,
      });
    }
  }

  for (const key of input.acted) {
    if (input.unreadable.has(key.accessKeyId)) continue;
    const entry = input.entries.get(key.accessKeyId);
    const current = entry?.record.current;
    if (current && current.closed !== null && current.closed.reason === 'acted-on') continue;
    const base: NoticeCycle =
      current && current.closed === null
        ? current
        : { openedAt: now.toISOString(), deadline: today, ruleId: key.ruleId, stages: {}, closed: null };
    if (!open(base.stages.action, now)) continue;
    const earlier =
      current && current.closed !== null
        ? [...(entry?.record.earlier ?? []), current]
        : (entry?.record.earlier ?? []);
    const next: NoticeCycle = {
      ...base,
      stages: { ...base.stages, action: claim(key.owner, base.deadline) },
      closed: { at: now.toISOString(), reason: 'acted-on' },
    };
    due.push({
      stage: 'action',
      userName: key.userName,
      accessKeyId: key.accessKeyId,
      owner: key.owner,
      deadline: base.deadline,
      record: recordOf(key, next, earlier),
      etag: entry?.etag ?? null,
    });
  }
  return due;
}
