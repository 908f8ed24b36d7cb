/**
 * The remediation plan: which keys would be deactivated, which would not and why. Pure (no AWS, no
 * clock), and the same in both modes, so a report-mode run shows exactly what enforce would do;
 * only the caller decides whether `apply()` runs.
 */

import { deactivationTagKey } from '../apply/apply.js';
import type { Settings } from '../config/settings.js';
import { deletionBlocker } from '../evaluate/deletion.js';
import { compareFindings } from '../evaluate/registry.js';
import { deactivationOf } from '../evaluate/tags.js';
import {
  type ActionOutcome,
  type AuditError,
  type ExemptEntry,
  type Finding,
  RULE_IDS,
  type RuleId,
  SEVERITY_ORDER,
  type UserRecord,
} from '../model.js';
import { type Exemption, type ExemptTagProblem, exemptionFor, exemptTagProblem } from './exemptions.js';

export interface PlanInput {
  users: readonly UserRecord[];
  findings: readonly Finding[];
  errors: readonly AuditError[];
  settings: Settings;
  /** The evaluation time (for dated exemptions). */
  now: Date;
  /** The access key the auditor signs with; never deactivated. */
  selfAccessKeyId: string | null;
  /** The run planning; a key this run's id deactivated is never deleted by it. */
  runId?: string | null;
  /**
   * Why a key known only by its credential-report slot is skipped, or null to plan it (the caller
   * then resolves the user live and plans again before anything is applied). Default: always
   * skipped, with `SKIP_REASONS.keyIdUnknown`.
   */
  unresolvedKeyReason?: (userName: string) => string | null;
}

export interface Plan {
  /** Findings on non-exempt users, plus safeguard findings (e.g. `blast-radius-cap`), sorted. */
  findings: Finding[];
  /** One per key a deactivate finding targets: `planned`, or `skipped` with the reason. */
  actions: ActionOutcome[];
  /** Every key of every exempt user, with the rules that would have raised a finding on it. */
  exempt: ExemptEntry[];
}

/** The reason a report-mode plan gives its planned actions. */
export const REPORT_MODE_REASON = 'report mode: would deactivate';
/** The reason a report-mode plan gives its planned deletions. */
export const REPORT_MODE_DELETE_REASON = 'report mode: would delete';

/** The skip reasons, each a phrase a person reading the report understands without the code. */
export const SKIP_REASONS = {
  rootKey: 'the root account is never changed by the auditor; only its owner can delete root keys',
  keyIdUnknown: 'key id unknown: the credential report has no key ids, so the key cannot be addressed',
  selfKey: 'the auditor is signed with this key',
  readError: (codes: readonly string[]) => `an error occurred reading this key: ${codes.join(', ')}`,
  badExemptTag: (problem: ExemptTagProblem) =>
    `${problem.message}; fix or remove the tag (left untouched because the tag shows someone meant to exempt it)`,
  cap: (cap: CapVerdict) =>
    `blast-radius cap: ${cap.count} ${cap.deletions > 0 ? 'deactivations and deletions' : 'deactivations'} planned, more than the cap of ${cap.limit} (${cap.source}); none applied`,
} as const;

interface CapVerdict {
  count: number;
  /** How many of `count` are deletions (the cap counts both). */
  deletions: number;
  limit: number;
  /** Which setting set the limit, in words. */
  source: string;
  /** The variable to raise. */
  setting: 'MAX_ACTIONS_PER_RUN' | 'MAX_ACTIONS_PERCENT';
}

/** How an action names a key known only by its credential-report slot: `(slot 1)`. */
export function slotKeyName(slot: 1 | 2 | null): string {
  return `(slot ${slot ?? '?'})`;
}

/**
 * The slot an action's key name stands for, or null for a real key id.
 *
 * @example
 * slotOfKeyName('(slot 2)'); // 2
 */
export function slotOfKeyName(accessKeyId: string): 1 | 2 | null {
  return accessKeyId === slotKeyName(1) ? 1 : accessKeyId === slotKeyName(2) ? 2 : null;
}

