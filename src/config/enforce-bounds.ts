/**
 * How far an ad-hoc event may move the deployed settings when it enforces: only towards caution.
 * Whoever may invoke `adhocAudit` must not be able to act on more keys than the deployment would
 * (`{ "mode": "enforce", "thresholds": { "unusedKeyDays": 2 } }`); a report-mode event previews
 * anything. The comparison is made on the whole settings an event produces, so an event field
 * added later is bound without anyone remembering to bind it.
 */
import { RULES } from '../evaluate/registry.js';
import type { ConfigIssue } from './errors.js';
import type { Settings } from './settings.js';
import { describeValue } from './values.js';

/** A setting that an enforce event may move in one direction only. */
interface NumericBound {
  /** The environment variable that deploys it (a test holds the bounds to the settings table). */
  env: string;
  /** Where it lands in `Settings`. */
  setting: string;
  /** Its name in a refusal: the event field's or param's name. */
  label: string;
  /** Its value; null only for an optional cap that is not set (no cap at all). */
  read: (settings: Settings) => number | null;
  /** `raise`: a threshold (more days, fewer keys); `lower`: a cap (fewer actions). */
  cautious: 'raise' | 'lower';
}

const NUMERIC_BOUNDS: readonly NumericBound[] = [
  {
    env: 'UNUSED_KEY_DAYS',
    setting: 'rules.unusedKey.days',
    label: 'unusedKeyDays',
    read: (s) => s.rules.unusedKey.days,
    cautious: 'raise',
  },
  {
    env: 'UNUSED_KEY_WARN_DAYS',
    setting: 'rules.unusedKey.warnDays',
    label: 'unusedKeyWarnDays',
    read: (s) => s.rules.unusedKey.warnDays,
    cautious: 'raise',
  },
  {
    env: 'NEVER_USED_KEY_DAYS',
    setting: 'rules.neverUsedKey.days',
    label: 'neverUsedKeyDays',
    read: (s) => s.rules.neverUsedKey.days,
    cautious: 'raise',
  },
  {
    env: 'ROTATION_DAYS',
    setting: 'rules.rotationOverdue.days',
    label: 'rotationDays',
    read: (s) => s.rules.rotationOverdue.days,
    cautious: 'raise',
  },
  {
    env: 'CLEANUP_DAYS',
    setting: 'rules.inactiveKeyCleanup.days',
    label: 'cleanupDays',
    read: (s) => s.rules.inactiveKeyCleanup.days,
    cautious: 'raise',
  },
  {
    env: 'MAX_ACTIONS_PER_RUN',
    setting: 'maxActionsPerRun',
    label: 'maxActionsPerRun',
    read: (s) => s.maxActionsPerRun,
    cautious: 'lower',
  },
  {
    env: 'MAX_ACTIONS_PERCENT',
    setting: 'maxActionsPercent',
    label: 'maxActionsPercent',
    read: (s) => s.maxActionsPercent,
    cautious: 'lower',
  },
];

/** The exemption lists an enforce event may only add to. */
const EXEMPTION_BOUNDS = [
  { env: 'EXEMPT_USERS', setting: 'exemptions.userNames', label: 'exemptUsers', list: 'userNames' },
  { env: 'EXEMPT_USERS', setting: 'exemptions.userGlobs', label: 'exemptUsers', list: 'userGlobs' },
  { env: 'EXEMPT_PATHS', setting: 'exemptions.paths', label: 'exemptPaths', list: 'paths' },
] as const;

/** Rules are switched by RULES_DISABLED, and cleanup by CLEANUP_ENABLED: an enforce event may only turn one off. */
const RULE_SWITCHES = ['RULES_DISABLED', 'CLEANUP_ENABLED'] as const;

/**
 * The settings an enforce event is not bound on, and why: none of them widens which keys are acted
 * on. A test checks that every setting is either bound above or listed here.
 */
