import type { z } from 'zod';
import type { RuleSettingsKey, Settings } from '../config/settings.js';
import type { FindingAction, KeyFinding, RuleId, UserRecord } from '../model.js';

/**
 * What every rule is evaluated against. `now` is the evaluation time (`asOf`, or the run's start):
 * rules never read the clock, so a run can preview a coming date and tests need no fake timers.
 *
 * @example
 * const ctx: RuleContext = { now: new Date('2026-06-01T00:00:00Z'), settings: loadSettings({}) };
 */
export interface RuleContext {
  now: Date;
  settings: Settings;
}

/**
 * One audit rule: a pure function from a user record to findings, plus what a report, a registry
 * test or a README needs to know about it. Adding a rule is writing one file and listing it in
 * `registry.ts`.
 *
 * @example
 * const findings = unusedKeyRule.evaluate(user, { now, settings });
 */
export interface Rule {
  id: RuleId;
  /** One line for the README and the report legend. */
  description: string;
  /** Compliance controls its findings map to, e.g. `CIS 1.12`, `IAM.22`. */
  controls: string[];
  /** The strongest action its findings ask for. */
  action: FindingAction;
  /** The block of `Settings.rules` it reads. */
  settingsKey: RuleSettingsKey;
  /** The strict schema of that block (the same one `settingsSchema` uses). */
  settingsSchema: z.ZodType;
  /** Findings for one user; empty when the rule is disabled or does not apply. */
  evaluate(user: UserRecord, ctx: RuleContext): KeyFinding[];
}
