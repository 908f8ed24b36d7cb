import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/model.js';
import { CSV_COLUMNS, csvField, neutraliseFormula, renderCsv } from '../../src/render/csv.js';
import { buildKeyRows } from '../../src/report/key-rows.js';
import { makeKey, makeRoot, makeUser } from '../evaluate/factories.js';
import { HOSTILE_NAME, HOSTILE_TAG, sampleReport, USERS } from '../report/sample-report.js';

/**
 * An independent RFC 4180 reader: records end in CRLF, quoted fields may hold commas, quotes
 * (doubled) and line breaks. Used to check that what the renderer writes reads back cell by cell.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (text[i] === '\r' || text[i] === '\n')
        throw new Error(`bare line break in an unquoted field at ${i}`);
      field += text[i];
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end in CRLF');
  return records;
}

const reportOf = (users: readonly UserRecord[]) =>
  sampleReport({ users, findings: [], actions: [], exempt: [] });

describe('Function: renderCsv', () => {
  it('writes a header and exactly one record per key of the account', () => {
    // Prepare
    const rows = buildKeyRows(USERS, sampleReport());
    // Act
    const records = parseCsv(renderCsv(rows));
    // Assess
    const keyCount = USERS.reduce((sum, user) => sum + user.keys.length, 0);
    expect(records[0]).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(keyCount + 1);
    expect(records.slice(1).every((record) => record.length === CSV_COLUMNS.length)).toBe(true);
  });

  it('fills each column from the key row: key id or slot, dates, last use, findings and action', () => {
    const rows = buildKeyRows(USERS, sampleReport());
    const byKey = new Map(parseCsv(renderCsv(rows)).map((record) => [record[1], record]));
    const alice = byKey.get('AKIAALICE00000000001');
    expect(alice?.slice(0, 3)).toEqual(['alice', 'AKIAALICE00000000001', 'Active']);
    expect(alice?.[3]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(alice?.[7]).toContain('unused-key');
    const slotRows = buildKeyRows(
      [makeRoot([makeKey({ accessKeyId: null, slot: 2, ageDays: 900, lastUsedDaysAgo: null })])],
      reportOf([]),
    );
    const [, root] = parseCsv(renderCsv(slotRows));
    expect(root?.slice(0, 2)).toEqual(['<root_account>', 'slot 2']);
    // Never used: no date, and IAM's N/A service and region become empty cells.
    expect(root?.slice(4, 7)).toEqual(['', '', '']);
    expect(root?.[10]).toBe('never');
  });

  it('quotes commas, double quotes and line breaks as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    const users = [makeUser({ userName: 'x', tags: { team: 'pay,ments "core"\nEU' }, keys: [makeKey({})] })];
    const [, record] = parseCsv(renderCsv(buildKeyRows(users, reportOf(users))));
    expect(record?.[11]).toBe('pay,ments "core"\nEU');
  });

  it('neutralises spreadsheet formulas in user names and tags with a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(neutraliseFormula(`${start}HYPERLINK("http://x")`)).toBe(`'${start}HYPERLINK("http://x")`);
    }
    expect(neutraliseFormula('alice=ok')).toBe('alice=ok');
    const users = [
      makeUser({ userName: '=cmd', tags: { team: '@SUM(1+1)' }, keys: [makeKey({})] }),
      makeUser({ userName: '+1', tags: { owner: '-2+3' }, keys: [makeKey({})] }),
    ];
    const records = parseCsv(renderCsv(buildKeyRows(users, reportOf(users))));
    expect(records.slice(1).map((record) => [record[0], record[11]])).toEqual([
      ["'=cmd", "'@SUM(1+1)"],
      ["'+1", "'-2+3"],
    ]);
  });

  it('keeps hostile user names and tags inside their cells', () => {
    const users = [makeUser({ userName: HOSTILE_NAME, tags: { team: HOSTILE_TAG }, keys: [makeKey({})] })];
    const records = parseCsv(renderCsv(buildKeyRows(users, reportOf(users))));
    expect(records).toHaveLength(2);
    expect(records[1]?.[0]).toBe(HOSTILE_NAME);
    expect(records[1]?.[11]).toBe(HOSTILE_TAG);
  });

  it('reads back, cell for cell, whatever the user names and tags are', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string()), { minLength: 1, maxLength: 8 }),
        (specs) => {
          const users = specs.map(([userName, team]) =>
            makeUser({ userName, tags: { team }, keys: [makeKey({})] }),
          );
          const records = parseCsv(renderCsv(buildKeyRows(users, reportOf(users))));
          expect(records).toHaveLength(users.length + 1);
          records.slice(1).forEach((record, i) => {
            expect(record[0]).toBe(neutraliseFormula(specs[i]?.[0] ?? ''));
            expect(record[11]).toBe(neutraliseFormula(specs[i]?.[1] ?? ''));
          });
        },
      ),
    );
  });
});