export const UNBOUND_SETTINGS: Readonly<Record<string, string>> = {
  MODE: 'the switch itself: an enforce event is held to every bound here',
  PRESET: 'acts only through the unused-key thresholds it sets, which are bound',
  AS_OF: 'runAudit refuses a preview date in enforce mode',
  CONCURRENCY: 'how fast the inventory is read, not which keys',
  TIME_BUDGET_MARGIN_SECONDS: 'when the run stops starting work, not which keys',
  INVENTORY_SOURCE: 'where the inventory is read; every key acted on is read live first',
  CREDENTIAL_REPORT_MAX_AGE_HOURS: 'how old an inventory may be; every key acted on is read live first',
  CREDENTIAL_REPORT_WAIT_SECONDS: 'how long to wait for the inventory, not which keys',
  REPORT_TOPIC_ARN: 'where the report goes',
  REPORT_TOPIC_NAME: 'where the report goes',
  CHAT_FORMAT: 'how the report looks',
  MAX_TEAM_MESSAGES: 'how many team copies are sent',
  SLACK_WEBHOOK_PARAMETER: 'where the report goes',
  OWNER_TAG_KEYS: "who the report names as a key's owner, not which keys are acted on",
  TEAM_DIRECTORY: "who the report names as a key's owner, not which keys are acted on",
  OWNER_TRAIL_PAGES: 'how far CloudTrail is searched for owners, not which keys',
  NOTICES: 'no ad-hoc event field sets it; only the deployment chooses it',
  NOTICE_DAYS: 'no ad-hoc event field sets it; only the deployment chooses it',
  NOTICE_SENDER: 'where the notices go, not which keys are acted on',
  REPORT_BUCKET: 'where the report is archived',
  ANSWER_SECRET: 'which key signs the answer links, not which keys are acted on',
  ANSWER_PAGE_URL: 'where the answer links point, not which keys are acted on',
  SNOOZE_MAX_DAYS:
    "how long an owner may keep a key from the answer page; the planner honours only the tag's date",
  SNOOZE_LIMIT: 'how many times the answer page lets an owner keep a key, not what a run acts on',
  // Organization runs take no ad-hoc event: these are read from the deployment only.
  ACCOUNTS: 'which accounts an organization run audits; no event sets it',
  INCLUDE_ACCOUNTS: 'which accounts an organization run audits; no event sets it',
  EXCLUDE_ACCOUNTS: 'which accounts an organization run audits; no event sets it',
  ORGANIZATION_UNIT_IDS: 'which accounts an organization run audits; no event sets it',
  ORGANIZATION_ROLE_ARN: 'how an organization run lists accounts, not which keys',
  MEMBER_ROLE_NAME: 'how an organization run reaches an account, not which keys',
  ORGANIZATION_CONCURRENCY: 'how many accounts are audited at once, not which keys',
  MAX_ACTIONS_PER_ORGANIZATION_RUN:
    'the organization cap; no event sets it, and each account keeps its own cap',
  NOTIFY_ACCOUNTS: 'where the reports go',
  SECURITY_HUB: 'where the findings are sent, not which keys are acted on',
  PRIVILEGE_WEIGHTING: 'how findings are ranked, not which keys are acted on',
  EVIDENCE: 'reads CloudTrail after apply, acts on nothing',
  EVIDENCE_DAYS: 'how much CloudTrail history is read after apply, not which keys are acted on',
  EVIDENCE_MAX_PAGES_PER_KEY: 'how much CloudTrail history is read after apply, not which keys are acted on',
  EVIDENCE_TIME_BUDGET_SECONDS: 'how long CloudTrail is read after apply, not which keys are acted on',
  EXPOSED_KEY_ACTION: 'no ad-hoc event field sets it; only the deployment chooses it',
};

/** Every environment variable the bounds above cover (for the completeness test). */
export const BOUND_SETTINGS: readonly string[] = [
  ...NUMERIC_BOUNDS.map((bound) => bound.env),
  ...EXEMPTION_BOUNDS.map((bound) => bound.env),
  ...RULE_SWITCHES,
];

const PREVIEW = 'use mode "report" to preview';

/** `null` is an optional cap left unset: no cap, so the loosest value a cap can have. */
const asCap = (value: number | null): number => value ?? Number.POSITIVE_INFINITY;

function numericIssues(deployed: Settings, next: Settings): ConfigIssue[] {
  return NUMERIC_BOUNDS.flatMap((bound) => {
    const before = bound.read(deployed);
    const after = bound.read(next);
    const looser = bound.cautious === 'raise' ? (after ?? 0) < (before ?? 0) : asCap(after) > asCap(before);
    if (!looser) return [];
    const verb = bound.cautious === 'raise' ? 'raise' : 'lower';
    const shown = after === null ? 'unset' : describeValue(after);
    return [
      {
        name: bound.setting,
        setting: bound.setting,
        message: `${bound.label} ${shown} is more aggressive than the deployed ${describeValue(before)}: an enforce event may only ${verb} it; ${PREVIEW}`,
      },
    ];
  });
}

function ruleIssues(deployed: Settings, next: Settings): ConfigIssue[] {
  return RULES.flatMap((rule) => {
    const key = rule.settingsKey;
    if (deployed.rules[key].enabled || !next.rules[key].enabled) return [];
    const setting = `rules.${key}.enabled`;
    const label = key === 'inactiveKeyCleanup' ? 'cleanupEnabled' : `rule ${rule.id}`;
    return [
      {
        name: setting,
        setting,
        message: `${label} on is more aggressive than the deployed off: an enforce event may only turn it off; ${PREVIEW}`,
      },
    ];
  });
}

function exemptionIssues(deployed: Settings, next: Settings): ConfigIssue[] {
  return EXEMPTION_BOUNDS.flatMap((bound) => {
    const kept = new Set<string>(next.exemptions[bound.list]);
    const dropped = deployed.exemptions[bound.list].filter((entry) => !kept.has(entry));
    if (dropped.length === 0) return [];
    return [
      {
        name: bound.setting,
        setting: bound.setting,
        message: `${bound.label} without ${dropped.map((entry) => describeValue(entry)).join(', ')} is more aggressive than the deployed exemptions: an enforce event may only add exemptions; ${PREVIEW}`,
      },
    ];
  });
}

/**
 * What makes `next` act on more keys than `deployed` would: a lower threshold, a higher (or
 * removed) cap, a rule or cleanup switched on, an exemption dropped. Empty when `next` is at least
 * as cautious everywhere. Each issue names the setting (by its path; the caller may rename it to
 * the event field) and the deployed value. Only meaningful when `next` enforces: a report-mode run
 * changes nothing and may preview anything.
 *
 * @example
 * moreAggressiveThan(deployed, { ...deployed, maxActionsPerRun: 1000 });
 * // [{ name: 'maxActionsPerRun', message: 'maxActionsPerRun 1000 is more aggressive than the deployed 25: ...' }]
 */
export function moreAggressiveThan(deployed: Settings, next: Settings): ConfigIssue[] {
  return [
    ...numericIssues(deployed, next),
    ...ruleIssues(deployed, next),
    ...exemptionIssues(deployed, next),
  ];
}
