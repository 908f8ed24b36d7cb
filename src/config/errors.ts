/** One problem found in the settings or in an event, as a person would read it. */
export interface ConfigIssue {
  /** The environment variable (`UNUSED_KEY_DAYS`) or event field (`thresholds.unusedKeyDays`). */
  name: string;
  /** Where it lands in `Settings` (`rules.unusedKey.days`), when it is a setting. */
  setting: string | null;
  /** The whole sentence, e.g. `expected an integer from 2 to 3650, got "abc"`. */
  message: string;
}

/**
 * Base class of every configuration error, so a handler can tell "the deployment or the event is
 * wrong" (fail fast, no AWS call made) from an AWS failure.
 *
 * @example
 * try { loadSettings(process.env); } catch (error) { if (error instanceof ConfigError) logger.error(error.message); }
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(message: string, issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * An invalid setting: thrown at cold start, the message names the environment variable and the
 * setting, e.g. `Invalid setting UNUSED_KEY_DAYS (rules.unusedKey.days): expected an integer from 2 to
 * 3650, got "abc"`.
 *
 * @example
 * new SettingsError([{ name: 'MODE', setting: 'mode', message: 'expected "report" or "enforce", got "x"' }]);
 */
export class SettingsError extends ConfigError {
  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(
      issues
        .map((issue) => `Invalid setting ${issue.name} (${issue.setting ?? '-'}): ${issue.message}`)
        .join('; '),
      issues,
      options,
    );
    this.name = 'SettingsError';
  }
}

/**
 * An ad-hoc event that cannot be run, refused before any AWS call; the message names the field, e.g.
 * `Invalid event: mode: expected "report" or "enforce", got "enforse"`.
 *
 * @example
 * new EventValidationError([{ name: 'asOf', setting: 'asOf', message: 'expected ...' }]);
 */
export class EventValidationError extends ConfigError {
  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(
      `Invalid event: ${issues.map((issue) => (issue.name ? `${issue.name}: ${issue.message}` : issue.message)).join('; ')}`,
      issues,
      options,
    );
    this.name = 'EventValidationError';
  }
}
