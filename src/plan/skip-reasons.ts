/**
 * Why a key a finding targets is not acted on. Each reason is a phrase a person reading the report
 * understands without the code; the order of the checks decides which reason a key shows.
 */
import type { Settings } from '../config/settings.js';
import { deletionBlocker } from '../evaluate/deletion.js';
import { deactivationOf } from '../evaluate/tags.js';
import type { KeyRef } from '../key-ref.js';
import type { AuditError, RuleId, UserRecord } from '../model.js';
import type { ExemptTagProblem } from './exemptions.js';
import { type SnoozeVerdict, snoozeSkipReason } from './snoozes.js';

/** The reason a report-mode plan gives its planned actions. */
export const REPORT_MODE_REASON = 'report mode: would deactivate';
/** The reason a report-mode plan gives its planned deletions. */
export const REPORT_MODE_DELETE_REASON = 'report mode: would delete';

export const SKIP_REASONS = {
  rootKey: 'the root account is never changed by the auditor; only its owner can delete root keys',
  keyIdUnknown: 'key id unknown: the credential report has no key ids, so the key cannot be addressed',
  selfKey: 'the auditor is signed with this key',
  readError: (codes: readonly string[]) => `an error occurred reading this key: ${codes.join(', ')}`,
  badExemptTag: (problem: ExemptTagProblem) =>
    `${problem.message}; fix or remove the tag (left untouched because the tag shows someone meant to exempt it)`,
} as const;

/** One key a deactivate or delete finding targets, before the cap. */
export interface Candidate {
  action: 'deactivate' | 'delete';
  ruleId: RuleId;
  userName: string;
  key: KeyRef;
}

export interface SkipContext {
  user: UserRecord | undefined;
  /** The read-error codes recorded for the user or this key. */
  errorCodes: readonly string[];
  exemptTagProblem: ExemptTagProblem | undefined;
  /** Why a slot-only key is skipped, or null when the caller resolves it live before applying. */
  unresolvedKeyReason: string | null;
  selfAccessKeyId: string | null;
  settings: Settings;
  now: Date;
  runId: string | null;
  /** The key's snooze (the user's tag, confirmed by the answer record), or null. */
  snooze: SnoozeVerdict | null;
}

/** Why the candidate is not acted on, or null when only the cap can still stop it. */
export function skipReason(candidate: Candidate, ctx: SkipContext): string | null {
  const { key } = candidate;
  // Reasons about the user come before "key id unknown", which only says the report path could
  // not tell the key apart: the operator must learn of the read error or the broken exempt tag.
  if (ctx.user?.isRoot) return SKIP_REASONS.rootKey;
  if (ctx.errorCodes.length > 0) return SKIP_REASONS.readError(ctx.errorCodes);
  if (ctx.exemptTagProblem?.kind === 'invalid') return SKIP_REASONS.badExemptTag(ctx.exemptTagProblem);
  // A slot-only key that gets past this is resolved live and planned again before anything is
  // done; its deactivation tag can only be checked then, by key id.
  if (key.kind === 'slot') return ctx.unresolvedKeyReason;
  if (ctx.selfAccessKeyId !== null && key.accessKeyId === ctx.selfAccessKeyId) return SKIP_REASONS.selfKey;
  if (candidate.action === 'delete') return deletionSkip(ctx, key.accessKeyId);
  // An owner's snooze keeps a key past its threshold until its date; never an exposed key.
  if (ctx.snooze?.kind === 'active' && candidate.ruleId !== 'exposed-key')
    return snoozeSkipReason(ctx.snooze);
  return null;
}

/**
 * Re-checks a deletion against the user's own tags rather than trusting the finding: the tag must
 * name an earlier run, be old enough, and the key must be inactive and unused since.
 */
function deletionSkip(ctx: SkipContext, accessKeyId: string): string | null {
  const key = ctx.user?.keys.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!ctx.user || !key) return 'the key is not in the inventory; not deleted';
  if (ctx.runId === null)
    return 'the run id is unknown, so a same-run deactivation cannot be ruled out; not deleted';
  return deletionBlocker({
    deactivation: deactivationOf(ctx.user.tags, accessKeyId),
    status: key.status,
    lastUsed: key.lastUsed?.date ?? null,
    now: ctx.now,
    deleteAfterDays: ctx.settings.rules.inactiveKeyCleanup.days,
    currentRunId: ctx.runId,
  });
}

/**
 * The read errors that bar acting on a key: the user's own (no key id) and the key's, in the order
 * they were recorded, codes once each. Indexed once, so a run with many errors and many candidates
 * does not scan every error for every candidate.
 */
export function indexErrors(errors: readonly AuditError[]): (userName: string, key: KeyRef) => string[] {
  const byRef = new Map<string, { index: number; code: string }[]>();
  errors.forEach((error, index) => {
    if (error.accessKeyId === null && error.userName === null) return;
    const ref = error.accessKeyId === null ? `user:${error.userName}` : `key:${error.accessKeyId}`;
    const list = byRef.get(ref);
    if (list) list.push({ index, code: error.code });
    else byRef.set(ref, [{ index, code: error.code }]);
  });
  return (userName, key) => {
    const matching = [
      ...(byRef.get(`user:${userName}`) ?? []),
      ...(key.kind === 'id' ? (byRef.get(`key:${key.accessKeyId}`) ?? []) : []),
    ].sort((a, b) => a.index - b.index);
    return [...new Set(matching.map((entry) => entry.code))];
  };
}