const isRuleId = (id: string): id is RuleId => (RULE_IDS as readonly string[]).includes(id);

/** Identifies a key within the run: by id, or by user and credential-report slot when the id is unknown. */
function keyRef(userName: string, accessKeyId: string | null, slot: 1 | 2 | null): string {
  return accessKeyId ? `id:${accessKeyId}` : `user:${userName}\u0000slot:${slot ?? '-'}`;
}

/**
 * The run's cap: `maxActionsPerRun`, or `maxActionsPercent` of the audited active non-root keys
 * (rounded down) when that is lower. Counted over the keys this run collected, so a targeted audit's
 * percentage is of the named users' keys.
 */
function capLimit(users: readonly UserRecord[], settings: Settings): Omit<CapVerdict, 'count' | 'deletions'> {
  const perRun = {
    limit: settings.maxActionsPerRun,
    source: 'MAX_ACTIONS_PER_RUN',
    setting: 'MAX_ACTIONS_PER_RUN',
  } as const;
  if (settings.maxActionsPercent === null) return perRun;
  const activeKeys = users
    .filter((user) => !user.isRoot)
    .reduce((count, user) => count + user.keys.filter((key) => key.status === 'Active').length, 0);
  const byPercent = Math.floor((activeKeys * settings.maxActionsPercent) / 100);
  if (byPercent >= settings.maxActionsPerRun) return perRun;
  return {
    limit: byPercent,
    source: `MAX_ACTIONS_PERCENT ${settings.maxActionsPercent}% of ${activeKeys} active keys`,
    setting: 'MAX_ACTIONS_PERCENT',
  };
}

function capFinding(cap: CapVerdict, mode: Settings['mode']): Finding {
  const what = cap.deletions > 0 ? 'deactivation or deletion' : 'deactivation';
  const done = cap.deletions > 0 ? 'deactivated or deleted' : 'deactivated';
  const verb = cap.deletions > 0 ? 'act on' : 'deactivate';
  const outcome = mode === 'enforce' ? `none was ${done}` : `enforce mode would ${verb} none of them`;
  return {
    ruleId: 'blast-radius-cap',
    severity: 'critical',
    userName: null,
    userArn: null,
    accessKeyId: null,
    slot: null,
    keyStatus: null,
    keyCreateDate: null,
    keyAgeDays: null,
    daysSinceLastUse: null,
    lastUsedService: null,
    lastUsedRegion: null,
    controls: [],
    message: `${cap.count} keys are due for ${what}, more than the blast-radius cap of ${cap.limit} per run (${cap.source}), so ${outcome}; check the thresholds against the findings below, then raise ${cap.setting} or deactivate the keys by hand.`,
    action: 'notify',
  };
}

/**
 * Active keys whose user carries this tool's deactivation record, and that this run will not
 * deactivate. The record is written just before UpdateAccessKey, so an earlier run was interrupted
 * or failed between the two (or someone reactivated the key by hand) and the key is not, or no
 * longer, due. The record must not go on claiming a deactivation: the operator removes it.
 */
function unfinishedDeactivations(users: readonly UserRecord[], actions: readonly ActionOutcome[]): Finding[] {
  const planned = new Set(actions.filter((a) => a.status === 'planned').map((a) => a.accessKeyId));
  const findings: Finding[] = [];
  for (const user of users) {
    if (user.isRoot) continue;
    for (const key of user.keys) {
      if (key.status !== 'Active' || key.accessKeyId === null || planned.has(key.accessKeyId)) continue;
      const tag = deactivationTagKey(key.accessKeyId);
      const record = user.tags[tag];
      if (record === undefined) continue;
      findings.push({
        ruleId: 'unfinished-deactivation',
        severity: 'low',
        userName: user.userName,
        userArn: user.arn,
        accessKeyId: key.accessKeyId,
        slot: key.slot,
        keyStatus: key.status,
        keyCreateDate: key.createDate?.toISOString() ?? null,
        keyAgeDays: null,
        daysSinceLastUse: null,
        lastUsedService: key.lastUsed?.service ?? null,
        lastUsedRegion: key.lastUsed?.region ?? null,
        controls: [],
        message: `${user.userName} carries the tag ${tag} (${JSON.stringify(record)}) but key ${key.accessKeyId} is active: an earlier run recorded the deactivation and stopped before it (interrupted, or UpdateAccessKey failed), or the key was reactivated by hand; this run does not deactivate it, so remove the tag if the key is to stay active.`,
        action: 'notify',
      });
    }
  }
  return findings;
}

