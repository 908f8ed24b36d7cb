/**
 * The auditor's settings, derived from the one table of settings (settings-table.ts): the schema of
 * the `Settings` object (each rule's block as the rule defines it, plus the cross-field rules) and
 * the parsing of the environment variables serverless.yml sets from its params. Nothing else in the
 * project reads `process.env`: a handler calls `loadSettings(process.env)` once per cold start.
 */
import * as z from 'zod';
import { RULES, type RULES_BY_SETTINGS_KEY } from '../evaluate/registry.js';
import { parseDirectoryLocation } from '../owners/directory-location.js';
import { type ConfigIssue, SettingsError } from './errors.js';
import { SETTINGS_TABLE, type SettingEntry, type SettingText } from './settings-table.js';
import { deriveWarnDays, issueSentence, PRESETS, values } from './values.js';
import type { ZodIssue } from './zod-issue.js';

export { SettingsError } from './errors.js';

type Entry = (typeof SETTINGS_TABLE)[number];
type EnvName = Entry['env'];

/** The entries that land on a top-level field of `Settings`, keyed by that field. */
type TopLevelShape = {
  [E in Exclude<Entry, { setting: `${string}.${string}` }> as E['setting']]: E['default'] extends null
    ? z.ZodNullable<E['value']>
    : E['value'];
};

const topLevelShape = Object.fromEntries(
  SETTINGS_TABLE.filter((entry) => !entry.setting.includes('.')).map((entry: SettingEntry) => [
    entry.setting,
    entry.default === null ? entry.value.nullable() : entry.value,
  ]),
) as TopLevelShape;

type RulesByKey = typeof RULES_BY_SETTINGS_KEY;
const ruleSchemas = Object.fromEntries(RULES.map((rule) => [rule.settingsKey, rule.settingsSchema])) as {
  [K in keyof RulesByKey]: RulesByKey[K]['settingsSchema'];
};

/**
 * The single schema of a complete `Settings` object: the table's top-level settings, each rule's
 * own block (with its cross-field rules, such as unused-key's warning day before its threshold) and
 * the exemptions. `loadSettings` and `applyEventOverrides` both end here, so an override can never
 * produce settings the environment could not.
 */
export const settingsSchema = z
  .strictObject({
    ...topLevelShape,
    rules: z.strictObject(ruleSchemas),
    exemptions: z.strictObject({
      userNames: z.array(values.userNamePattern),
      userGlobs: z.array(values.userNamePattern),
      paths: z.array(values.iamPath),
    }),
  })
  // Deletion is irreversible: it acts only on a key the deactivating run's archived report lists as
  // deactivated, since a user tag alone can be forged by anyone allowed to tag users.
  .superRefine((settings, ctx) => {
    // The role reads an S3 directory only under owners/ of the report bucket.
    const directory = settings.teamDirectory === null ? null : parseDirectoryLocation(settings.teamDirectory);
    if (directory?.kind === 's3' && directory.bucket !== settings.reportBucket) {
      ctx.addIssue({
        code: 'custom',
        path: ['teamDirectory'],
        input: settings.teamDirectory,
        message: `names the bucket ${directory.bucket}, but the role may read a team directory only in the report bucket (${settings.reportBucket ?? 'reportBucket is not set'}); put it under s3://<reportBucket>/owners/ or in ssm:/key-hygiene/owners/`,
      });
    }
    if (settings.rules.inactiveKeyCleanup.enabled && settings.reportBucket === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['reportBucket'],
        input: null,
        message:
          'is required when CLEANUP_ENABLED is "true": a key is deleted only when the archived report of the run that deactivated it lists it; set reportBucket or turn cleanup off',
      });
    }
  });

/** What the auditor does, how strictly, and to whom. Built by `loadSettings`, never by hand. */
export type Settings = z.output<typeof settingsSchema>;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** Strings that only hold digits (with a sign) become numbers; anything else becomes NaN and fails. */
const integerText = (text: string): number => (/^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN);
const numberText = (text: string): number =>
  /^[+-]?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
const trimmed = (text: string): string => text.trim();

/** The text of a variable, turned into a value of its kind, ready for the value's schema. */
const FROM_TEXT = {
  integer: z.string().transform(integerText),
  number: z.string().transform(numberText),
  text: z.string().transform(trimmed),
  list: z.string().transform(list),
  boolean: z
    .string()
    .transform((text) => text.trim().toLowerCase())
    .pipe(z.enum(['true', 'false'], { error: 'expected "true" or "false"' }))
    .transform((text) => text === 'true'),
  date: z
    .string()
    .transform(trimmed)
    .pipe(values.asOfString)
    .transform((text) => new Date(text)),
} as const satisfies Record<SettingText, z.ZodType<unknown, string>>;

/** The variables and their values, keyed by variable: `{ UNUSED_KEY_DAYS: number | undefined, ... }`. */
type EnvShape = {
  [E in Entry as E['env']]: z.ZodOptional<z.ZodPipe<(typeof FROM_TEXT)[E['text']], E['value']>>;
};

const envShape = Object.fromEntries(
  SETTINGS_TABLE.map((entry: SettingEntry) => {
    const fromText: z.ZodType<unknown, string> = FROM_TEXT[entry.text];
    return [entry.env, fromText.pipe(entry.value).optional()];
  }),
) as EnvShape;

