import type { KeyFinding, RuleId, UserRecord } from '../model.js';
import { compareFindings } from '../order.js';
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

/**
 * Runs every enabled rule on every user and returns the findings in report order. Pure: no AWS
 * call, no clock read.
 *
 * @example
 * const findings = evaluateRules(inventory.users, { now: asOf, settings });
 */
export function evaluateRules(users: readonly UserRecord[], ctx: RuleContext): KeyFinding[] {
  return users.flatMap((user) => RULES.flatMap((rule) => rule.evaluate(user, ctx))).sort(compareFindings);
}
