import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../src/config/settings.js';
import { SETTINGS_DOC } from '../../src/config/settings-table.js';

/** The message `loadSettings` throws for `env`, or fails the test when it does not throw. */
function settingsErrorFor(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('Function: loadSettings', () => {
  it('applies the documented defaults when nothing is set', () => {
    // Prepare
    const env = {};

    // Act
    const settings = loadSettings(env);

    // Assess
    expect(settings).toEqual({
      mode: 'report',
      preset: 'default',
      rules: {
        unusedKey: { enabled: true, days: 90, warnDays: 76 },
        neverUsedKey: { enabled: true, days: 7 },
        rotationOverdue: { enabled: true, days: 90 },
        twoActiveKeys: { enabled: true },
        rootAccessKey: { enabled: true },
        inactiveKeyCleanup: { enabled: false, days: 30 },
        exposedKey: { enabled: true, action: 'deactivate' },
      },
      exemptions: { userNames: [], userGlobs: [], paths: [] },
      maxActionsPerRun: 25,
      maxActionsPercent: null,
      concurrency: 8,
      timeBudgetMarginSeconds: 60,
      inventorySource: 'auto',
      credentialReportMaxAgeHours: 4,
      credentialReportWaitSeconds: 60,
      asOf: null,
      reportTopicArn: null,
      reportTopicName: null,
      chatFormat: 'json',
      maxTeamMessages: 50,
      slackWebhookParameter: null,
      ownerTagKeys: ['owner', 'email', 'contact'],
      teamDirectory: null,
      ownerTrailPages: 5,
      notices: 'on',
      noticeDays: 7,
      noticeSender: null,
      answerSecret: null,
      answerPageUrl: null,
      snoozeMaxDays: 30,
      snoozeLimit: 1,
      reportBucket: null,
      accounts: [],
      includeAccounts: [],
      excludeAccounts: [],
      organizationUnitIds: [],
      organizationRoleArn: null,
      memberRoleName: 'KeyHygieneMemberRole',
      organizationConcurrency: 20,
      maxActionsPerOrganizationRun: 100,
      notifyAccounts: false,
      securityHub: 'off',
      privilegeWeighting: 'on',
      evidence: 'off',
      evidenceDays: 90,
      evidenceMaxPagesPerKey: 4,
      evidenceTimeBudgetSeconds: 120,
    });
  });

  it('treats empty and blank values as unset, as serverless params default to an empty string', () => {
    // Prepare
    const env: Record<string, string> = Object.fromEntries(SETTINGS_DOC.map((row) => [row.env, '']));
    env.MODE = '   ';

    // Act
    const settings = loadSettings(env);

    // Assess
    expect(settings).toEqual(loadSettings({}));
  });

  it('reads every setting from its environment variable', () => {
    // Prepare
    const env = {
      MODE: 'enforce',
      PRESET: 'default',
      UNUSED_KEY_DAYS: '120',
      UNUSED_KEY_WARN_DAYS: '100',
      NEVER_USED_KEY_DAYS: '14',
      ROTATION_DAYS: '365',
      RULES_DISABLED: 'two-active-keys, rotation-overdue',
      CLEANUP_ENABLED: 'TRUE',
      CLEANUP_DAYS: '60',
      EXEMPT_USERS: 'backup, ci-*,svc-??',
      EXEMPT_PATHS: '/system/,/service',
      MAX_ACTIONS_PER_RUN: '10',
      MAX_ACTIONS_PERCENT: '12.5',
      CONCURRENCY: '16',
      TIME_BUDGET_MARGIN_SECONDS: '30',
      INVENTORY_SOURCE: 'credential-report',
      CREDENTIAL_REPORT_MAX_AGE_HOURS: '12',
      CREDENTIAL_REPORT_WAIT_SECONDS: '120',
      AS_OF: '2027-01-01T00:00:00+02:00',
      REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:security-reports',
      REPORT_TOPIC_NAME: 'key-hygiene-reports',
      CHAT_FORMAT: 'chatbot',
      MAX_TEAM_MESSAGES: '0',
      SLACK_WEBHOOK_PARAMETER: '/key-hygiene/slack-webhook',
      OWNER_TAG_KEYS: 'owner-email, contact',
      TEAM_DIRECTORY: 's3://acme-key-hygiene-reports/owners/teams.json',
      OWNER_TRAIL_PAGES: '0',
      NOTICES: 'off',
      NOTICE_DAYS: '14',
      NOTICE_SENDER: 'key-hygiene@acme.example',
      REPORT_BUCKET: 'acme-key-hygiene-reports',
      ACCOUNTS: '111111111111, 222222222222',
      INCLUDE_ACCOUNTS: '222222222222',
      EXCLUDE_ACCOUNTS: '333333333333',
      ORGANIZATION_UNIT_IDS: 'ou-ab12-cdefgh34,r-ab12',
      ORGANIZATION_ROLE_ARN: 'arn:aws:iam::111111111111:role/security/OrgReader',
      MEMBER_ROLE_NAME: 'AuditRole',
      ORGANIZATION_CONCURRENCY: '100',
      MAX_ACTIONS_PER_ORGANIZATION_RUN: '500',
      NOTIFY_ACCOUNTS: 'true',
      SECURITY_HUB: 'on',
      PRIVILEGE_WEIGHTING: 'off',
      EVIDENCE: 'on',
      EVIDENCE_DAYS: '30',
      EVIDENCE_MAX_PAGES_PER_KEY: '10',
      EVIDENCE_TIME_BUDGET_SECONDS: '300',
      EXPOSED_KEY_ACTION: 'notify',
    };

    // Act
    const settings = loadSettings(env);

    // Assess
    expect(settings).toEqual({
      mode: 'enforce',
      preset: 'default',
      rules: {
        unusedKey: { enabled: true, days: 120, warnDays: 100 },
        neverUsedKey: { enabled: true, days: 14 },
        rotationOverdue: { enabled: false, days: 365 },
        twoActiveKeys: { enabled: false },
        rootAccessKey: { enabled: true },
        inactiveKeyCleanup: { enabled: true, days: 60 },
        exposedKey: { enabled: true, action: 'notify' },
      },
      exemptions: { userNames: ['backup'], userGlobs: ['ci-*', 'svc-??'], paths: ['/system/', '/service/'] },
      maxActionsPerRun: 10,
      maxActionsPercent: 12.5,
      concurrency: 16,
      timeBudgetMarginSeconds: 30,
      inventorySource: 'credential-report',
      credentialReportMaxAgeHours: 12,
      credentialReportWaitSeconds: 120,
      asOf: new Date('2026-12-31T22:00:00Z'),
      reportTopicArn: 'arn:aws:sns:eu-west-1:111111111111:security-reports',
      reportTopicName: 'key-hygiene-reports',
      chatFormat: 'chatbot',
      maxTeamMessages: 0,
      slackWebhookParameter: '/key-hygiene/slack-webhook',
      ownerTagKeys: ['owner-email', 'contact'],
      teamDirectory: 's3://acme-key-hygiene-reports/owners/teams.json',
      ownerTrailPages: 0,
      notices: 'off',
      noticeDays: 14,
      noticeSender: 'key-hygiene@acme.example',
      answerSecret: null,
      answerPageUrl: null,
      snoozeMaxDays: 30,
      snoozeLimit: 1,
      reportBucket: 'acme-key-hygiene-reports',
      accounts: ['111111111111', '222222222222'],
      includeAccounts: ['222222222222'],
      excludeAccounts: ['333333333333'],
      organizationUnitIds: ['ou-ab12-cdefgh34', 'r-ab12'],
      organizationRoleArn: 'arn:aws:iam::111111111111:role/security/OrgReader',
      memberRoleName: 'AuditRole',
      organizationConcurrency: 100,
      maxActionsPerOrganizationRun: 500,
      notifyAccounts: true,
      securityHub: 'on',
      privilegeWeighting: 'off',
      evidence: 'on',
      evidenceDays: 30,
      evidenceMaxPagesPerKey: 10,
      evidenceTimeBudgetSeconds: 300,
    });
  });

  describe('presets', () => {
    it('deactivates after 45 days and warns from 31 with the cis preset', () => {
      // Prepare
      const env = { PRESET: 'cis' };

      // Act
      const settings = loadSettings(env);

      // Assess
      expect(settings.preset).toBe('cis');
      expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 45, warnDays: 31 });
      expect(settings.rules.neverUsedKey.days).toBe(7);
      expect(settings.rules.rotationOverdue.days).toBe(90);
    });

    it('lets explicit thresholds win over the preset', () => {
      // Prepare
      const env = { PRESET: 'cis', UNUSED_KEY_DAYS: '60', UNUSED_KEY_WARN_DAYS: '40' };

      // Act
      const settings = loadSettings(env);

      // Assess
      expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 60, warnDays: 40 });
    });

    it('warns 14 days before an explicit unused-key threshold given without a warning day', () => {
      // Prepare
      const env = { PRESET: 'cis', UNUSED_KEY_DAYS: '30' };

      // Act
      const settings = loadSettings(env);

      // Assess
      expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 30, warnDays: 16 });
    });

    it('keeps the warning on day 1 at least when the threshold is very short', () => {
      // Prepare
      const env = { UNUSED_KEY_DAYS: '5' };

      // Act
      const settings = loadSettings(env);

      // Assess
      expect(settings.rules.unusedKey.warnDays).toBe(1);
    });
  });

  describe('errors name the environment variable and the setting', () => {
    it.each([
      [
        { UNUSED_KEY_DAYS: 'abc' },
        'Invalid setting UNUSED_KEY_DAYS (rules.unusedKey.days): expected an integer from 2 to 3650, got "abc"',
      ],
      [
        { UNUSED_KEY_DAYS: '1e2' },
        'Invalid setting UNUSED_KEY_DAYS (rules.unusedKey.days): expected an integer from 2 to 3650, got "1e2"',
      ],
      [
        { NEVER_USED_KEY_DAYS: '0' },
        'Invalid setting NEVER_USED_KEY_DAYS (rules.neverUsedKey.days): expected an integer from 1 to 3650, got "0"',
      ],
      [
        { ROTATION_DAYS: '9.5' },
        'Invalid setting ROTATION_DAYS (rules.rotationOverdue.days): expected an integer from 1 to 3650, got "9.5"',
      ],
      [
        { CLEANUP_DAYS: '-3' },
        'Invalid setting CLEANUP_DAYS (rules.inactiveKeyCleanup.days): expected an integer from 1 to 3650, got "-3"',
      ],
      [{ MODE: 'enforse' }, 'Invalid setting MODE (mode): expected "report" or "enforce", got "enforse"'],
      [{ PRESET: 'nist' }, 'Invalid setting PRESET (preset): expected "default" or "cis", got "nist"'],
      [
        { CLEANUP_ENABLED: 'yes' },
        'Invalid setting CLEANUP_ENABLED (rules.inactiveKeyCleanup.enabled): expected "true" or "false", got "yes"',
      ],
      [
        { MAX_ACTIONS_PER_RUN: '0' },
        'Invalid setting MAX_ACTIONS_PER_RUN (maxActionsPerRun): expected an integer from 1 to 1000, got "0"',
      ],
      [
        { MAX_ACTIONS_PER_RUN: '1001' },
        'Invalid setting MAX_ACTIONS_PER_RUN (maxActionsPerRun): expected an integer from 1 to 1000, got "1001"',
      ],
      [
        { MAX_ACTIONS_PERCENT: '0' },
        'Invalid setting MAX_ACTIONS_PERCENT (maxActionsPercent): expected a percentage greater than 0 and at most 100, got "0"',
      ],
      [
        { MAX_ACTIONS_PERCENT: '150' },
        'Invalid setting MAX_ACTIONS_PERCENT (maxActionsPercent): expected a percentage greater than 0 and at most 100, got "150"',
      ],
      [
        { CONCURRENCY: '65' },
        'Invalid setting CONCURRENCY (concurrency): expected an integer from 1 to 64, got "65"',
      ],
      [
        { INVENTORY_SOURCE: 'report' },
        'Invalid setting INVENTORY_SOURCE (inventorySource): expected "auto", "live" or "credential-report", got "report"',
      ],
      [
        { CREDENTIAL_REPORT_MAX_AGE_HOURS: '0' },
        'Invalid setting CREDENTIAL_REPORT_MAX_AGE_HOURS (credentialReportMaxAgeHours): expected an integer from 1 to 168, got "0"',
      ],
      [
        { CREDENTIAL_REPORT_WAIT_SECONDS: '601' },
        'Invalid setting CREDENTIAL_REPORT_WAIT_SECONDS (credentialReportWaitSeconds): expected an integer from 1 to 600, got "601"',
      ],
      [
        { TIME_BUDGET_MARGIN_SECONDS: 'soon' },
        'Invalid setting TIME_BUDGET_MARGIN_SECONDS (timeBudgetMarginSeconds): expected an integer from 1 to 900, got "soon"',
      ],
      [
        { AS_OF: '2027-01-01' },
        'Invalid setting AS_OF (asOf): expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z", got "2027-01-01"',
      ],
      [
        { AS_OF: '2005-12-31T23:59:59Z' },
        'Invalid setting AS_OF (asOf): expected a date-time after 2006-01-01, got "2005-12-31T23:59:59Z"',
      ],
      [
        { REPORT_TOPIC_ARN: 'security-reports' },
        'Invalid setting REPORT_TOPIC_ARN (reportTopicArn): expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "security-reports"',
      ],
      [
        { REPORT_TOPIC_NAME: 'reports topic' },
        'Invalid setting REPORT_TOPIC_NAME (reportTopicName): expected an SNS topic name: letters, digits, - and _, got "reports topic"',
      ],
      [
        { REPORT_BUCKET: 'Acme_Reports' },
        'Invalid setting REPORT_BUCKET (reportBucket): expected an S3 bucket name: 3 to 63 of a-z, 0-9, "." and "-", starting and ending with a letter or digit, got "Acme_Reports"',
      ],
      [
        { EXEMPT_USERS: 'backup, bad name' },
        'Invalid setting EXEMPT_USERS (exemptions.userNames, exemptions.userGlobs): expected a user name or a glob: letters, digits, +=.@_- and * ?, got "bad name"',
      ],
      [
        { EXEMPT_USERS: 'backup,*' },
        'Invalid setting EXEMPT_USERS (exemptions.userNames, exemptions.userGlobs): a glob of only "*" would exempt every user; use MODE=report instead',
      ],
      [
        { EXEMPT_PATHS: '/' },
        'Invalid setting EXEMPT_PATHS (exemptions.paths): the path "/" would exempt every user',
      ],
      [
        { EXEMPT_PATHS: 'system' },
        'Invalid setting EXEMPT_PATHS (exemptions.paths): expected an IAM path such as /system/, got "system"',
      ],
    ])('refuses %j', (env, message) => {
      // Prepare, Act
      const error = settingsErrorFor(env);

      // Assess
      expect(error).toBe(message);
    });

    it('refuses an unknown rule id in RULES_DISABLED, naming it', () => {
      // Prepare
      const env = { RULES_DISABLED: 'unused-key,unused-keys' };

      // Act
      const error = settingsErrorFor(env);

      // Assess
      expect(error).toMatch(/^Invalid setting RULES_DISABLED \(rules\.<rule>\.enabled\): expected rule ids/);
      expect(error).toContain('got "unused-keys"');
    });

    it('refuses a warning day that is not before the unused-key threshold', () => {
      // Prepare
      const env = { UNUSED_KEY_DAYS: '60', UNUSED_KEY_WARN_DAYS: '60' };

      // Act
      const error = settingsErrorFor(env);

      // Assess
      expect(error).toBe(
        'Invalid setting UNUSED_KEY_WARN_DAYS (rules.unusedKey.warnDays): expected fewer days than the unused-key threshold (60), got 60',
      );
    });

    it('refuses a warning day past the preset threshold', () => {
      // Prepare
      const env = { PRESET: 'cis', UNUSED_KEY_WARN_DAYS: '50' };

      // Act
      const error = settingsErrorFor(env);

      // Assess
      expect(error).toContain('Invalid setting UNUSED_KEY_WARN_DAYS');
      expect(error).toContain('(45)');
    });

    it('refuses enabling the cleanup rule while also disabling it', () => {
      // Prepare
      const env = { CLEANUP_ENABLED: 'true', RULES_DISABLED: 'inactive-key-cleanup' };

      // Act
      const error = settingsErrorFor(env);

      // Assess
      expect(error).toContain('Invalid setting RULES_DISABLED');
      expect(error).toContain('CLEANUP_ENABLED');
    });

    it('names every bad variable at once', () => {
      // Prepare
      const env = { MODE: 'x', CONCURRENCY: '0' };

      // Act
      const caught = (() => {
        try {
          loadSettings(env);
        } catch (error) {
          return error as SettingsError;
        }
        throw new Error('expected a SettingsError');
      })();

      // Assess
      expect(caught.issues.map((issue) => issue.name)).toEqual(['MODE', 'CONCURRENCY']);
      expect(caught.name).toBe('SettingsError');
    });
  });
});

