import type * as z from 'zod';
import type { KeyFinding, RuleId, UserRecord } from '../model.js';
import { compareFindings } from '../order.js';
import { exposedKeyRule } from './exposed-key.js';
import { inactiveKeyCleanupRule } from './inactive-key-cleanup.js';
import { neverUsedKeyRule } from './never-used-key.js';
import { rootAccessKeyRule } from './root-access-key.js';
import { rotationOverdueRule } from './rotation-overdue.js';
import { twoActiveKeysRule } from './two-active-keys.js';
import type { Rule, RuleContext } from './types.js';
import { unusedKeyRule } from './unused-key.js';

/**
 * Every rule under the key of its block in `settings.rules`, in the order of `RULE_IDS`. src/config
 * composes the rules' `settingsSchema`s from here into the settings schema.
 */
export const RULES_BY_SETTINGS_KEY = {
  unusedKey: unusedKeyRule,
  neverUsedKey: neverUsedKeyRule,
  rotationOverdue: rotationOverdueRule,
  twoActiveKeys: twoActiveKeysRule,
  rootAccessKey: rootAccessKeyRule,
  inactiveKeyCleanup: inactiveKeyCleanupRule,
  exposedKey: exposedKeyRule,
} as const;

type RulesByKey = typeof RULES_BY_SETTINGS_KEY;

/** `settings.rules`: each rule's own block, as its schema defines it. */
export type RuleSettings = { [K in keyof RulesByKey]: z.output<RulesByKey[K]['settingsSchema']> };

/** Each rule typed by its key: the compiler checks every rule sits under its own `settingsKey`. */
const RULE_BY_KEY: { readonly [K in keyof RuleSettings]: Rule<K, RuleSettings[K], RuleSettings> } =
  RULES_BY_SETTINGS_KEY;

/** Every rule, in the order of `RULE_IDS`. A registry test checks ids are unique and complete. */
export const RULES: readonly Rule<keyof RuleSettings>[] = Object.values(RULE_BY_KEY);

/** What evaluation reads: the evaluation time and each rule's settings block. */
export interface EvaluationInput {
  now: Date;
  settings: { rules: RuleSettings };
}

/** The rule with this id. */
export function ruleById(id: RuleId): Rule {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`No rule with id ${id}`);
  return rule;
}

/** One rule on one user, with its own settings block (and the others, for the rules that read them). */
function evaluateRule<K extends keyof RuleSettings>(
  key: K,
  user: UserRecord,
  context: RuleContext<RuleSettings>,
): KeyFinding[] {
  return RULE_BY_KEY[key].evaluate(user, context.rules[key], context);
}

/**
 * Runs every enabled rule on every user and returns the findings in report order. Pure: no AWS
 * call, no clock read.
 */
export function evaluateRules(users: readonly UserRecord[], input: EvaluationInput): KeyFinding[] {
  return rememberingEvaluation(input)(users);
}

/**
 * {@link evaluateRules} for one evaluation time and settings, remembering each user's findings by
 * record: evaluation is pure, so the records a second plan keeps (the audit re-plans after reading
 * a few users live) cost nothing the second time.
 */
export function rememberingEvaluation({
  now,
  settings,
}: EvaluationInput): (users: readonly UserRecord[]) => KeyFinding[] {
  const context = { now, rules: settings.rules };
  const seen = new WeakMap<UserRecord, KeyFinding[]>();
  return (users) =>
    users
      .flatMap((user) => {
        let findings = seen.get(user);
        if (!findings) {
          findings = RULES.flatMap((rule) => evaluateRule(rule.settingsKey, user, context));
          seen.set(user, findings);
        }
        return findings;
      })
      .sort(compareFindings);
}