/** The rule an action is attributed to when several deactivate findings target one key. */
function strongest(findings: readonly Finding[]): Finding | undefined {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      RULE_IDS.indexOf(a.ruleId as RuleId) - RULE_IDS.indexOf(b.ruleId as RuleId),
  )[0];
}

function exemptEntries(
  users: readonly UserRecord[],
  findings: readonly Finding[],
  exemptions: ReadonlyMap<string, Exemption>,
): ExemptEntry[] {
  const entries: ExemptEntry[] = [];
  // Grouped once: filtering every finding per exempt user is quadratic on a 50,000-user account.
  const byUser = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.userName === null || !exemptions.has(finding.userName)) continue;
    const group = byUser.get(finding.userName);
    if (group) group.push(finding);
    else byUser.set(finding.userName, [finding]);
  }
  for (const user of users) {
    const exemption = exemptions.get(user.userName);
    if (!exemption) continue;
    const own = byUser.get(user.userName) ?? [];
    const claimed = new Set<Finding>();
    const entry = (accessKeyId: string | null, matching: readonly Finding[]): ExemptEntry => {
      for (const finding of matching) claimed.add(finding);
      const rules = new Set(matching.map((finding) => finding.ruleId).filter(isRuleId));
      return {
        userName: user.userName,
        accessKeyId,
        ...exemption,
        suppressedRules: RULE_IDS.filter((id) => rules.has(id)),
      };
    };
    for (const key of user.keys) {
      const ref = keyRef(user.userName, key.accessKeyId, key.slot);
      entries.push(
        entry(
          key.accessKeyId,
          own.filter((finding) => keyRef(user.userName, finding.accessKeyId, finding.slot) === ref),
        ),
      );
    }
    // A finding that matches none of the recorded keys still must not vanish silently.
    const unclaimed = own.filter((finding) => !claimed.has(finding));
    if (unclaimed.length > 0) entries.push(entry(null, unclaimed));
  }
  return entries;
}

function withTagNote(finding: Finding, problems: ReadonlyMap<string, ExemptTagProblem>): Finding {
  const problem = finding.userName === null ? undefined : problems.get(finding.userName);
  return problem ? { ...finding, message: `${finding.message} Note: ${problem.message}.` } : finding;
}

/**
 * Re-checks a deletion against the user's own tags rather than trusting the finding: the tag must
 * name an earlier run, be old enough, and the key must be inactive and unused since.
 */
