/**
 * The remediation plan: which keys would be deactivated or deleted, which would not and why. Pure
 * (no AWS, no clock), and the same in both modes, so a report-mode run shows exactly what enforce
 * would do; only the pipeline decides whether `apply` runs.
 */
import type { Settings } from '../config/settings.js';
import { keyIdentity, keyRefLabel, keyRefOf } from '../key-ref.js';
import type { AuditError } from '../model.js';
import {
  type Finding,
  type KeyFinding,
  type PlannedAction,
  RULE_IDS,
  type RuleId,
  type UserRecord,
} from '../model.js';
import { compareFindings, compareText } from '../order.js';
import { type CapVerdict, capFinding, capSkipReason, checkCap } from './blast-radius-cap.js';
import { exemptEntries } from './exempt-entries.js';
import { type Exemption, type ExemptTagProblem, exemptionFor, exemptTagProblem } from './exemptions.js';
import {
  type Candidate,
  indexErrors,
  REPORT_MODE_DELETE_REASON,
  REPORT_MODE_REASON,
  SKIP_REASONS,
  skipReason,
} from './skip-reasons.js';
import { type SnoozeAnswers, snoozeNote, snoozeVerdict } from './snoozes.js';
import { unfinishedDeactivations } from './unfinished-deactivations.js';

export interface PlanInput {
  users: readonly UserRecord[];
  findings: readonly Finding[];
  errors: readonly AuditError[];
  settings: Settings;
  /** The evaluation time (for dated exemptions). */
  now: Date;
  /** The access key the auditor signs with; never deactivated. */
  selfAccessKeyId: string | null;
  /** The run planning; a key this run deactivated is never deleted by it. */
  runId?: string | null;
  /**
   * Why a key known only by its credential-report slot is skipped, or null to plan it (the pipeline
   * then resolves the user live and plans again before anything is applied). Default: always
   * skipped, with `SKIP_REASONS.keyIdUnknown`.
   */
  unresolvedKeyReason?: (userName: string) => string | null;
  /**
   * The cap an earlier plan of this run tripped. It holds whatever this plan counts: planning again
   * on live data can only drop keys (unresolved ones), and acting on the rest would breach the cap
   * the run already found.
   */
  earlierCap?: CapVerdict | null;
  /**
   * The answer records behind the users' `key-hygiene:snoozed` tags, by nonce: a snooze is honoured
   * only when its record confirms it. Default: none (every snooze tag is unconfirmed).
   */
  snoozeAnswers?: SnoozeAnswers;
}

export interface Plan {
  /** Findings on non-exempt users, plus safeguard findings (e.g. `blast-radius-cap`), sorted. */
  findings: Finding[];
  /** One per key a deactivate or delete finding targets: `planned`, or `skipped` with the reason. */
  actions: PlannedAction[];
  /** Every key of every exempt user, with the rules that would have raised a finding on it. */
  exempt: ReturnType<typeof exemptEntries>;
  /** The blast-radius cap that stopped every action of this plan, or null. */
  cap: CapVerdict | null;
}

const isRuleId = (id: string): id is RuleId => (RULE_IDS as readonly string[]).includes(id);

/**
 * Applies every safeguard to the findings and returns what to report and what to do:
 * exempt users' findings move to `exempt`; one action per active key a deactivate finding targets
 * (the strongest finding names it) and per inactive key a delete finding targets; each candidate
 * skipped for the first reason that applies (`skipReason`); then the blast-radius cap over the
 * rest. The cap and every skip apply in report mode too: the report must show what enforce would do.
 */
export function plan(input: PlanInput): Plan {
  const { users, settings, now } = input;
  const snoozeAnswers = input.snoozeAnswers ?? new Map();
  const usersByName = new Map(users.map((user) => [user.userName, user]));
  const exemptions = new Map<string, Exemption>();
  const tagProblems = new Map<string, ExemptTagProblem>();
  for (const user of users) {
    const exemption = exemptionFor(user, settings, now);
    const problem = exemption ? null : exemptTagProblem(user, now);
    if (exemption) exemptions.set(user.userName, exemption);
    if (problem) tagProblems.set(user.userName, problem);
  }
  // An exposed key is never hidden by an exemption: the finding stays, critical, for a person to act on.
  const kept = input.findings
    .filter(
      (finding) =>
        finding.userName === null || !exemptions.has(finding.userName) || finding.ruleId === 'exposed-key',
    )
    .map((finding) => exposedOnExemptUser(finding, exemptions))
    .map((finding) => withTagNote(finding, tagProblems))
    .map((finding) => withSnoozeNote(finding, usersByName, snoozeAnswers, now));

  const errorCodes = indexErrors(input.errors);
  const unresolvedKeyReason = input.unresolvedKeyReason ?? (() => SKIP_REASONS.keyIdUnknown);
  const decided = candidates(kept, usersByName).map((candidate) => ({
    candidate,
    reason: skipReason(candidate, {
      user: usersByName.get(candidate.userName),
      errorCodes: errorCodes(candidate.userName, candidate.key),
      exemptTagProblem: tagProblems.get(candidate.userName),
      unresolvedKeyReason: candidate.key.kind === 'slot' ? unresolvedKeyReason(candidate.userName) : null,
      selfAccessKeyId: input.selfAccessKeyId,
      settings,
      now,
      runId: input.runId ?? null,
      snooze: snoozeOfCandidate(candidate, usersByName, snoozeAnswers, now),
    }),
  }));
  const cap =
    input.earlierCap ??
    checkCap(
      decided.filter((entry) => entry.reason === null).map((entry) => entry.candidate),
      users,
      settings,
    );

  const actions = decided.map(({ candidate, reason }): PlannedAction => {
    const skip = reason ?? (cap ? capSkipReason(cap) : null);
    const reportReason = candidate.action === 'delete' ? REPORT_MODE_DELETE_REASON : REPORT_MODE_REASON;
    return {
      ...candidate,
      status: skip ? 'skipped' : 'planned',
      reason: skip ?? (settings.mode === 'report' ? reportReason : null),
      error: null,
    };
  });
  actions.sort(
    (a, b) => compareText(a.userName, b.userName) || compareText(keyRefLabel(a.key), keyRefLabel(b.key)),
  );

  const findings = [
    ...kept,
    ...(cap ? [capFinding(cap, settings.mode)] : []),
    ...unfinishedDeactivations(users, actions, now, (userName) => exemptions.has(userName)),
  ];
  return {
    findings: findings.sort(compareFindings),
    actions,
    exempt: exemptEntries(
      users,
      input.findings.filter((finding) => finding.ruleId !== 'exposed-key'),
      exemptions,
    ),
    cap,
  };
}

