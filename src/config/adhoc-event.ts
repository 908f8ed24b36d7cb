/**
 * The event `adhocAudit` accepts (`serverless invoke -f adhocAudit -p events/adhoc-report.json`):
 * an audit (every field optional), or an undo `{ "undo": "<runId>", "notify": true }` (with
 * `"trustTags": true` to go on the user tags when the undone run's archived report cannot be read).
 * It is refused, before any AWS call, when a field is unknown or wrong, naming the field: a typo like
 * `"mode": "enforse"` must never fall back to a default.
 */
import * as z from 'zod';
import { runStartOf } from '../run-id.js';
import { moreAggressiveThan } from './enforce-bounds.js';
import { EventValidationError } from './errors.js';
import { type Settings, validateSettings } from './settings.js';
import { deriveWarnDays, describeValue, issueSentence, PRESETS, values } from './values.js';
import type { ZodIssue } from './zod-issue.js';

const MAX_USERS = 1000;

const unknownField = (allowed: readonly string[]) => (issue: { code?: string }) =>
  issue.code === 'unrecognized_keys' ? `unknown field; expected one of ${allowed.join(', ')}` : undefined;

const THRESHOLD_FIELDS = ['unusedKeyDays', 'unusedKeyWarnDays', 'neverUsedKeyDays', 'rotationDays'] as const;

const thresholdsSchema = z
  .strictObject(
    {
      unusedKeyDays: values.unusedKeyDays.optional(),
      unusedKeyWarnDays: values.unusedKeyWarnDays.optional(),
      neverUsedKeyDays: values.neverUsedKeyDays.optional(),
      rotationDays: values.rotationDays.optional(),
    },
    { error: unknownField(THRESHOLD_FIELDS) },
  )
  .superRefine((thresholds, ctx) => {
    const { unusedKeyDays, unusedKeyWarnDays } = thresholds;
    if (
      unusedKeyDays !== undefined &&
      unusedKeyWarnDays !== undefined &&
      unusedKeyWarnDays >= unusedKeyDays
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['unusedKeyWarnDays'],
        input: unusedKeyWarnDays,
        message: `expected fewer days than thresholds.unusedKeyDays (${unusedKeyDays}), got ${unusedKeyWarnDays}`,
      });
    }
  });

const EVENT_FIELDS = [
  'mode',
  'users',
  'asOf',
  'notify',
  'preset',
  'maxActionsPerRun',
  'thresholds',
  'undo',
  'trustTags',
] as const;

/** The audit fields an undo event cannot carry: an undo reverses a run, it does not audit. */
const AUDIT_ONLY_FIELDS = ['mode', 'users', 'asOf', 'preset', 'maxActionsPerRun', 'thresholds'] as const;

const runIdError = 'expected the runId of an earlier run, such as "20261120T030000Z-1a2b3c" (see its report)';

const usersError = `expected a list of 1 to ${MAX_USERS} IAM user names`;

/**
 * The ad-hoc event. Every field is optional; `{}` audits the whole account with the deployed settings.
 * Unknown fields are rejected (strict), so a misspelt override is never silently ignored.
 *
 * @example
 * adhocEventSchema.parse({ mode: 'report', users: ['alice'], asOf: '2027-01-01T00:00:00Z', notify: true });
 */