function deletionSkip(
  user: UserRecord | undefined,
  accessKeyId: string | null,
  settings: Settings,
  now: Date,
  runId: string | null,
): string | null {
  const key = user?.keys.find((candidate) => accessKeyId !== null && candidate.accessKeyId === accessKeyId);
  if (!user || !key || accessKeyId === null) return 'the key is not in the inventory; not deleted';
  if (runId === null)
    return 'the run id is unknown, so a same-run deactivation cannot be ruled out; not deleted';
  return deletionBlocker({
    deactivation: deactivationOf(user.tags, accessKeyId),
    status: key.status,
    lastUsed: key.lastUsed?.date ?? null,
    now,
    deleteAfterDays: settings.rules.inactiveKeyCleanup.days,
    currentRunId: runId,
  });
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Actions in the order the report lists them; code-unit order so every machine agrees. */
function byUserThenKey(a: ActionOutcome, b: ActionOutcome): number {
  return compareText(a.userName, b.userName) || compareText(a.accessKeyId, b.accessKeyId);
}

/**
 * The read errors that bar acting on a key: the user's own (no key id) and the key's, in the order
 * they were recorded, codes once each. Indexed once, so a run with many errors and many candidates
 * does not scan every error for every candidate.
 */
function indexErrors(
  errors: readonly AuditError[],
): (userName: string, accessKeyId: string | null) => string[] {
  const byRef = new Map<string, { index: number; code: string }[]>();
  errors.forEach((error, index) => {
    if (error.accessKeyId === null && error.userName === null) return;
    const ref = error.accessKeyId === null ? `user:${error.userName}` : `key:${error.accessKeyId}`;
    const list = byRef.get(ref);
    if (list) list.push({ index, code: error.code });
    else byRef.set(ref, [{ index, code: error.code }]);
  });
  return (userName, accessKeyId) => {
    const matching = [
      ...(byRef.get(`user:${userName}`) ?? []),
      ...(accessKeyId === null ? [] : (byRef.get(`key:${accessKeyId}`) ?? [])),
    ].sort((a, b) => a.index - b.index);
    return [...new Set(matching.map((entry) => entry.code))];
  };
}

interface Candidate {
  action: 'deactivate' | 'delete';
  ruleId: RuleId;
  userName: string;
  accessKeyId: string | null;
  slot: 1 | 2 | null;
  skipReason: string | null;
}

/**
 * Applies every safeguard to the findings and returns what to report and what to do:
 *
 * - exempt users' findings move to `exempt` (with the rules they suppressed) and get no action;
 * - one action per key that any deactivate finding targets; inactive keys get none (idempotent);
 * - one `delete` action per inactive key a `delete` finding (inactive-key-cleanup) targets, skipped
 *   unless the user's tags show key-hygiene deactivated it in an earlier run (`runId`) at least
 *   CLEANUP_DAYS ago and it was not used since (`deletionBlocker`); never a key this run deactivated;
 * - skipped, with the reason: the root account, a key without an id (credential report only), the
 *   key the auditor is signed with, a key (or user) with an inventory error, a user whose
 *   `key-hygiene:exempt` tag is unreadable (it also gets a note on its findings; an expired tag only
 *   gets the note, since an end date was clearly meant to end the exemption);
 * - blast-radius cap: when the remaining deactivations and deletions together exceed `maxActionsPerRun` (or
 *   `maxActionsPercent` of the active keys), all of them are skipped and a critical
 *   `blast-radius-cap` finding says what to do;
 * - otherwise `planned`; in report mode with the reason `report mode: would deactivate` (or delete).
 *
 * The cap and every skip apply in report mode too: the report must show what enforce would do.
 *
 * @example
 * const { findings, actions, exempt } = plan({ users, findings, errors, settings, now, selfAccessKeyId, runId });
 */
export function plan(input: PlanInput): Plan {
  const { users, findings, errors, settings, now, selfAccessKeyId } = input;
  const runId = input.runId ?? null;
  const unresolvedKeyReason = input.unresolvedKeyReason ?? (() => SKIP_REASONS.keyIdUnknown);
  const usersByName = new Map(users.map((user) => [user.userName, user]));
  const exemptions = new Map<string, Exemption>();
  const tagProblems = new Map<string, ExemptTagProblem>();
  for (const user of users) {
    const exemption = exemptionFor(user, settings, now);
    const problem = exemption ? null : exemptTagProblem(user, now);
    if (exemption) exemptions.set(user.userName, exemption);
    if (problem) tagProblems.set(user.userName, problem);
  }

  const kept = findings
    .filter((finding) => finding.userName === null || !exemptions.has(finding.userName))
    .map((finding) => withTagNote(finding, tagProblems));

  const byKey = new Map<string, Finding[]>();
  const deletions = new Map<string, Finding>();
  for (const finding of kept) {
    if (finding.action === 'delete' && finding.userName !== null && finding.keyStatus === 'Inactive') {
      deletions.set(keyRef(finding.userName, finding.accessKeyId, finding.slot), finding);
      continue;
    }
    if (finding.action !== 'deactivate' || finding.userName === null || !isRuleId(finding.ruleId)) continue;
    if (finding.keyStatus !== 'Active') continue;
    const user = usersByName.get(finding.userName);
    const recorded = user?.keys.find(
      (key) => finding.accessKeyId !== null && key.accessKeyId === finding.accessKeyId,
    );
    if (recorded && recorded.status !== 'Active') continue;
    const ref = keyRef(finding.userName, finding.accessKeyId, finding.slot);
    byKey.set(ref, [...(byKey.get(ref) ?? []), finding]);
  }

  const errorCodes = indexErrors(errors);
  const targets: Array<{ action: Candidate['action']; finding: Finding | undefined }> = [
    ...[...byKey.values()].map((group) => ({ action: 'deactivate' as const, finding: strongest(group) })),
    ...[...deletions.values()].map((finding) => ({ action: 'delete' as const, finding })),
  ];
  const candidates: Candidate[] = [];
  for (const { action, finding } of targets) {
    if (!finding || finding.userName === null || !isRuleId(finding.ruleId)) continue;
    const { userName, accessKeyId, slot } = finding;
    const user = usersByName.get(userName);
    const codes = errorCodes(userName, accessKeyId);
    const problem = tagProblems.get(userName);
    let skipReason: string | null = null;
    // Reasons about the user come before "key id unknown", which only says the report path could
    // not tell the key apart: the operator must learn of the read error or the broken exempt tag.
    if (user?.isRoot) skipReason = SKIP_REASONS.rootKey;
    else if (codes.length > 0) skipReason = SKIP_REASONS.readError(codes);
    else if (problem?.kind === 'invalid') skipReason = SKIP_REASONS.badExemptTag(problem);
    else if (accessKeyId === null && unresolvedKeyReason(userName) !== null)
      skipReason = unresolvedKeyReason(userName);
    else if (selfAccessKeyId !== null && accessKeyId === selfAccessKeyId) skipReason = SKIP_REASONS.selfKey;
    // A slot-only key that got this far is resolved live and planned again before anything is
    // deleted; its tag can only be checked then, by key id.
    else if (action === 'delete' && accessKeyId !== null)
      skipReason = deletionSkip(user, accessKeyId, settings, now, runId);
    candidates.push({ action, ruleId: finding.ruleId, userName, accessKeyId, slot, skipReason });
  }

  const eligible = candidates.filter((candidate) => candidate.skipReason === null);
  const limit = capLimit(users, settings);
  const cap: CapVerdict | null =
    eligible.length > limit.limit
      ? {
          ...limit,
          count: eligible.length,
          deletions: eligible.filter((candidate) => candidate.action === 'delete').length,
        }
      : null;

  const actions = candidates.map((candidate): ActionOutcome => {
    const skipReason = candidate.skipReason ?? (cap ? SKIP_REASONS.cap(cap) : null);
    const reportReason = candidate.action === 'delete' ? REPORT_MODE_DELETE_REASON : REPORT_MODE_REASON;
    return {
      action: candidate.action,
      ruleId: candidate.ruleId,
      userName: candidate.userName,
      // ActionOutcome needs a string; a key known only by its slot is named by it, and is skipped
      // unless the caller resolves it before applying anything.
      accessKeyId: candidate.accessKeyId ?? slotKeyName(candidate.slot),
      status: skipReason ? 'skipped' : 'planned',
      reason: skipReason ?? (settings.mode === 'report' ? reportReason : null),
      error: null,
    };
  });
  actions.sort(byUserThenKey);

  const planFindings = [
    ...kept,
    ...(cap ? [capFinding(cap, settings.mode)] : []),
    ...unfinishedDeactivations(users, actions),
  ];
  return {
    findings: planFindings.sort(compareFindings),
    actions,
    exempt: exemptEntries(users, findings, exemptions),
  };
}
