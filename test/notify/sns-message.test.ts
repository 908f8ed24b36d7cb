import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { MessageTooLargeError } from '../../src/notify/errors.js';
import { buildSnsPublish, buildSubject, type SnsPublish } from '../../src/notify/sns-message.js';
import { renderText } from '../../src/render/text.js';
import { auditReportSchema } from '../../src/report/schema.js';
import {
  capTrippedReport,
  finding,
  HOSTILE_NAME,
  hostileReport,
  incompleteReport,
  largeReport,
  reportModeReport,
  sampleReport,
} from '../report/sample-report.js';

const PROTOCOLS = ['default', 'email', 'sqs', 'lambda', 'http', 'https'];
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

/** What SNS counts against its limit: message, subject, and each attribute's name, type and value. */
function publishBytes(publish: SnsPublish): number {
  const attributes = Object.entries(publish.messageAttributes).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      Buffer.byteLength(value.StringValue),
    0,
  );
  return Buffer.byteLength(publish.message) + Buffer.byteLength(publish.subject) + attributes;
}

function parseMessage(publish: SnsPublish): Record<string, string> {
  return JSON.parse(publish.message) as Record<string, string>;
}

describe('Function: buildSnsPublish', () => {
  it('gives every protocol its own message: a summary, the text report, and the JSON report', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const publish = buildSnsPublish(report);

    // Assess
    const message = parseMessage(publish);
    expect(publish.messageStructure).toBe('json');
    expect(Object.keys(message).sort()).toEqual([...PROTOCOLS].sort());
    expect(Object.values(message).every((value) => typeof value === 'string')).toBe(true);
    expect(message.email).toBe(renderText(report));
    for (const protocol of ['sqs', 'lambda', 'http', 'https']) {
      expect(message[protocol]).toBe(JSON.stringify(report));
    }
  });

  it('keeps the default message to one short line with the headline and run id', () => {
    // Prepare
    const report = incompleteReport();

    // Act
    const message = parseMessage(buildSnsPublish(report));

    // Assess
    expect(message.default).toBe(
      'key-hygiene: Account 111111111111 (enforce, as of 2026-11-20): 2 keys deactivated, 1 key deleted, ' +
        '1 action failed, 9 findings to review, 1 critical. INCOMPLETE: 7 users not reached. ' +
        'Run 20261120T030000Z-1a2b3c.',
    );
    expect(message.default).not.toContain('\n');
  });

  it('delivers JSON that the canonical schema accepts', () => {
    // Prepare
    const report = reportModeReport();

    // Act
    const message = parseMessage(buildSnsPublish(report));

    // Assess
    const delivered = auditReportSchema.parse(JSON.parse(message.sqs ?? ''));
    expect(delivered).toEqual(report);
    expect(delivered.truncated).toBeUndefined();
  });

  it('sets typed message attributes for subscription filter policies', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const { messageAttributes } = buildSnsPublish(report);

    // Assess
    expect(messageAttributes).toEqual({
      accountId: { DataType: 'String', StringValue: '111111111111' },
      highestSeverity: { DataType: 'String', StringValue: 'critical' },
      actionsApplied: { DataType: 'Number', StringValue: '3' },
      mode: { DataType: 'String', StringValue: 'enforce' },
    });
  });

  it('says highestSeverity none and actionsApplied 0 for a clean report-mode run', () => {
    // Prepare
    const report = sampleReport({ mode: 'report', findings: [], actions: [] });

    // Act
    const { messageAttributes } = buildSnsPublish(report);

    // Assess
    expect(messageAttributes.highestSeverity?.StringValue).toBe('none');
    expect(messageAttributes.actionsApplied).toEqual({ DataType: 'Number', StringValue: '0' });
    expect(messageAttributes.mode?.StringValue).toBe('report');
  });

  it('cuts a 50,000-finding report to fit 262,144 bytes and says how many findings are not shown', () => {
    // Prepare
    const report = largeReport(50_000);

    // Act
    const publish = buildSnsPublish(report);

    // Assess
    expect(publishBytes(publish)).toBeLessThanOrEqual(262_144);
    const message = parseMessage(publish);
    const delivered = auditReportSchema.parse(JSON.parse(message.https ?? ''));
    const omitted = 50_000 - delivered.findings.length;
    expect(omitted).toBeGreaterThan(49_000);
    expect(delivered.truncated).toEqual({
      findingsOmitted: omitted,
      actionsOmitted: 0,
      exemptOmitted: 0,
      errorsOmitted: 0,
      notReachedOmitted: 0,
    });
    expect(message.email?.replace(/\n/g, ' ')).toContain(`${omitted} more findings not shown`);
    // The counts still describe the whole run, and the most severe findings are the ones kept.
    expect(delivered.summary).toEqual(report.summary);
    expect(delivered.findings).toEqual(report.findings.slice(0, delivered.findings.length));
    for (const protocol of ['sqs', 'lambda', 'http']) expect(message[protocol]).toBe(message.https);
  });

  it('uses the budget well: the message is within one finding of the limit', () => {
    // Prepare: one finding costs about 2,300 bytes here (four escaped JSON copies and the text).
    const report = largeReport(2_000);
    const maxBytes = 100_000;

    // Act
    const publish = buildSnsPublish(report, { maxBytes });

    // Assess
    const perFinding = (JSON.stringify(JSON.stringify(report.findings[0])).length + 1) * 4 + 400;
    expect(publishBytes(publish)).toBeLessThanOrEqual(maxBytes);
    expect(publishBytes(publish)).toBeGreaterThan(maxBytes - perFinding);
  });

  it('counts UTF-8 bytes and JSON escaping, not characters', () => {
    // Prepare: three-byte characters, quotes and backslashes, which JSON escapes twice.
    const heavy = '鍵"\\'.repeat(40);
    const report = sampleReport({
      findings: Array.from({ length: 400 }, (_, i) =>
        finding({
          ruleId: 'rotation-overdue',
          severity: 'medium',
          userName: `user-${i}`,
          accessKeyId: `AKIA${String(i).padStart(16, '0')}`,
          ageDays: 400,
          lastUse: 1,
          controls: ['CIS 1.14'],
          message: `Rotate ${heavy}`,
          action: 'notify',
        }),
      ),
    });

    // Act
    const publish = buildSnsPublish(report, { maxBytes: 60_000 });

    // Assess
    expect(publish.message.length).toBeLessThan(60_000);
    expect(publishBytes(publish)).toBeLessThanOrEqual(60_000);
    expect(publishBytes(publish)).toBeGreaterThan(50_000);
    expect(JSON.parse(parseMessage(publish).lambda ?? '')).toHaveProperty('truncated');
  });

  it('also cuts the other lists when they alone are too big, keeping room for findings', () => {
    // Prepare
    const errors = Array.from({ length: 5_000 }, (_, i) => ({
      userName: `user-${i}`,
      accessKeyId: null,
      operation: 'ListAccessKeys',
      code: 'Throttling',
      message: 'Rate exceeded',
    }));
    const report = sampleReport({ errors });

    // Act
    const publish = buildSnsPublish(report);

    // Assess
    expect(publishBytes(publish)).toBeLessThanOrEqual(262_144);
    const message = parseMessage(publish);
    const delivered = auditReportSchema.parse(JSON.parse(message.sqs ?? ''));
    expect(delivered.truncated?.errorsOmitted).toBe(5_000 - delivered.errors.length);
    expect(delivered.findings.length).toBeGreaterThan(0);
    expect(delivered.summary.errors).toBe(5_000);
    expect(message.email).toContain(`${5_000 - delivered.errors.length} more errors not shown.`);
  });

  it('refuses a limit that not even the headline fits', () => {
    // Prepare
    const report = sampleReport();

    // Act & Assess
    expect(() => buildSnsPublish(report, { maxBytes: 1_000 })).toThrow(MessageTooLargeError);
  });

  it('neutralises control characters from user names in every message', () => {
    // Prepare
    const report = hostileReport();

    // Act
    const publish = buildSnsPublish(report);

    // Assess
    const message = parseMessage(publish);
    expect(message.email).not.toContain(HOSTILE_NAME);
    expect(message.default).not.toMatch(/[\p{Cc}]/u);
    expect(publish.subject).toMatch(PRINTABLE_ASCII);
    // The JSON copies carry the data as it is: JSON escaping makes it safe there.
    expect((JSON.parse(message.sqs ?? '') as AuditReport).notReached).toEqual([HOSTILE_NAME]);
  });
});