const adhocEventFields = z.strictObject(
  {
    mode: values.mode.optional(),
    /** Audit only these users (unique; IAM names are case-insensitive, so `Alice` and `alice` clash). */
    users: z
      .array(values.userName, { error: usersError })
      .min(1, { error: usersError })
      .max(MAX_USERS, { error: usersError })
      .superRefine((users, ctx) => {
        const seen = new Set<string>();
        users.forEach((user, index) => {
          const key = user.toLowerCase();
          if (seen.has(key)) {
            ctx.addIssue({
              code: 'custom',
              path: [index],
              input: user,
              message: `${describeValue(user)} is listed twice`,
            });
          }
          seen.add(key);
        });
      })
      .optional(),
    /** Evaluate as of this ISO 8601 date-time (a preview of a coming date); default now. */
    asOf: values.asOfString.optional(),
    /** Publish the report to the topic; default false (the report is returned either way). */
    notify: z.boolean({ error: 'expected true or false' }).optional(),
    preset: values.preset.optional(),
    maxActionsPerRun: values.maxActionsPerRun.optional(),
    thresholds: thresholdsSchema.optional(),
    /** Reactivate the keys run `<runId>` deactivated; combines only with `notify`. */
    undo: z
      .string({ error: runIdError })
      // The run id's shape and a real start time (runStartOf checks both).
      .refine((runId) => runStartOf(runId) !== null, {
        error: (issue) => `${runIdError}, got ${describeValue(issue.input)}`,
      })
      .optional(),
    /**
     * Undo only: reactivate on the user tags alone when the undone run's archived report cannot be
     * read (or no report bucket is set). Without it such an undo reactivates nothing.
     */
    trustTags: z.boolean({ error: 'expected true or false' }).optional(),
  },
  { error: unknownField(EVENT_FIELDS) },
);

/**
 * The ad-hoc event: an audit, or an undo (`{ "undo": "<runId>" }`, optionally with `notify`) that no
 * audit field may accompany, so `{ "undo": ..., "mode": "enforce" }` is refused rather than guessed at.
 *
 * @example
 * adhocEventSchema.parse({ undo: '20261120T030000Z-1a2b3c', notify: true });
 */
export const adhocEventSchema = adhocEventFields.superRefine((event, ctx) => {
  if (event.undo === undefined) {
    if (event.trustTags !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['trustTags'],
        input: event.trustTags,
        message: 'applies only to an undo ({ "undo": "<runId>", "trustTags": true })',
      });
    }
    return;
  }
  for (const field of AUDIT_ONLY_FIELDS) {
    if (event[field] === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [field],
      input: event[field],
      message: 'cannot be combined with undo; an undo event takes only "undo", "notify" and "trustTags"',
    });
  }
});

/** A validated ad-hoc event. */
export type AdhocEvent = z.infer<typeof adhocEventSchema>;

function eventIssues(issue: ZodIssue): { name: string; setting: null; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      name: [...issue.path, key].join('.'),
      setting: null,
      message: issue.message,
    }));
  }
  if (issue.path.length === 0 && issue.code === 'invalid_type') {
    return [
      { name: '', setting: null, message: `expected a JSON object, got ${describeValue(issue.input)}` },
    ];
  }
  return [{ name: issue.path.join('.'), setting: null, message: issueSentence(issue) }];
}

/**
 * Validates an ad-hoc event. Throws an `EventValidationError` whose message names each bad field,
 * e.g. `Invalid event: mode: expected "report" or "enforce", got "enforse"`.
 *
 * @example
 * const event = parseAdhocEvent({ mode: 'report', users: ['alice', 'bob'] });
 */
export function parseAdhocEvent(input: unknown): AdhocEvent {
  const parsed = adhocEventSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new EventValidationError(parsed.error.issues.flatMap(eventIssues));
  return parsed.data;
}

/** Settings path to the event field that overrides it, to name the field when the result is invalid. */
const EVENT_FIELD_BY_SETTING: Readonly<Record<string, string>> = {
  mode: 'mode',
  preset: 'preset',
  asOf: 'asOf',
  maxActionsPerRun: 'maxActionsPerRun',
  'rules.unusedKey.days': 'thresholds.unusedKeyDays',
  'rules.unusedKey.warnDays': 'thresholds.unusedKeyWarnDays',
  'rules.neverUsedKey.days': 'thresholds.neverUsedKeyDays',
  'rules.rotationOverdue.days': 'thresholds.rotationDays',
};

