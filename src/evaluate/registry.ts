import { type Finding, type RuleId, SEVERITY_ORDER, type UserRecord } from '../model.js';
import { inactiveKeyCleanupRule } from './inactive-key-cleanup.js';
import { neverUsedKeyRule } from './never-used-key.js';
import { rootAccessKeyRule } from './root-access-key.js';
import { rotationOverdueRule } from './rotation-overdue.js';
import { twoActiveKeysRule } from './two-active-keys.js';
import type { Rule, RuleContext } from './types.js';
import { unusedKeyRule } from './unused-key.js';

export type { Rule, RuleContext } from './types.js';

/**
 * Every rule, in the order of `RULE_IDS`. A registry test checks ids are unique and complete.
 *
 * @example
 * RULES.map((rule) => rule.id); // ['unused-key', 'never-used-key', ...]
 */
export const RULES: readonly Rule[] = [
  unusedKeyRule,
  neverUsedKeyRule,
  rotationOverdueRule,
  twoActiveKeysRule,
  rootAccessKeyRule,
  inactiveKeyCleanupRule,
];

/**
 * The rule with this id.
 *
 * @example
 * ruleById('unused-key').controls; // ['CIS 1.12', 'IAM.8', 'IAM.22']
 */
export function ruleById(id: RuleId): Rule {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`No rule with id ${id}`);
  return rule;
}

const compareText = (a: string | null, b: string | null): number => {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
};

/**
 * Orders findings the way the report lists them: most severe first, then by user, key and rule.
 * Plain code-unit order, not locale order, so every run and every machine agrees.
 *
 * @example
 * findings.sort(compareFindings);
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    compareText(a.userName, b.userName) ||
    compareText(a.accessKeyId, b.accessKeyId) ||
    (a.slot ?? 0) - (b.slot ?? 0) ||
    compareText(a.ruleId, b.ruleId)
  );
}

/**
 * Runs every enabled rule on every user and returns the findings sorted by severity, then user,
 * then key. Pure: no AWS call, no clock read.
 *
 * @example
 * const findings = evaluateRules(inventory.users, { now: asOf, settings });
 */
export function evaluateRules(users: readonly UserRecord[], ctx: RuleContext): Finding[] {
  return users.flatMap((user) => RULES.flatMap((rule) => rule.evaluate(user, ctx))).sort(compareFindings);
}