describe('Function: buildSubject', () => {
  it('reads like "[key-hygiene] <account>: <counts>"', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const subject = buildSubject(report);

    // Assess
    expect(subject).toBe(
      '[key-hygiene] 111111111111: 1 critical, 2 deactivated, 1 deleted, 1 failed, 9 to review',
    );
  });

  it('marks report mode, incomplete runs and clean accounts', () => {
    // Prepare
    const reports = [reportModeReport(), incompleteReport(), sampleReport({ findings: [], actions: [] })];

    // Act
    const subjects = reports.map(buildSubject);

    // Assess
    expect(subjects).toEqual([
      '[key-hygiene] 111111111111 (report): 1 critical, 3 to deactivate, 1 to delete, 13 to review',
      '[key-hygiene] INCOMPLETE 111111111111: 1 critical, 2 deactivated, 1 deleted, 1 failed, 9 to review',
      '[key-hygiene] 111111111111: no findings',
    ]);
  });

  it('counts a tripped blast-radius cap as critical with nothing deactivated', () => {
    // Prepare
    const report = capTrippedReport();

    // Act
    const subject = buildSubject(report);

    // Assess
    expect(subject).toBe('[key-hygiene] 111111111111: 2 critical, 14 to review');
  });

  it('is at most 99 printable ASCII characters on one line, whatever the account id and counts', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.boolean(),
        fc.constantFrom<AuditReport['mode']>('report', 'enforce'),
        fc.integer({ min: 0, max: 10_000_000 }),
        (accountId, complete, mode, big) => {
          // Prepare
          const base = sampleReport({ accountId: '111111111111', mode, complete });
          const report: AuditReport = {
            ...base,
            accountId,
            summary: {
              ...base.summary,
              findingsBySeverity: { ...base.summary.findingsBySeverity, critical: big },
            },
          };

          // Act
          const subject = buildSubject(report);

          // Assess
          expect(subject.length).toBeLessThanOrEqual(99);
          expect(subject).toMatch(PRINTABLE_ASCII);
          expect(subject.startsWith('[key-hygiene]')).toBe(true);
        },
      ),
    );
  });
});