/** Each environment variable as serverless.yml sets it: a string, parsed to its setting's type. */
const envSchema = z.object(envShape).superRefine((env, ctx) => {
  if (env.CLEANUP_ENABLED === true && env.RULES_DISABLED?.includes('inactive-key-cleanup')) {
    ctx.addIssue({
      code: 'custom',
      path: ['RULES_DISABLED'],
      message: 'lists inactive-key-cleanup while CLEANUP_ENABLED is "true"; set only one of them',
    });
  }
});

type EnvValues = z.output<typeof envSchema>;

const ENTRY_BY_ENV: ReadonlyMap<string, SettingEntry> = new Map(
  SETTINGS_TABLE.map((entry: SettingEntry) => [entry.env, entry]),
);

/** Settings path (`rules.unusedKey.days`) to the variable that sets it, for cross-field errors. */
const ENV_BY_SETTING: ReadonlyMap<string, EnvName> = new Map(
  SETTINGS_TABLE.map((entry) => [entry.setting, entry.env]),
);

function envIssue(issue: ZodIssue, env: Readonly<Record<string, string | undefined>>): ConfigIssue {
  const name = String(issue.path[0]);
  // A list entry is reported on its own (`got "bad name"`); a scalar with its raw text (`got "abc"`).
  const got = issue.path.length > 1 ? issue.input : env[name];
  return { name, setting: ENTRY_BY_ENV.get(name)?.setting ?? null, message: issueSentence(issue, got) };
}

function settingsIssue(issue: ZodIssue, env: Readonly<Record<string, string | undefined>>): ConfigIssue {
  const setting = issue.path.join('.');
  const name = ENV_BY_SETTING.get(setting) ?? setting;
  return { name, setting, message: issueSentence(issue, env[name] ?? issue.input) };
}

/** Sets `path` (`rules.unusedKey.days`) in a settings object under construction. */
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const [field = '', ...rest] = path.split('.');
  if (rest.length === 0) {
    target[field] = value;
    return;
  }
  target[field] ??= {};
  setAt(target[field] as Record<string, unknown>, rest.join('.'), value);
}

/**
 * The settings object the variables describe, for `settingsSchema` to check. Each variable lands on
 * its entry's `setting` path, or takes its default (the preset's, for the unused-key thresholds);
 * RULES_DISABLED and EXEMPT_USERS fan out to several fields and are placed here by hand.
 */
function buildSettings(env: EnvValues): unknown {
  const preset = env.PRESET ?? 'default';
  const settings: Record<string, unknown> = {};
  for (const entry of SETTINGS_TABLE) {
    const fallback = entry.default;
    const value =
      env[entry.env] ??
      (fallback !== null && typeof fallback === 'object' && 'preset' in fallback
        ? PRESETS[preset][fallback.preset]
        : fallback);
    if (entry.env !== 'RULES_DISABLED' && entry.env !== 'EXEMPT_USERS') setAt(settings, entry.setting, value);
  }
  // An unused-key threshold set on its own keeps a two-week warning window, whatever the preset.
  if (env.UNUSED_KEY_DAYS !== undefined && env.UNUSED_KEY_WARN_DAYS === undefined) {
    setAt(settings, 'rules.unusedKey.warnDays', deriveWarnDays(env.UNUSED_KEY_DAYS));
  }
  // Every rule runs unless RULES_DISABLED lists it. A rule with a switch of its own (CLEANUP_ENABLED,
  // placed above) follows that switch; the environment schema refuses it together with RULES_DISABLED.
  const disabled = new Set<string>(env.RULES_DISABLED ?? []);
  for (const rule of RULES) {
    const path = `rules.${rule.settingsKey}.enabled`;
    if (!ENV_BY_SETTING.has(path)) setAt(settings, path, !disabled.has(rule.id));
  }
  const exemptUsers = env.EXEMPT_USERS ?? [];
  const isGlob = (entry: string): boolean => /[*?]/.test(entry);
  setAt(
    settings,
    'exemptions.userNames',
    exemptUsers.filter((entry) => !isGlob(entry)),
  );
  setAt(settings, 'exemptions.userGlobs', exemptUsers.filter(isGlob));
  return settings;
}

/**
 * Parses the settings from environment variables. An empty or blank value counts as unset, because
 * serverless params default to `''`. Throws a `SettingsError` naming every bad variable at once.
 *
 * @example
 * const settings = loadSettings({ MODE: 'enforce', PRESET: 'cis', EXEMPT_USERS: 'ci-*,backup' });
 * settings.rules.unusedKey.days; // 45
 * settings.exemptions.userGlobs; // ['ci-*']
 */
export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const present = Object.fromEntries(
    SETTINGS_TABLE.flatMap(({ env: name }) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value]];
    }),
  );
  const parsedEnv = envSchema.safeParse(present, { reportInput: true });
  if (!parsedEnv.success) {
    throw new SettingsError(parsedEnv.error.issues.map((issue) => envIssue(issue, env)));
  }
  const parsed = settingsSchema.safeParse(buildSettings(parsedEnv.data), { reportInput: true });
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((issue) => settingsIssue(issue, env)));
  }
  return parsed.data;
}

/**
 * Re-checks a complete `Settings` object (for example after an override) against the one schema.
 * Returns the problems, keyed by settings path; empty when the settings are valid.
 *
 * @example
 * validateSettings({ ...settings, maxActionsPerRun: 0 }); // [{ path: 'maxActionsPerRun', issue }]
 */
export function validateSettings(settings: Settings): { path: string; issue: ZodIssue }[] {
  const parsed = settingsSchema.safeParse(settings, { reportInput: true });
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), issue }));
}
