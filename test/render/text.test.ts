import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { clean, wrap } from '../../src/render/text-format.js';
import { buildReport } from '../../src/report/build-report.js';
import {
  capTrippedReport,
  HOSTILE_NAME,
  HOSTILE_TAG,
  hostileReport,
  incompleteReport,
  reportModeReport,
  sampleInput,
  sampleReport,
} from '../report/sample-report.js';

const headlineOf = (text: string) => text.split('\n\n')[0]?.replace(/\n/g, ' ') ?? '';

describe('Function: renderText', () => {
  it('opens with a headline giving what was done, what is left to review and the critical count', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(headlineOf(text)).toContain(
      'Account 111111111111 (enforce, as of 2026-11-20): 2 keys deactivated, 1 key deleted, 1 action failed, 9 findings to review, 1 critical.',
    );
    expect(headlineOf(text)).toContain('Audited 15 users and 16 keys (15 active): 13 findings');
  });

  it('puts the sections in reading order: done, findings by severity, coming up, exempt, skipped, errors, footer', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    const headings = [
      'WHAT WAS DONE',
      'CRITICAL (1)',
      'HIGH (4)',
      'MEDIUM (4)',
      'LOW (1)',
      'INFO (1)',
      'COMING UP (2)',
      'EXEMPT (3)',
      'SKIPPED ACTIONS (1)',
      'ERRORS (2)',
      '\n--\nRun 20261120T030000Z-1a2b3c',
    ];
    const positions = headings.map((h) => text.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('shows each finding with its user, key, facts, controls and sentence', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(text).toContain(
      [
        '- carol-ci, AKIACAROL00000000001 [unused-key]',
        '  Age 150 days, last used 140 days ago via codecommit in us-west-2.',
        '  Controls: CIS 1.12, Security Hub IAM.8, Security Hub IAM.22.',
        '  Key unused for 140 days (limit 90); it was deactivated.',
      ].join('\n'),
    );
    expect(text).toContain('  Age 30 days, never used.\n');
    expect(text).toContain('  Inactive key, age 500 days, last used 400 days ago via s3 in eu-west-1.\n');
  });

  it('lists applied, deleted and failed actions with the AWS error', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(text).toContain('Deactivated (2):\n- alice, AKIAALICE00000000001 (unused-key)\n- carol-ci');
    expect(text).toContain('Deleted (1):\n- ivan, AKIAIVAN000000000001 (inactive-key-cleanup)');
    expect(text).toContain(
      'Failed (1):\n- bob, AKIABOB0000000000001: deactivate (unused-key)\n  AccessDenied: User:',
    );
  });

  it('says in report mode that nothing was changed and what enforce mode would do', () => {
    // Prepare
    const report = reportModeReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(headlineOf(text)).toContain(
      '(report, as of 2026-11-20): 3 keys would be deactivated, 1 key would be deleted, 13 findings to review',
    );
    expect(text).toContain('WHAT ENFORCE MODE WOULD DO\nReport mode: nothing was changed.');
    expect(text).toContain('Deactivate (3):\n- alice, AKIAALICE00000000001 (unused-key)');
    expect(text).not.toContain('WHAT WAS DONE');
    expect(text).not.toContain('Deactivated (');
  });

  it('says in report mode when enforce mode would change nothing either', () => {
    // Prepare
    const report = sampleReport({ mode: 'report', actions: [] });

    // Act
    const text = renderText(report);

    // Assess
    expect(text.replace(/\n/g, ' ')).toContain(
      'WHAT ENFORCE MODE WOULD DO Report mode: nothing was changed, and enforce mode would change nothing either.',
    );
  });

  it('warns when the run is incomplete, naming the first users not reached', () => {
    // Prepare
    const report = incompleteReport();

    // Act
    const text = renderText(report);

    // Assess
    const warning = text.split('\n\n')[1]?.replace(/\n/g, ' ');
    expect(warning).toBe(
      'INCOMPLETE RUN: 7 users were not reached and not audited: mike, nina, oscar, pat, quinn and 2 more. ' +
        'This report covers the users that were audited; the next run tries again. See ERRORS below.',
    );
    expect(renderText(sampleReport())).not.toContain('INCOMPLETE');
  });

  it('warns about an incomplete run even when no user names are known', () => {
    // Prepare
    const report = sampleReport({ complete: false, notReached: [], errors: [] });

    // Act
    const text = renderText(report);

    // Assess
    expect(text.replace(/\n/g, ' ')).toContain(
      'INCOMPLETE RUN: the user listing did not finish, so some users may not have been audited.',
    );
  });

  it('separates the unused keys in the warning window from the other low findings', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    const low = text.slice(text.indexOf('LOW (1)'), text.indexOf('INFO (1)'));
    const comingUp = text.slice(text.indexOf('COMING UP (2)'), text.indexOf('EXEMPT'));
    expect(low).toContain('frank, AKIAFRANK00000000002 [two-active-keys]');
    expect(low).not.toContain('gina');
    expect(comingUp).toContain('gina, AKIAGINA000000000001 [unused-key]');
    expect(comingUp).toContain('hank, AKIAHANK000000000001 [unused-key]');
  });

  it('keeps an unused key in the warning window under coming up when privilege weighting moved its severity', () => {
    // Prepare: gina's warning lowered (a user who can do nothing), hank's raised (an administrator)
    const base = sampleReport();
    const report = {
      ...base,
      findings: base.findings.map((f) =>
        f.userName === 'gina' && f.ruleId === 'unused-key'
          ? { ...f, severity: 'info' as const, ruleSeverity: 'low' as const }
          : f.userName === 'hank' && f.ruleId === 'unused-key'
            ? { ...f, severity: 'medium' as const, ruleSeverity: 'low' as const }
            : f,
      ),
    };

    // Act
    const text = renderText(report);

    // Assess
    const comingUp = text.slice(text.indexOf('COMING UP (2)'), text.indexOf('EXEMPT'));
    expect(comingUp).toContain('gina, AKIAGINA000000000001 [unused-key]');
    expect(comingUp).toContain('hank, AKIAHANK000000000001 [unused-key]');
    expect(text.slice(0, text.indexOf('COMING UP'))).not.toMatch(/gina|hank/);
  });

  it('shows exemptions with who, why and until, and skipped actions with why', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(text).toContain(
      '- judy, AKIAJUDY000000000001: tag key-hygiene:exempt=2027-01-31, until\n  2027-01-31\n' +
        '  Reason: Payroll vendor integration; moving to IAM Roles Anywhere in Q1.\n' +
        '  Would have raised: unused-key, rotation-overdue.',
    );
    expect(text).toContain('- emergency-admin, all keys: configured path /break-glass/\n  No reason given.');
    expect(text).toContain(
      'SKIPPED ACTIONS (1)\n- dave, AKIADAVE000000000001: deactivate (unused-key)\n  Why: Live check:',
    );
  });

  it('shows errors and the run footer with the inventory source and timing', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(text).toContain(
      '- kate, AKIAKATE000000000001: GetAccessKeyLastUsed failed\n  Throttling: Rate exceeded',
    );
    expect(text).toContain('- leo: ListUserTags failed\n  NoSuchEntity:');
    expect(text.endsWith('Started 2026-11-20T03:00:00Z, finished 2026-11-20T03:00:42Z (42 s).\n')).toBe(true);
    expect(text).toContain('Inventory: credential report (report generated 2026-11-20T02:59:58Z');
  });

  it('explains a tripped blast-radius cap: nothing changed, an account-level critical finding', () => {
    // Prepare
    const report = capTrippedReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(headlineOf(text)).toContain('no keys deactivated, 14 findings to review, 2 critical');
    expect(text).toContain('WHAT WAS DONE\nNothing was changed (5 actions skipped, see SKIPPED ACTIONS).');
    expect(text).toContain('CRITICAL (2)\n- Account [blast-radius-cap]\n  This run planned 30 actions');
  });

  it('says so when there are no findings', () => {
    // Prepare
    const report = sampleReport({ findings: [], actions: [] });

    // Act
    const text = renderText(report);

    // Assess
    expect(headlineOf(text)).toContain('no keys deactivated, no findings to review.');
    expect(text).toContain('FINDINGS\nNo findings: every audited key is within policy.');
  });

  it('keeps every line within 78 characters', () => {
    // Prepare
    const reports = [sampleReport(), reportModeReport(), incompleteReport(), capTrippedReport()];

    // Act
    const lines = reports.flatMap((r) => renderText(r).split('\n'));

    // Assess
    expect(lines.filter((line) => Array.from(line).length > 78)).toEqual([]);
  });

  it('neutralises control characters in user names and tag values', () => {
    // Prepare
    const report = hostileReport();

    // Act
    const text = renderText(report);

    // Assess
    expect(text.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
    expect(text).not.toContain('\nCRITICAL (0)');
    expect(text).not.toContain('\nWHAT WAS DONE\nNothing.');
    expect(text).toContain(clean(HOSTILE_NAME));
    expect(text).toContain(`Reason: ${clean(HOSTILE_TAG)}`);
    // The layout still has exactly one of each heading.
    expect(text.match(/^WHAT WAS DONE$/gm)).toHaveLength(1);
    expect(text.match(/^CRITICAL/gm)).toBeNull();
  });

  it('shows at most maxFindings findings and counts the rest, keeping the headline counts', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report, { maxFindings: 5 });

    // Assess
    expect(headlineOf(text)).toBe(headlineOf(renderText(report)));
    expect(text).toContain('HIGH (4)');
    expect(text).not.toContain('MEDIUM (');
    expect(text.replace(/\n/g, ' ')).toContain('8 more findings not shown (4 medium, 3 low, 1 info)');
  });

  it('marks a partly shown section with how many are shown', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report, { maxFindings: 3 });

    // Assess
    expect(text).toContain('HIGH (2 of 4 shown)');
    expect(text.replace(/\n/g, ' ')).toContain(
      '10 more findings not shown (2 high, 4 medium, 3 low, 1 info)',
    );
  });

  it('caps the other lists at maxEntries, saying how many are not shown', () => {
    // Prepare
    const report = sampleReport();

    // Act
    const text = renderText(report, { maxEntries: 1 });

    // Assess
    expect(text).toContain('Deactivated (1):');
    expect(text).toContain('4 more actions not shown.');
    expect(text).toContain('2 more exemptions not shown.');
    expect(text).toContain('1 more error not shown.');
  });

  it('refuses a negative or fractional limit', () => {
    // Prepare
    const report = sampleReport();

    // Act & Assess
    expect(() => renderText(report, { maxFindings: -1 })).toThrow(/maxFindings/);
    expect(() => renderText(report, { maxEntries: 1.5 })).toThrow(/maxEntries/);
  });

  it('is deterministic: the same run gives the same text whatever the input order', () => {
    // Prepare
    const input = sampleInput();
    const reversed = {
      ...input,
      findings: [...input.findings].reverse(),
      actions: [...input.actions].reverse(),
      exempt: [...input.exempt].reverse(),
      errors: [...input.errors].reverse(),
    };

    // Act
    const a = renderText(buildReport(input));
    const b = renderText(buildReport(reversed));

    // Assess
    expect(a).toBe(b);
  });
});

describe('Function: wrap', () => {
  it('never exceeds the width and loses no characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 10, max: 100 }), (raw, width) => {
        // Prepare
        const text = raw.replace(/\s/g, ' ');

        // Act
        const lines = wrap(text, { width, first: '- ', rest: '  ' });

        // Assess
        expect(lines.every((line) => Array.from(line).length <= width)).toBe(true);
        const words = (s: string) => s.split(' ').join('');
        expect(words(lines.map((l) => l.slice(2)).join(''))).toBe(words(text));
      }),
    );
  });
});
