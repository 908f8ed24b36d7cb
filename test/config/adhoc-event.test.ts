import { describe, expect, it } from 'vitest';
import { adhocEventSchema, applyEventOverrides, parseAdhocEvent } from '../../src/config/adhoc-event.js';
import { EventValidationError } from '../../src/config/errors.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';

/** The message `parseAdhocEvent` throws for `input`, or fails the test when it does not throw. */
function eventErrorFor(input: unknown): string {
  try {
    parseAdhocEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('Function: parseAdhocEvent', () => {
  it('accepts an empty event: audit the whole account with the deployed settings', () => {
    // Prepare
    const input = {};

    // Act
    const event = parseAdhocEvent(input);

    // Assess
    expect(event).toEqual({});
  });

  it('accepts every field', () => {
    // Prepare
    const input = {
      mode: 'enforce',
      users: ['alice', 'ci+deploy@example.com', 'svc_backup-01'],
      asOf: '2027-01-01T00:00:00Z',
      notify: true,
      preset: 'cis',
      maxActionsPerRun: 5,
      thresholds: { unusedKeyDays: 60, unusedKeyWarnDays: 50, neverUsedKeyDays: 3, rotationDays: 180 },
    };

    // Act
    const event = parseAdhocEvent(input);

    // Assess
    expect(event).toEqual(input);
  });

  it('accepts an undo event, the sample in events/ included', async () => {
    // Prepare
    const { readFile } = await import('node:fs/promises');
    const sample: unknown = JSON.parse(await readFile('events/adhoc-undo.json', 'utf8'));

    // Act
    const event = parseAdhocEvent(sample);

    // Assess
    expect(event).toEqual({ undo: '20261120T030000Z-1a2b3c', notify: true });
    expect(parseAdhocEvent({ undo: '20261120T030000Z-1a2b3c' })).toEqual({ undo: '20261120T030000Z-1a2b3c' });
  });

  it('accepts a date-time with an offset', () => {
    // Prepare
    const input = { asOf: '2027-01-01T09:30:00.250+02:00' };

    // Act
    const event = parseAdhocEvent(input);

    // Assess
    expect(event.asOf).toBe('2027-01-01T09:30:00.250+02:00');
  });

  it.each([
    [{ mode: 'enforse' }, 'Invalid event: mode: expected "report" or "enforce", got "enforse"'],
    [
      { asOf: 'next tuesday' },
      'Invalid event: asOf: expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z", got "next tuesday"',
    ],
    [
      { asOf: '2027-02-30T00:00:00Z' },
      'Invalid event: asOf: expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z", got "2027-02-30T00:00:00Z"',
    ],
    [
      { asOf: '2027-01-01T00:00:00' },
      'Invalid event: asOf: expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z", got "2027-01-01T00:00:00"',
    ],
    [
      { asOf: 1798761600000 },
      'Invalid event: asOf: expected an ISO 8601 date-time with a time zone, such as "2027-01-01T00:00:00Z", got 1798761600000',
    ],
    [
      { asOf: '2005-12-31T00:00:00Z' },
      'Invalid event: asOf: expected a date-time after 2006-01-01, got "2005-12-31T00:00:00Z"',
    ],
    [
      { mode: 'report', dryRun: true },
      'Invalid event: dryRun: unknown field; expected one of mode, users, asOf, notify, preset, maxActionsPerRun, thresholds, undo, trustTags',
    ],
    [
      { undo: '2026-11-20' },
      'Invalid event: undo: expected the runId of an earlier run, such as "20261120T030000Z-1a2b3c" (see its report), got "2026-11-20"',
    ],
    [
      { undo: '20261120T030000Z-1a2b3c', asOf: '2027-01-01T00:00:00Z', thresholds: { rotationDays: 30 } },
      'Invalid event: asOf: cannot be combined with undo; an undo event takes only "undo", "notify" and "trustTags"; thresholds: cannot be combined with undo; an undo event takes only "undo", "notify" and "trustTags"',
    ],
    [
      { mode: 'report', trustTags: true },
      'Invalid event: trustTags: applies only to an undo ({ "undo": "<runId>", "trustTags": true })',
    ],
    [
      { thresholds: { unusedDays: 30 } },
      'Invalid event: thresholds.unusedDays: unknown field; expected one of unusedKeyDays, unusedKeyWarnDays, neverUsedKeyDays, rotationDays',
    ],
    [
      { users: Array.from({ length: 1001 }, (_, index) => `user-${index}`) },
      'Invalid event: users: expected a list of 1 to 1000 IAM user names, got a list of 1001',
    ],
    [{ users: [] }, 'Invalid event: users: expected a list of 1 to 1000 IAM user names, got a list of 0'],
    [{ users: 'alice' }, 'Invalid event: users: expected a list of 1 to 1000 IAM user names, got "alice"'],
    [
      { users: ['alice', 'bob\u0007'] },
      'Invalid event: users.1: expected an IAM user name: 1 to 64 letters, digits or +=,.@_-, got "bob\\u0007"',
    ],
    [
      { users: ['alice', 'a'.repeat(65)] },
      `Invalid event: users.1: expected an IAM user name: 1 to 64 letters, digits or +=,.@_-, got "${'a'.repeat(65)}"`,
    ],
    [{ users: ['alice', 'Alice'] }, 'Invalid event: users.1: "Alice" is listed twice'],
    [{ notify: 'yes' }, 'Invalid event: notify: expected true or false, got "yes"'],
    [{ preset: 'nist' }, 'Invalid event: preset: expected "default" or "cis", got "nist"'],
    [{ maxActionsPerRun: 0 }, 'Invalid event: maxActionsPerRun: expected an integer from 1 to 1000, got 0'],
    [
      { thresholds: { unusedKeyDays: -5 } },
      'Invalid event: thresholds.unusedKeyDays: expected an integer from 2 to 3650, got -5',
    ],
    [
      { thresholds: { neverUsedKeyDays: -1 } },
      'Invalid event: thresholds.neverUsedKeyDays: expected an integer from 1 to 3650, got -1',
    ],
    [
      { thresholds: { rotationDays: 12.5 } },
      'Invalid event: thresholds.rotationDays: expected an integer from 1 to 3650, got 12.5',
    ],
    [
      { thresholds: { unusedKeyDays: 60, unusedKeyWarnDays: 60 } },
      'Invalid event: thresholds.unusedKeyWarnDays: expected fewer days than thresholds.unusedKeyDays (60), got 60',
    ],
    [null, 'Invalid event: expected a JSON object, got null'],
    [['mode', 'report'], 'Invalid event: expected a JSON object, got a list of 2'],
  ])('refuses %j, naming the field', (input, message) => {
    // Prepare, Act
    const error = eventErrorFor(input);

    // Assess
    expect(error).toBe(message);
  });

  it('names every bad field at once', () => {
    // Prepare
    const input = { mode: 'enforse', asOf: 'soon', extra: 1 };

    // Act
    const error = eventErrorFor(input);

    // Assess
    expect(error).toContain('mode: expected');
    expect(error).toContain('asOf: expected');
    expect(error).toContain('extra: unknown field');
  });

  it('is a strict schema that the Powertools parser can use directly', () => {
    // Prepare
    const input = { mode: 'report', unknown: true };

    // Act
    const result = adhocEventSchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('Function: applyEventOverrides', () => {
  const deployed = loadSettings({ MODE: 'report', UNUSED_KEY_DAYS: '90', UNUSED_KEY_WARN_DAYS: '80' });
  const enforceDeployed = { ...deployed, mode: 'enforce' as const };

  it('returns the deployed settings unchanged for an empty event', () => {
    // Prepare
    const event = parseAdhocEvent({});

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings).toEqual(deployed);
  });

  it('overrides mode, asOf, the cap and the thresholds (a report-mode preview may loosen any of them)', () => {
    // Prepare
    const event = parseAdhocEvent({
      mode: 'report',
      asOf: '2027-01-01T00:00:00Z',
      maxActionsPerRun: 3,
      thresholds: { unusedKeyDays: 120, unusedKeyWarnDays: 100, neverUsedKeyDays: 2, rotationDays: 365 },
    });

    // Act
    const settings = applyEventOverrides(enforceDeployed, event);

    // Assess
    expect(settings.mode).toBe('report');
    expect(settings.asOf).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(settings.maxActionsPerRun).toBe(3);
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 120, warnDays: 100 });
    expect(settings.rules.neverUsedKey.days).toBe(2);
    expect(settings.rules.rotationOverdue.days).toBe(365);
    expect(enforceDeployed.mode).toBe('enforce');
  });

  it('applies the preset thresholds when the event names a preset', () => {
    // Prepare
    const event = parseAdhocEvent({ preset: 'cis' });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings.preset).toBe('cis');
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 45, warnDays: 31 });
  });

  it('lets the event thresholds win over the event preset', () => {
    // Prepare
    const event = parseAdhocEvent({ preset: 'cis', thresholds: { unusedKeyDays: 50 } });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 50, warnDays: 36 });
  });

  it('re-validates the result, naming the event field that broke a cross-field rule', () => {
    // Prepare
    const event = parseAdhocEvent({ thresholds: { unusedKeyWarnDays: 95 } });

    // Act
    const act = () => applyEventOverrides(deployed, event);

    // Assess
    expect(act).toThrow(EventValidationError);
    expect(act).toThrow(
      'Invalid event: thresholds.unusedKeyWarnDays: expected fewer days than the unused-key threshold (90), got 95',
    );
  });

  it('refuses an unused-key threshold that falls below the deployed warning day only when both clash', () => {
    // Prepare
    const event = parseAdhocEvent({ thresholds: { unusedKeyDays: 60 } });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess: a threshold given alone brings its own warning day, 14 days earlier
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 60, warnDays: 46 });
  });
});

