import type * as z from 'zod';
import type { FindingAction, KeyFinding, RuleId, UserRecord } from '../model.js';

/** What every rule's settings block holds: the rule can be turned off (`RULES_DISABLED`). */
interface RuleSettingsBlock {
  enabled: boolean;
}

/**
 * What a rule is evaluated against besides its own settings block. `now` is the evaluation time
 * (`asOf`, or the run's start): rules never read the clock, so a run can preview a coming date and
 * tests need no fake timers. `rules` holds the other rules' blocks, typed as only what the rule reads
 * of them (unused-key and never-used-key read each other's thresholds; the others nothing).
 */
export interface RuleContext<Reads = unknown> {
  now: Date;
  rules: Reads;
}

/**
 * One audit rule: a pure function from a user record and the rule's own settings block to findings,
 * plus what a report, a registry test or the docs need to know about it. The rule owns the schema
 * of its block; src/config composes the blocks into the settings schema. Adding a rule is writing one
 * file and listing it in `registry.ts`.
 */
export interface Rule<
  Key extends string = string,
  Settings extends RuleSettingsBlock = RuleSettingsBlock,
  Reads = unknown,
> {
  id: RuleId;
  /** One line for the docs and the report legend. */
  description: string;
  /** Compliance controls its findings map to, e.g. `CIS 1.12`, `IAM.22`. */
  controls: string[];
  /** The strongest action its findings ask for. */
  action: FindingAction;
  /** Where its block sits in `settings.rules`. */
  settingsKey: Key;
  /** The strict schema of that block. */
  settingsSchema: z.ZodType<Settings>;
  /** Findings for one user; empty when the rule is disabled or does not apply. */
  evaluate(user: UserRecord, settings: Settings, context: RuleContext<Reads>): KeyFinding[];
}
