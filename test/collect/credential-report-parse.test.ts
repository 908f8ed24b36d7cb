import { describe, expect, it } from 'vitest';
import {
  CredentialReportFormatError,
  parseCredentialReport,
} from '../../src/collect/credential-report-parse.js';
import { CREDENTIAL_REPORT_COLUMNS } from '../../src/sandbox/index.js';

const HEADER = CREDENTIAL_REPORT_COLUMNS.join(',');
// The rows of the AWS documentation's sample, as IAM writes them.
const ROOT =
  '<root_account>,arn:aws:iam::123456789012:root,2015-06-24T12:45:00+00:00,not_supported,2024-10-07T14:30:00+00:00,not_supported,not_supported,true,true,2019-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const ALICE =
  'alice,arn:aws:iam::123456789012:user/alice,2020-01-15T09:30:00+00:00,true,2025-01-02T08:00:00+00:00,2024-11-01T00:00:00+00:00,N/A,true,true,2023-02-01T10:00:00+00:00,2025-01-02T07:45:00+00:00,us-east-1,ec2,false,2021-05-20T14:22:11+00:00,N/A,N/A,N/A,false,N/A,false,N/A';
const BOB =
  'bob,arn:aws:iam::123456789012:user/bob,2024-09-01T00:00:00+00:00,true,no_information,2024-09-01T00:00:00+00:00,N/A,false,TRUE,2024-09-01T00:01:00+00:00,no_information,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

const report = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

describe('Function: parseCredentialReport', () => {
  it('reads the root row, users, both key slots and the value vocabulary', () => {
    // Act
    const parsed = parseCredentialReport(report(ROOT, ALICE, BOB));
    // Assess
    expect(parsed.root).toEqual({
      userName: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      createDate: new Date('2015-06-24T12:45:00Z'),
      keys: [{ slot: 1, active: true, createDate: new Date('2019-01-01T00:00:00Z'), lastUsed: null }],
    });
    expect(parsed.users.map((u) => u.userName)).toEqual(['alice', 'bob']);
    expect(parsed.users[0]?.keys).toEqual([
      {
        slot: 1,
        active: true,
        createDate: new Date('2023-02-01T10:00:00Z'),
        lastUsed: { date: new Date('2025-01-02T07:45:00Z'), service: 'ec2', region: 'us-east-1' },
      },
      // Inactive: not active, but the slot has a creation date.
      { slot: 2, active: false, createDate: new Date('2021-05-20T14:22:11Z'), lastUsed: null },
    ]);
    expect(parsed.users[1]?.keys).toEqual([
      { slot: 1, active: true, createDate: new Date('2024-09-01T00:01:00Z'), lastUsed: null },
    ]);
    expect(parsed.extraColumns).toEqual([]);
  });

  it('reads quoted fields with commas, quotes and line breaks', () => {
    // Prepare: an ARN cannot hold these, but a tolerant reader must not shift columns on them.
    const quoted = ALICE.replace('arn:aws:iam::123456789012:user/alice', '"arn:aws:iam::1:user/a,""b""\nc"');
    // Act
    const parsed = parseCredentialReport(report(ROOT, quoted, BOB));
    // Assess
    expect(parsed.users[0]?.arn).toBe('arn:aws:iam::1:user/a,"b"\nc');
    expect(parsed.users[0]?.keys[0]?.lastUsed?.service).toBe('ec2');
    expect(parsed.users[1]?.userName).toBe('bob');
  });

  it('accepts a report without a root row', () => {
    const parsed = parseCredentialReport(report(ALICE));
    expect(parsed.root).toBeNull();
    expect(parsed.users).toHaveLength(1);
  });

  it('finds columns by name: extra columns and another order are fine', () => {
    // Prepare
    const columns = [...CREDENTIAL_REPORT_COLUMNS];
    const rows = [ROOT, ALICE].map((row) => row.split(','));
    const text = [
      ['future_column', ...columns.slice().reverse()].join(','),
      ...rows.map((fields) => ['"x, y"', ...fields.slice().reverse()].join(',')),
    ].join('\r\n');
    // Act
    const parsed = parseCredentialReport(text);
    // Assess
    expect(parsed.extraColumns).toEqual(['future_column']);
    expect(parsed.users[0]?.keys[0]?.createDate).toEqual(new Date('2023-02-01T10:00:00Z'));
    expect(parsed.root?.keys).toHaveLength(1);
  });

  it.each([
    ['a report cut in the middle of a row', report(ROOT, ALICE).slice(0, -40)],
    ['a report cut inside a quoted field', `${report(ROOT)}"alice,arn`],
    ['a header without the key columns', 'user,arn\nalice,arn:aws:iam::1:user/alice\n'],
    ['HTML instead of CSV', '<html><body>Service Unavailable</body></html>'],
    ['an empty text', ''],
    ['a boolean that is not one', report(ALICE.replace(',true,true,', ',true,yes,'))],
    ['a date that is not one', report(ALICE.replace('2023-02-01T10:00:00+00:00', 'soon'))],
    ['a user twice', report(ALICE, ALICE)],
  ])('refuses %s with a clear error', (_case, text) => {
    expect(() => parseCredentialReport(text)).toThrow(CredentialReportFormatError);
  });

  it('says what is wrong with a truncated report', () => {
    expect(() => parseCredentialReport(report(ROOT, ALICE).slice(0, -40))).toThrow(
      /Row 3 of the credential report has \d+ fields where the header has 22; the report is truncated or damaged/,
    );
  });
});