/** The refusal `applyEventOverrides` throws, or fails the test when it does not throw. */
function refusalOf(deployed: Settings, input: unknown): string {
  try {
    applyEventOverrides(deployed, parseAdhocEvent(input));
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const onlyRaise = (field: string, label: string, value: number, deployedValue: number) =>
  `Invalid event: ${field}: ${label} ${value} is more aggressive than the deployed ${deployedValue}: an enforce event may only raise it; use mode "report" to preview`;

/** A second issue in the same message, without the message's prefix. */
const also = (message: string) => message.replace(/^Invalid event: /, '');

describe('Function: applyEventOverrides, when the event enforces', () => {
  // Deployed: unused-key 90 days (warning from 80), never-used 7, rotation 90, cap 25.
  const deployed = loadSettings({ MODE: 'report', UNUSED_KEY_DAYS: '90', UNUSED_KEY_WARN_DAYS: '80' });

  it.each([
    ['a longer unused-key threshold', { thresholds: { unusedKeyDays: 120 } }],
    ['the same unused-key threshold', { thresholds: { unusedKeyDays: 90 } }],
    ['a later warning day', { thresholds: { unusedKeyWarnDays: 85 } }],
    ['a longer never-used threshold', { thresholds: { neverUsedKeyDays: 30 } }],
    ['a longer rotation threshold', { thresholds: { rotationDays: 365 } }],
    ['a lower cap', { maxActionsPerRun: 5 }],
    ['the same cap', { maxActionsPerRun: 25 }],
    ['fewer users', { users: ['alice'] }],
    ['no override at all', {}],
  ])('accepts %s: the run is at least as cautious as the deployed one', (_name, fields) => {
    // Prepare
    const event = parseAdhocEvent({ mode: 'enforce', ...fields });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings.mode).toBe('enforce');
  });

  it.each([
    [
      'a shorter unused-key threshold',
      { thresholds: { unusedKeyDays: 60, unusedKeyWarnDays: 50 } },
      `${onlyRaise('thresholds.unusedKeyDays', 'unusedKeyDays', 60, 90)}; ${also(onlyRaise('thresholds.unusedKeyWarnDays', 'unusedKeyWarnDays', 50, 80))}`,
    ],
    [
      'an earlier warning day',
      { thresholds: { unusedKeyWarnDays: 50 } },
      onlyRaise('thresholds.unusedKeyWarnDays', 'unusedKeyWarnDays', 50, 80),
    ],
    [
      'a shorter never-used threshold',
      { thresholds: { neverUsedKeyDays: 3 } },
      onlyRaise('thresholds.neverUsedKeyDays', 'neverUsedKeyDays', 3, 7),
    ],
    [
      'a shorter rotation threshold',
      { thresholds: { rotationDays: 30 } },
      onlyRaise('thresholds.rotationDays', 'rotationDays', 30, 90),
    ],
    [
      'a higher cap',
      { maxActionsPerRun: 26 },
      'Invalid event: maxActionsPerRun: maxActionsPerRun 26 is more aggressive than the deployed 25: an enforce event may only lower it; use mode "report" to preview',
    ],
    [
      'a stricter preset',
      { preset: 'cis' },
      `${onlyRaise('preset', 'unusedKeyDays', 45, 90)}; ${also(onlyRaise('preset', 'unusedKeyWarnDays', 31, 80))}`,
    ],
  ])('refuses %s, naming the field and the deployed value', (_name, fields, message) => {
    // Act, Assess
    expect(refusalOf(deployed, { mode: 'enforce', ...fields })).toBe(message);
  });

  it('keeps the deployed warning day when a threshold raised on its own would warn earlier', () => {
    // Prepare: the deployed window is 10 days; a threshold alone would bring a 14-day one.
    const event = parseAdhocEvent({ mode: 'enforce', thresholds: { unusedKeyDays: 91 } });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 91, warnDays: 80 });
    expect(
      applyEventOverrides(deployed, parseAdhocEvent({ mode: 'report', thresholds: { unusedKeyDays: 91 } }))
        .rules.unusedKey.warnDays,
    ).toBe(77);
  });

  it('accepts a milder preset than the deployed one, and refuses a stricter one', () => {
    // Prepare
    const cis = loadSettings({ MODE: 'enforce', PRESET: 'cis' });
    const standard = loadSettings({ MODE: 'enforce' });

    // Act
    const milder = applyEventOverrides(cis, parseAdhocEvent({ preset: 'default' }));

    // Assess
    expect(milder.rules.unusedKey).toMatchObject({ days: 90, warnDays: 76 });
    expect(refusalOf(standard, { preset: 'cis' })).toBe(
      `${onlyRaise('preset', 'unusedKeyDays', 45, 90)}; ${also(onlyRaise('preset', 'unusedKeyWarnDays', 31, 76))}`,
    );
  });

  it('refuses the loosest event anyone could send, and names every field at once', () => {
    // Act
    const message = refusalOf(deployed, {
      mode: 'enforce',
      maxActionsPerRun: 1000,
      thresholds: { unusedKeyDays: 2 },
    });

    // Assess
    expect(message).toContain(also(onlyRaise('thresholds.unusedKeyDays', 'unusedKeyDays', 2, 90)));
    expect(message).toContain(
      'maxActionsPerRun: maxActionsPerRun 1000 is more aggressive than the deployed 25',
    );
  });

  it('holds an event that sets no mode to the deployed enforce mode and its bounds', () => {
    // Prepare
    const enforcing = { ...deployed, mode: 'enforce' as const };

    // Act, Assess
    expect(refusalOf(enforcing, { maxActionsPerRun: 1000 })).toMatch(
      /^Invalid event: maxActionsPerRun: maxActionsPerRun 1000 is more aggressive than the deployed 25/,
    );
    expect(
      applyEventOverrides(enforcing, parseAdhocEvent({ mode: 'report', maxActionsPerRun: 1000 })),
    ).toMatchObject({ mode: 'report', maxActionsPerRun: 1000 });
  });

  it('lets a report-mode event preview anything', () => {
    // Prepare
    const event = parseAdhocEvent({
      mode: 'report',
      preset: 'cis',
      maxActionsPerRun: 1000,
      thresholds: { unusedKeyDays: 2, unusedKeyWarnDays: 1, neverUsedKeyDays: 1, rotationDays: 1 },
    });

    // Act
    const settings = applyEventOverrides({ ...deployed, mode: 'enforce' }, event);

    // Assess
    expect(settings).toMatchObject({ mode: 'report', maxActionsPerRun: 1000 });
    expect(settings.rules.unusedKey).toMatchObject({ days: 2, warnDays: 1 });
  });
});
