/**
 * The one order of everything the report lists. Plain code-unit order, never locale order, so two
 * runs over the same account, on any machine, list findings and actions identically.
 */
import { type ActionStatus, type Finding, PRIVILEGE_LEVELS, RULE_IDS, SEVERITY_ORDER } from './model.js';

/** Code-unit order; null (an account-level entry) sorts before any name. */
export function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Safeguard ids (not in RULE_IDS) rank first: they are about the run as a whole. */
export function ruleRank(id: string): number {
  return (RULE_IDS as readonly string[]).indexOf(id);
}

/**
 * The riskiest privilege first; a key finding whose privilege was not read (root, a read error)
 * comes after every level. An account-level finding (a safeguard such as the blast-radius cap) is
 * about the run as a whole, so it leads its severity, before any key.
 */
function privilegeRank(finding: Finding): number {
  if (finding.userName === null) return -1;
  if (finding.privilege === undefined) return PRIVILEGE_LEVELS.length;
  return PRIVILEGE_LEVELS.indexOf(finding.privilege.level);
}

/** Findings: most severe first, then the riskiest privilege (so reports lead with the riskiest keys), rule, user, key. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    privilegeRank(a) - privilegeRank(b) ||
    ruleRank(a.ruleId) - ruleRank(b.ruleId) ||
    compareText(a.userName, b.userName) ||
    compareText(keyIdOf(a), keyIdOf(b)) ||
    slotOf(a) - slotOf(b)
  );
}

const STATUS_ORDER: readonly ActionStatus[] = ['applied', 'failed', 'planned', 'skipped'];

/** Actions: what was done first, then by user and key. */
export function compareActions(
  a: { status: ActionStatus; userName: string; accessKeyId: string; ruleId: string },
  b: { status: ActionStatus; userName: string; accessKeyId: string; ruleId: string },
): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    compareText(a.userName, b.userName) ||
    compareText(a.accessKeyId, b.accessKeyId) ||
    ruleRank(a.ruleId) - ruleRank(b.ruleId)
  );
}

const keyIdOf = (finding: Finding): string | null => (finding.userName === null ? null : finding.accessKeyId);
const slotOf = (finding: Finding): number => (finding.userName === null ? 0 : (finding.slot ?? 0));
