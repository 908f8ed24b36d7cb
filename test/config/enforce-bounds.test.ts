import { describe, expect, it } from 'vitest';
import { BOUND_SETTINGS, moreAggressiveThan, UNBOUND_SETTINGS } from '../../src/config/enforce-bounds.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { SETTINGS_TABLE } from '../../src/config/settings-table.js';

const deployed = loadSettings({
  MODE: 'enforce',
  CLEANUP_DAYS: '60',
  MAX_ACTIONS_PERCENT: '10',
  RULES_DISABLED: 'rotation-overdue',
  EXEMPT_USERS: 'break-glass,ci-*',
  EXEMPT_PATHS: '/system/',
});

const withRules = (rules: Partial<Settings['rules']>): Settings => ({
  ...deployed,
  rules: { ...deployed.rules, ...rules },
});

const withExemptions = (exemptions: Partial<Settings['exemptions']>): Settings => ({
  ...deployed,
  exemptions: { ...deployed.exemptions, ...exemptions },
});

const tail = 'use mode "report" to preview';

describe('Function: moreAggressiveThan', () => {
  it.each([
    ['a longer cleanup delay', withRules({ inactiveKeyCleanup: { enabled: false, days: 90 } })],
    ['a lower percentage cap', { ...deployed, maxActionsPercent: 5 }],
    ['another rule turned off', withRules({ twoActiveKeys: { enabled: false } })],
    ['an exemption added', withExemptions({ userNames: ['break-glass', 'backup'] })],
    [
      'a glob and a path added',
      withExemptions({ userGlobs: ['ci-*', 'svc-*'], paths: ['/system/', '/ops/'] }),
    ],
    ['the deployed settings themselves', deployed],
  ])('finds nothing looser in %s', (_name, next) => {
    // Act, Assess
    expect(moreAggressiveThan(deployed, next)).toEqual([]);
  });

  it.each([
    [
      'a shorter cleanup delay',
      withRules({ inactiveKeyCleanup: { enabled: false, days: 7 } }),
      'rules.inactiveKeyCleanup.days',
      `cleanupDays 7 is more aggressive than the deployed 60: an enforce event may only raise it; ${tail}`,
    ],
    [
      'a higher percentage cap',
      { ...deployed, maxActionsPercent: 50 },
      'maxActionsPercent',
      `maxActionsPercent 50 is more aggressive than the deployed 10: an enforce event may only lower it; ${tail}`,
    ],
    [
      'the percentage cap removed',
      { ...deployed, maxActionsPercent: null },
      'maxActionsPercent',
      `maxActionsPercent unset is more aggressive than the deployed 10: an enforce event may only lower it; ${tail}`,
    ],
    [
      'a rule the deployment disabled turned on',
      withRules({ rotationOverdue: { enabled: true, days: 90 } }),
      'rules.rotationOverdue.enabled',
      `rule rotation-overdue on is more aggressive than the deployed off: an enforce event may only turn it off; ${tail}`,
    ],
    [
      'cleanup turned on while the deployment has it off',
      withRules({ inactiveKeyCleanup: { enabled: true, days: 60 } }),
      'rules.inactiveKeyCleanup.enabled',
      `cleanupEnabled on is more aggressive than the deployed off: an enforce event may only turn it off; ${tail}`,
    ],
    [
      'an exempt user dropped',
      withExemptions({ userNames: [] }),
      'exemptions.userNames',
      `exemptUsers without "break-glass" is more aggressive than the deployed exemptions: an enforce event may only add exemptions; ${tail}`,
    ],
    [
      'an exempt glob dropped',
      withExemptions({ userGlobs: ['svc-*'] }),
      'exemptions.userGlobs',
      `exemptUsers without "ci-*" is more aggressive than the deployed exemptions: an enforce event may only add exemptions; ${tail}`,
    ],
    [
      'an exempt path dropped',
      withExemptions({ paths: [] }),
      'exemptions.paths',
      `exemptPaths without "/system/" is more aggressive than the deployed exemptions: an enforce event may only add exemptions; ${tail}`,
    ],
  ])('finds %s, naming the setting and the deployed value', (_name, next, setting, message) => {
    // Act
    const issues = moreAggressiveThan(deployed, next);

    // Assess
    expect(issues).toEqual([{ name: setting, setting, message }]);
  });

  it('treats a percentage cap added where none was deployed as more cautious', () => {
    // Prepare
    const uncapped = { ...deployed, maxActionsPercent: null };

    // Act, Assess
    expect(moreAggressiveThan(uncapped, { ...uncapped, maxActionsPercent: 100 })).toEqual([]);
  });

  it('covers every setting: each is bound, or says why it cannot widen which keys are acted on', () => {
    // Prepare
    const envs: string[] = SETTINGS_TABLE.map((entry) => entry.env);
    const bound = new Set(BOUND_SETTINGS);

    // Assess
    for (const env of envs) {
      expect(bound.has(env) !== env in UNBOUND_SETTINGS, `${env}: bound or unbound, exactly one`).toBe(true);
    }
    expect([...bound, ...Object.keys(UNBOUND_SETTINGS)].filter((env) => !envs.includes(env))).toEqual([]);
  });
});