/** True when the event carries the field at this dotted path (`thresholds.unusedKeyDays`). */
function eventSets(event: AdhocEvent, field: string): boolean {
  let value: unknown = event;
  for (const part of field.split('.')) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value !== undefined;
}

/** The event field to blame for a setting the event moved: the field that sets it, else the preset. */
function blamedField(setting: string, event: AdhocEvent): string {
  const field = EVENT_FIELD_BY_SETTING[setting];
  if (field !== undefined && eventSets(event, field)) return field;
  if (setting.startsWith('rules.unusedKey.') && event.preset !== undefined) return 'preset';
  return field ?? setting;
}

/**
 * The deployed settings with the event's overrides, re-checked against the settings schema (for
 * example a `thresholds.unusedKeyWarnDays` that is not below the deployed unused-key threshold).
 *
 * An event that enforces may only make the run more cautious than the deployed settings (higher
 * thresholds, a lower cap; `users` only narrows the run): anything that would act on more keys is
 * refused, naming the field and the deployed value. A report-mode event may preview anything.
 *
 * Precedence: the event's `preset` replaces the preset thresholds, even ones set explicitly at deploy
 * time (the caller asked "what would this preset do?"); the event's `thresholds` win over both. As in
 * the environment, an unused-key threshold given without a warning day warns 14 days earlier.
 *
 * @example
 * const settings = applyEventOverrides(loadSettings(process.env), parseAdhocEvent(event));
 */
export function applyEventOverrides(settings: Settings, event: AdhocEvent): Settings {
  const thresholds = event.thresholds ?? {};
  const preset = event.preset ?? settings.preset;
  const base = event.preset
    ? { days: PRESETS[event.preset].unusedKeyDays, warnDays: PRESETS[event.preset].unusedKeyWarnDays }
    : { days: settings.rules.unusedKey.days, warnDays: settings.rules.unusedKey.warnDays };
  const mode = event.mode ?? settings.mode;
  const days = thresholds.unusedKeyDays ?? base.days;
  // A threshold raised on its own in enforce mode keeps the deployed warning day when that is later
  // (and still before the threshold), so raising a threshold never counts as warning earlier, which
  // an enforce event may not do.
  const deployedWarnDays = settings.rules.unusedKey.warnDays;
  const derivedWarnDays =
    mode === 'enforce' && deployedWarnDays < days
      ? Math.max(deriveWarnDays(days), deployedWarnDays)
      : deriveWarnDays(days);
  const warnDays =
    thresholds.unusedKeyWarnDays ??
    (thresholds.unusedKeyDays === undefined ? base.warnDays : derivedWarnDays);
  const { rules } = settings;
  const next: Settings = {
    ...settings,
    mode,
    preset,
    rules: {
      ...rules,
      unusedKey: { ...rules.unusedKey, days, warnDays },
      neverUsedKey: { ...rules.neverUsedKey, days: thresholds.neverUsedKeyDays ?? rules.neverUsedKey.days },
      rotationOverdue: {
        ...rules.rotationOverdue,
        days: thresholds.rotationDays ?? rules.rotationOverdue.days,
      },
    },
    maxActionsPerRun: event.maxActionsPerRun ?? settings.maxActionsPerRun,
    asOf: event.asOf === undefined ? settings.asOf : new Date(event.asOf),
  };
  const problems = validateSettings(next);
  if (problems.length > 0) {
    throw new EventValidationError(
      problems.map(({ path, issue }) => ({
        name: EVENT_FIELD_BY_SETTING[path] ?? path,
        setting: path,
        message: issueSentence(issue),
      })),
    );
  }
  if (next.mode === 'enforce') {
    const looser = moreAggressiveThan(settings, next);
    if (looser.length > 0) {
      throw new EventValidationError(
        looser.map((issue) => ({ ...issue, name: blamedField(issue.setting ?? issue.name, event) })),
      );
    }
  }
  return next;
}
