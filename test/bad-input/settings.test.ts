import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { SETTINGS_TABLE, type SettingEntry } from '../../src/config/settings-table.js';
import { type CallStats, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { relativeFixture } from '../support/relative-fixture.js';
import { coldStart } from '../support/sandbox-lifecycle.js';

let sandbox: RunningSandbox;

const calls = async (): Promise<CallStats> =>
  (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as CallStats;

interface Case {
  env: Record<string, string>;
  error: RegExp;
}

/**
 * Bad values picked by hand for the environment variables the functions read (the deployment's
 * params), each with the exact sentence it must produce: the cold start fails naming the variable
 * and its setting.
 */
const CASES: readonly Case[] = [
  {
    env: { MODE: 'enforse' },
    error: /Invalid setting MODE \(mode\): expected "report" or "enforce", got "enforse"/,
  },
  {
    env: { PRESET: 'nist' },
    error: /Invalid setting PRESET \(preset\): expected "default" or "cis", got "nist"/,
  },
  {
    env: { UNUSED_KEY_DAYS: 'ninety' },
    error:
      /Invalid setting UNUSED_KEY_DAYS \(rules\.unusedKey\.days\): expected an integer from 2 to 3650, got "ninety"/,
  },
  {
    env: { UNUSED_KEY_DAYS: '-90' },
    error:
      /Invalid setting UNUSED_KEY_DAYS \(rules\.unusedKey\.days\): expected an integer from 2 to 3650, got "-90"/,
  },
  {
    env: { UNUSED_KEY_WARN_DAYS: '0' },
    error:
      /Invalid setting UNUSED_KEY_WARN_DAYS \(rules\.unusedKey\.warnDays\): expected an integer from 1 to 3649, got "0"/,
  },
  {
    env: { UNUSED_KEY_WARN_DAYS: '95' },
    error:
      /Invalid setting UNUSED_KEY_WARN_DAYS \(rules\.unusedKey\.warnDays\): expected fewer days than the unused-key threshold \(90\), got 95/,
  },
  {
    env: { NEVER_USED_KEY_DAYS: '7 days' },
    error:
      /Invalid setting NEVER_USED_KEY_DAYS \(rules\.neverUsedKey\.days\): expected an integer from 1 to 3650, got "7 days"/,
  },
  {
    env: { ROTATION_DAYS: '99999' },
    error:
      /Invalid setting ROTATION_DAYS \(rules\.rotationOverdue\.days\): expected an integer from 1 to 3650, got "99999"/,
  },
  {
    env: { RULES_DISABLED: 'unused-keys' },
    error: /Invalid setting RULES_DISABLED .*expected rule ids separated by commas/,
  },
  { env: { CLEANUP_ENABLED: 'yes' }, error: /Invalid setting CLEANUP_ENABLED .*expected "true" or "false"/ },
  {
    // Deletion is irreversible: it needs the archived reports to confirm each deactivation.
    env: { CLEANUP_ENABLED: 'true' },
    error: /Invalid setting REPORT_BUCKET \(reportBucket\): is required when CLEANUP_ENABLED is "true"/,
  },
  {
    env: { CLEANUP_DAYS: '0' },
    error:
      /Invalid setting CLEANUP_DAYS \(rules\.inactiveKeyCleanup\.days\): expected an integer from 1 to 3650, got "0"/,
  },
  {
    env: { EXEMPT_USERS: 'ci-*,*' },
    error: /Invalid setting EXEMPT_USERS .*a glob of only "\*" would exempt every user/,
  },
  {
    env: { EXEMPT_USERS: 'bad name' },
    error: /Invalid setting EXEMPT_USERS .*expected a user name or a glob/,
  },
  {
    env: { EXEMPT_PATHS: 'service/' },
    error: /Invalid setting EXEMPT_PATHS .*expected an IAM path such as \/system\//,
  },
  {
    env: { EXEMPT_PATHS: '/' },
    error: /Invalid setting EXEMPT_PATHS .*the path "\/" would exempt every user/,
  },
  {
    env: { MAX_ACTIONS_PER_RUN: '0' },
    error:
      /Invalid setting MAX_ACTIONS_PER_RUN \(maxActionsPerRun\): expected an integer from 1 to 1000, got "0"/,
  },
  {
    env: { MAX_ACTIONS_PER_RUN: '1e6' },
    error:
      /Invalid setting MAX_ACTIONS_PER_RUN \(maxActionsPerRun\): expected an integer from 1 to 1000, got "1e6"/,
  },
  {
    env: { MAX_ACTIONS_PERCENT: '0' },
    error:
      /Invalid setting MAX_ACTIONS_PERCENT \(maxActionsPercent\): expected a percentage greater than 0 and at most 100, got "0"/,
  },
  {
    env: { MAX_ACTIONS_PERCENT: '150' },
    error:
      /Invalid setting MAX_ACTIONS_PERCENT \(maxActionsPercent\): expected a percentage greater than 0 and at most 100, got "150"/,
  },
  {
    env: { CONCURRENCY: '65' },
    error: /Invalid setting CONCURRENCY \(concurrency\): expected an integer from 1 to 64, got "65"/,
  },
  {
    env: { TIME_BUDGET_MARGIN_SECONDS: '-1' },
    error:
      /Invalid setting TIME_BUDGET_MARGIN_SECONDS \(timeBudgetMarginSeconds\): expected an integer from 1 to 900, got "-1"/,
  },
  {
    // No margin: the run would never stop early, and Lambda would end it at its timeout unreported.
    env: { TIME_BUDGET_MARGIN_SECONDS: '0' },
    error:
      /Invalid setting TIME_BUDGET_MARGIN_SECONDS \(timeBudgetMarginSeconds\): expected an integer from 1 to 900, got "0"/,
  },
  {
    env: { INVENTORY_SOURCE: 'report' },
    error:
      /Invalid setting INVENTORY_SOURCE \(inventorySource\): expected "auto", "live" or "credential-report", got "report"/,
  },
  {
    env: { CREDENTIAL_REPORT_MAX_AGE_HOURS: '0' },
    error:
      /Invalid setting CREDENTIAL_REPORT_MAX_AGE_HOURS \(credentialReportMaxAgeHours\): expected an integer from 1 to 168, got "0"/,
  },
  {
    env: { CREDENTIAL_REPORT_WAIT_SECONDS: '1h' },
    error:
      /Invalid setting CREDENTIAL_REPORT_WAIT_SECONDS \(credentialReportWaitSeconds\): expected an integer from 1 to 600, got "1h"/,
  },
  {
    env: { REPORT_BUCKET: 'My_Reports' },
    error: /Invalid setting REPORT_BUCKET \(reportBucket\): expected an S3 bucket name/,
  },
  {
    env: { CHAT_FORMAT: 'html' },
    error: /Invalid setting CHAT_FORMAT \(chatFormat\): expected "json" or "chatbot", got "html"/,
  },
  {
    env: { MAX_TEAM_MESSAGES: '501' },
    error:
      /Invalid setting MAX_TEAM_MESSAGES \(maxTeamMessages\): expected an integer from 0 to 500, got "501"/,
  },
  {
    env: { OWNER_TAG_KEYS: 'owner,aws:createdBy' },
    error:
      /Invalid setting OWNER_TAG_KEYS \(ownerTagKeys\): expected an IAM tag key: 1 to 128 letters, digits, spaces or _\.:\/=\+-@, not starting with aws:, got "aws:createdBy"/,
  },
  {
    env: { TEAM_DIRECTORY: 'ssm:/teams' },
    error:
      /Invalid setting TEAM_DIRECTORY \(teamDirectory\): expected ssm:\/key-hygiene\/owners\/<name> \(an SSM String parameter\) or s3:\/\/<reportBucket>\/owners\/<key> \(the role may read only there\), got "ssm:\/teams"/,
  },
  {
    env: { TEAM_DIRECTORY: 's3://elsewhere/owners/teams.json', REPORT_BUCKET: 'acme-reports' },
    error:
      /Invalid setting TEAM_DIRECTORY \(teamDirectory\): names the bucket elsewhere, but the role may read a team directory only in the report bucket \(acme-reports\)/,
  },
  {
    env: { NOTICE_DAYS: '91' },
    error: /Invalid setting NOTICE_DAYS \(noticeDays\): expected an integer from 1 to 90, got "91"/,
  },
  {
    env: { NOTICES: 'sometimes' },
    error: /Invalid setting NOTICES \(notices\): expected "on" or "off", got "sometimes"/,
  },
  {
    env: { NOTICE_SENDER: 'Key Hygiene <notices@acme.example>' },
    error: /Invalid setting NOTICE_SENDER \(noticeSender\): expected one email address/,
  },
  {
    env: { OWNER_TRAIL_PAGES: '21' },
    error:
      /Invalid setting OWNER_TRAIL_PAGES \(ownerTrailPages\): expected an integer from 0 to 20, got "21"/,
  },
  {
    env: { SLACK_WEBHOOK_PARAMETER: 'no slash' },
    error:
      /Invalid setting SLACK_WEBHOOK_PARAMETER \(slackWebhookParameter\): expected an SSM parameter name/,
  },
  {
    env: { AS_OF: 'next tuesday' },
    error: /Invalid setting AS_OF \(asOf\): expected an ISO 8601 date-time with a time zone/,
  },
  {
    env: { AS_OF: '1999-01-01T00:00:00Z' },
    error: /Invalid setting AS_OF \(asOf\): expected a date-time after 2006-01-01/,
  },
  {
    env: { REPORT_TOPIC_ARN: 'key-hygiene-reports' },
    error: /Invalid setting REPORT_TOPIC_ARN \(reportTopicArn\): expected an SNS topic ARN/,
  },
  {
    env: { REPORT_TOPIC_NAME: 'reports; rm -rf /' },
    error: /Invalid setting REPORT_TOPIC_NAME \(reportTopicName\): expected an SNS topic name/,
  },
];

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Values wrong for an entry's kind; for numbers, also each side of the range its schema allows. */
function badValues(entry: SettingEntry): string[] {
  if (entry.text === 'boolean') return ['yes'];
  if (entry.text !== 'integer' && entry.text !== 'number') return ['not valid at all!'];
  const bad = ['ten'];
  if (entry.value instanceof z.ZodNumber) {
    const { minValue, maxValue } = entry.value;
    if (minValue !== null) bad.push(String(minValue - 1));
    if (maxValue !== null) bad.push(String(maxValue + 1));
  }
  return bad;
}

/**
 * Bad values for every entry of the settings table, so a new setting is covered by being added:
 * each must be refused naming the variable, its setting and the value.
 */
const GENERATED_CASES: readonly Case[] = SETTINGS_TABLE.flatMap((entry: SettingEntry) =>
  badValues(entry).map((value) => ({
    env: { [entry.env]: value },
    error: new RegExp(
      `Invalid setting ${entry.env} \\(${literal(entry.setting)}\\): [^;]*got ${literal(JSON.stringify(value))}`,
    ),
  })),
);

describe('Bad input: deployment settings', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: relativeFixture() });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    // Assess, for every case: not a single AWS request.
    expect((await calls()).total).toBe(0);
  });

  it('has a bad value for every setting the functions read', () => {
    const covered = new Set([...CASES, ...GENERATED_CASES].flatMap((c) => Object.keys(c.env)));
    expect(SETTINGS_TABLE.map((entry) => entry.env).filter((env) => !covered.has(env))).toEqual([]);
  });

  it.each([...CASES, ...GENERATED_CASES])(
    'fails the cold start on $env, naming the setting',
    async ({ env, error }) => {
      for (const handler of ['scheduled-audit', 'adhoc-audit'] as const) {
        // Act
        const attempt = coldStart(sandbox, handler, env);
        // Assess
        await expect(attempt).rejects.toThrow(error);
      }
    },
  );
});