/**
 * The keys the findings ask to act on: each active key a deactivate finding targets (inactive keys
 * get none: idempotent), attributed to its strongest finding; each inactive key a delete finding
 * (inactive-key-cleanup) targets.
 */
function candidates(findings: readonly Finding[], usersByName: ReadonlyMap<string, UserRecord>): Candidate[] {
  const deactivations = new Map<string, KeyFinding[]>();
  const deletions = new Map<string, KeyFinding>();
  for (const finding of findings) {
    if (finding.userName === null || !isRuleId(finding.ruleId)) continue;
    const identity = keyIdentity(finding.userName, keyRefOf(finding));
    if (finding.action === 'delete' && finding.keyStatus === 'Inactive') {
      deletions.set(identity, finding);
      continue;
    }
    if (finding.action !== 'deactivate' || finding.keyStatus !== 'Active') continue;
    const recorded = usersByName
      .get(finding.userName)
      ?.keys.find((key) => finding.accessKeyId !== null && key.accessKeyId === finding.accessKeyId);
    if (recorded && recorded.status !== 'Active') continue;
    deactivations.set(identity, [...(deactivations.get(identity) ?? []), finding]);
  }
  const toCandidate = (action: Candidate['action'], finding: KeyFinding): Candidate => ({
    action,
    ruleId: finding.ruleId as RuleId,
    userName: finding.userName,
    key: keyRefOf(finding),
  });
  return [
    ...[...deactivations.values()].map((group) =>
      toCandidate('deactivate', [...group].sort(compareFindings)[0] as KeyFinding),
    ),
    ...[...deletions.values()].map((finding) => toCandidate('delete', finding)),
  ];
}

/** An exposed key of an exempt user: reported, never acted on, and the reader told to act. */
function exposedOnExemptUser(finding: Finding, exemptions: ReadonlyMap<string, Exemption>): Finding {
  const exemption = finding.userName === null ? undefined : exemptions.get(finding.userName);
  if (!exemption || finding.ruleId !== 'exposed-key') return finding;
  return {
    ...finding,
    action: 'notify',
    message: `${finding.message} ${finding.userName} is exempt (${exemption.source} ${exemption.matched}), so key-hygiene does not touch its keys: deactivate it by hand.`,
  };
}

function snoozeOfCandidate(
  candidate: Candidate,
  usersByName: ReadonlyMap<string, UserRecord>,
  answers: SnoozeAnswers,
  now: Date,
) {
  const user = usersByName.get(candidate.userName);
  if (!user || candidate.key.kind !== 'id') return null;
  return snoozeVerdict(user, candidate.key.accessKeyId, answers, now);
}

/**
 * A finding on a snoozed key carries the snooze (every format shows "snoozed until"); one whose
 * snooze expired or is not confirmed says so: the owner's answer no longer holds.
 */
function withSnoozeNote(
  finding: Finding,
  usersByName: ReadonlyMap<string, UserRecord>,
  answers: SnoozeAnswers,
  now: Date,
): Finding {
  if (finding.userName === null || finding.accessKeyId === null) return finding;
  const user = usersByName.get(finding.userName);
  if (!user) return finding;
  const verdict = snoozeVerdict(user, finding.accessKeyId, answers, now);
  if (verdict?.kind === 'active') {
    const { until, who, reason, answeredAt } = verdict.answer;
    return { ...finding, snooze: { until, who, reason, answeredAt } };
  }
  if (finding.action !== 'deactivate') return finding;
  const note = snoozeNote(verdict);
  return note ? { ...finding, message: `${finding.message} Note: ${note}.` } : finding;
}

function withTagNote(finding: Finding, problems: ReadonlyMap<string, ExemptTagProblem>): Finding {
  const problem = finding.userName === null ? undefined : problems.get(finding.userName);
  return problem ? { ...finding, message: `${finding.message} Note: ${problem.message}.` } : finding;
}
