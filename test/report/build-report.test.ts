import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { newRunId } from '../../src/run-id.js';
import { EXEMPT, FINDINGS, sampleInput, sampleReport } from './sample-report.js';

describe('Function: buildReport', () => {
  it('counts IAM users without the root record, and keys including the root key', () => {
    // Prepare
    const input = sampleInput();

    // Act
    const { summary } = buildReport(input);

    // Assess
    expect(input.users.filter((u) => u.isRoot)).toHaveLength(1);
    expect(summary.usersAudited).toBe(input.users.length - 1);
    expect(summary.keysAudited).toBe(16);
    expect(summary.activeKeys).toBe(15);
  });

  it('counts findings by severity and by rule, with every severity and rule present', () => {
    // Prepare
    const input = sampleInput();

    // Act
    const { summary } = buildReport(input);

    // Assess
    expect(summary.findings).toBe(13);
    expect(summary.findingsBySeverity).toEqual({ critical: 1, high: 4, medium: 4, low: 3, info: 1 });
    expect(summary.findingsByRule).toEqual({
      'unused-key': 6,
      'never-used-key': 2,
      'rotation-overdue': 2,
      'two-active-keys': 1,
      'root-access-key': 1,
      'inactive-key-cleanup': 1,
      'exposed-key': 0,
    });
    expect(summary.highestSeverity).toBe('critical');
  });

  it('reports zero counts and highest severity none for a clean account', () => {
    // Prepare
    const input = sampleInput({ findings: [], actions: [], exempt: [], errors: [] });

    // Act
    const { summary } = buildReport(input);

    // Assess
    expect(summary.highestSeverity).toBe('none');
    expect(summary.findingsBySeverity).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
    expect(Object.values(summary.findingsByRule).every((n) => n === 0)).toBe(true);
    expect(summary.findingsByRule).toHaveProperty('inactive-key-cleanup', 0);
  });

  it('counts a safeguard finding under its own id', () => {
    // Prepare
    const cap = { ...FINDINGS[0], ruleId: 'blast-radius-cap', severity: 'critical' } as const;

    // Act
    const { summary } = buildReport(sampleInput({ findings: [cap as (typeof FINDINGS)[number]] }));

    // Assess
    expect(summary.findingsByRule['blast-radius-cap']).toBe(1);
  });

  it('counts actions by status, and exemptions and errors', () => {
    // Prepare
    const input = sampleInput();

    // Act
    const { summary } = buildReport(input);

    // Assess
    expect(summary).toMatchObject({
      actionsPlanned: 0,
      actionsApplied: 3,
      actionsSkipped: 1,
      actionsFailed: 1,
      exempt: EXEMPT.length,
      errors: 2,
    });
  });

  it('sorts findings most severe first and actions applied, failed, planned, skipped', () => {
    // Prepare
    const order = ['critical', 'high', 'medium', 'low', 'info'];

    // Act
    const report = sampleReport();

    // Assess
    const ranks = report.findings.map((f) => order.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(report.findings[0]?.ruleId).toBe('root-access-key');
    expect(report.actions.map((a) => a.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'failed',
      'skipped',
    ]);
  });

  it('gives the same report whatever order the inventory produced things in', () => {
    // Prepare
    const input = sampleInput();
    const expected = JSON.stringify(buildReport(input));

    fc.assert(
      fc.property(
        fc.shuffledSubarray(input.findings, { minLength: input.findings.length }),
        fc.shuffledSubarray(input.actions, { minLength: input.actions.length }),
        fc.shuffledSubarray(input.exempt, { minLength: input.exempt.length }),
        fc.shuffledSubarray(input.errors, { minLength: input.errors.length }),
        (findings, actions, exempt, errors) => {
          // Act
          const report = buildReport({ ...input, findings, actions, exempt, errors });

          // Assess
          expect(JSON.stringify(report)).toBe(expected);
        },
      ),
    );
  });

  it('does not mutate its input', () => {
    // Prepare
    const input = sampleInput();
    const before = JSON.stringify(input);

    // Act
    buildReport(input);

    // Assess
    expect(JSON.stringify(input)).toBe(before);
  });

  it('writes dates as ISO 8601 and carries the run metadata', () => {
    // Prepare
    const input = sampleInput();

    // Act
    const report = buildReport(input);

    // Assess
    expect(report).toMatchObject({
      schemaVersion: 1,
      runId: '20261120T030000Z-1a2b3c',
      accountId: '111111111111',
      mode: 'enforce',
      asOf: '2026-11-20T03:00:00.000Z',
      startedAt: '2026-11-20T03:00:00.000Z',
      finishedAt: '2026-11-20T03:00:42.000Z',
      complete: true,
      notReached: [],
    });
  });

  it('refuses an invalid date, naming the field', () => {
    // Prepare
    const input = sampleInput({ asOf: new Date('not a date') });

    // Act & Assess
    expect(() => buildReport(input)).toThrow(/asOf/);
  });

  it('carries the thresholds when given, and leaves the field out otherwise', () => {
    // Prepare
    const thresholds = { unusedKeyDays: 45, unusedKeyWarnDays: 31, neverUsedKeyDays: 7, rotationDays: 90 };

    // Act
    const withThresholds = buildReport(sampleInput({ thresholds }));
    const without = buildReport(sampleInput());

    // Assess
    expect(withThresholds.thresholds).toEqual(thresholds);
    expect(auditReportSchema.parse(JSON.parse(JSON.stringify(withThresholds))).thresholds).toEqual(
      thresholds,
    );
    expect('thresholds' in without).toBe(false);
  });
});

describe('Function: newRunId', () => {
  it('starts with the compact UTC time and ends with the random suffix', () => {
    // Prepare
    const now = new Date('2026-11-20T03:00:00.123Z');

    // Act
    const runId = newRunId(now, () => '1a2b3c');

    // Assess
    expect(runId).toBe('20261120T030000Z-1a2b3c');
  });

  it('sorts in time order and differs between two runs in the same second', () => {
    // Prepare
    const times = [
      new Date('2026-11-20T03:00:00Z'),
      new Date('2026-11-20T03:00:01Z'),
      new Date('2027-01-01T00:00:00Z'),
    ];

    // Act
    const ids = times.map((t) => newRunId(t));

    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(newRunId(times[0] as Date)).not.toBe(ids[0]);
    expect(ids[0]).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  });
});

describe('Schema: auditReportSchema', () => {
  it('accepts what buildReport produces, after a JSON round trip', () => {
    // Prepare
    const json = JSON.stringify(sampleReport());

    // Act
    const parsed = auditReportSchema.parse(JSON.parse(json));

    // Assess
    expect(parsed).toEqual(JSON.parse(json));
  });

  it('accepts a delivered copy with a truncation marker', () => {
    // Prepare
    const delivered = {
      ...sampleReport(),
      truncated: {
        findingsOmitted: 3,
        actionsOmitted: 0,
        exemptOmitted: 0,
        errorsOmitted: 0,
        notReachedOmitted: 0,
      },
    };

    // Act
    const result = auditReportSchema.safeParse(delivered);

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects unknown fields, a wrong schema version and a bad severity', () => {
    // Prepare
    const report = sampleReport();
    const variants = [
      { ...report, extra: true },
      { ...report, schemaVersion: 2 },
      { ...report, findings: [{ ...report.findings[0], severity: 'urgent' }] },
      { ...report, asOf: '20 November 2026' },
    ];

    // Act
    const results = variants.map((v) => auditReportSchema.safeParse(v).success);

    // Assess
    expect(results).toEqual([false, false, false, false]);
  });
});
