import { describe, expect, it } from 'vitest';
import { adhocEventSchema, applyEventOverrides, parseAdhocEvent } from '../../src/config/adhoc-event.js';
import { EventValidationError } from '../../src/config/errors.js';
import { loadSettings } from '../../src/config/settings.js';

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
      'Invalid event: dryRun: unknown field; expected one of mode, users, asOf, notify, preset, maxActionsPerRun, thresholds, undo',
    ],
    [
      { undo: '2026-11-20' },
      'Invalid event: undo: expected the runId of an earlier run, such as "20261120T030000Z-1a2b3c" (see its report), got "2026-11-20"',
    ],
    [
      { undo: '20261120T030000Z-1a2b3c', asOf: '2027-01-01T00:00:00Z', thresholds: { rotationDays: 30 } },
      'Invalid event: asOf: cannot be combined with undo; an undo event takes only "undo" and "notify"; thresholds: cannot be combined with undo; an undo event takes only "undo" and "notify"',
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

  it('returns the deployed settings unchanged for an empty event', () => {
    // Prepare
    const event = parseAdhocEvent({});

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings).toEqual(deployed);
  });

  it('overrides mode, asOf, the cap and the thresholds', () => {
    // Prepare
    const event = parseAdhocEvent({
      mode: 'enforce',
      asOf: '2027-01-01T00:00:00Z',
      maxActionsPerRun: 3,
      thresholds: { unusedKeyDays: 120, unusedKeyWarnDays: 100, neverUsedKeyDays: 2, rotationDays: 365 },
    });

    // Act
    const settings = applyEventOverrides(deployed, event);

    // Assess
    expect(settings.mode).toBe('enforce');
    expect(settings.asOf).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(settings.maxActionsPerRun).toBe(3);
    expect(settings.rules.unusedKey).toEqual({ enabled: true, days: 120, warnDays: 100 });
    expect(settings.rules.neverUsedKey.days).toBe(2);
    expect(settings.rules.rotationOverdue.days).toBe(365);
    expect(deployed.mode).toBe('report');
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