describe('Constant: SETTINGS_DOC', () => {
  it('documents each of the environment variables the Lambda reads, once', () => {
    // Prepare
    const expected = [
      'MODE',
      'PRESET',
      'UNUSED_KEY_DAYS',
      'UNUSED_KEY_WARN_DAYS',
      'NEVER_USED_KEY_DAYS',
      'ROTATION_DAYS',
      'RULES_DISABLED',
      'CLEANUP_ENABLED',
      'CLEANUP_DAYS',
      'EXEMPT_USERS',
      'EXEMPT_PATHS',
      'MAX_ACTIONS_PER_RUN',
      'MAX_ACTIONS_PERCENT',
      'CONCURRENCY',
      'TIME_BUDGET_MARGIN_SECONDS',
      'INVENTORY_SOURCE',
      'CREDENTIAL_REPORT_MAX_AGE_HOURS',
      'CREDENTIAL_REPORT_WAIT_SECONDS',
      'AS_OF',
      'REPORT_TOPIC_ARN',
      'REPORT_TOPIC_NAME',
      'CHAT_FORMAT',
      'MAX_TEAM_MESSAGES',
      'SLACK_WEBHOOK_PARAMETER',
      'OWNER_TAG_KEYS',
      'TEAM_DIRECTORY',
      'OWNER_TRAIL_PAGES',
      'NOTICES',
      'NOTICE_DAYS',
      'NOTICE_SENDER',
      'ANSWER_SECRET',
      'ANSWER_PAGE_URL',
      'SNOOZE_MAX_DAYS',
      'SNOOZE_LIMIT',
      'REPORT_BUCKET',
      'ACCOUNTS',
      'INCLUDE_ACCOUNTS',
      'EXCLUDE_ACCOUNTS',
      'ORGANIZATION_UNIT_IDS',
      'ORGANIZATION_ROLE_ARN',
      'MEMBER_ROLE_NAME',
      'ORGANIZATION_CONCURRENCY',
      'MAX_ACTIONS_PER_ORGANIZATION_RUN',
      'NOTIFY_ACCOUNTS',
      'SECURITY_HUB',
      'PRIVILEGE_WEIGHTING',
      'EVIDENCE',
      'EVIDENCE_DAYS',
      'EVIDENCE_MAX_PAGES_PER_KEY',
      'EVIDENCE_TIME_BUDGET_SECONDS',
      'EXPOSED_KEY_ACTION',
    ];

    // Act
    const envs = SETTINGS_DOC.map((row) => row.env);

    // Assess
    expect(envs).toEqual(expected);
    expect(new Set(SETTINGS_DOC.map((row) => row.param)).size).toBe(expected.length);
    for (const row of SETTINGS_DOC) {
      expect(row.description.length).toBeGreaterThan(10);
      expect(row.param).toMatch(/^[a-z][A-Za-z]+$/);
    }
  });

  it('documents defaults that loadSettings actually applies', () => {
    // Prepare
    const defaults = loadSettings({});
    const doc = (env: string) => SETTINGS_DOC.find((row) => row.env === env)?.default;

    // Act, Assess
    expect(doc('MODE')).toBe(defaults.mode);
    expect(doc('MAX_ACTIONS_PER_RUN')).toBe(String(defaults.maxActionsPerRun));
    expect(doc('CONCURRENCY')).toBe(String(defaults.concurrency));
    expect(doc('UNUSED_KEY_DAYS')).toMatch(new RegExp(`^${defaults.rules.unusedKey.days} `));
    expect(doc('NEVER_USED_KEY_DAYS')).toBe(String(defaults.rules.neverUsedKey.days));
  });
});
