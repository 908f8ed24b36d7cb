import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, readCsvRecords } from '../../src/collect/csv.js';

const read = (text: string) => [...readCsvRecords(text)];

/** The RFC 4180 way to write a field, for the round-trip property. */
const writeField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

describe('Function: readCsvRecords', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    // Act
    const records = read('user,note\r\n"smith, j","said ""hi""\nthen left"\nplain,\n');
    // Assess
    expect(records).toEqual([
      ['user', 'note'],
      ['smith, j', 'said "hi"\nthen left'],
      ['plain', ''],
    ]);
  });

  it('makes no empty record of a final line break, and none of an empty text', () => {
    expect(read('a,b\n')).toEqual([['a', 'b']]);
    expect(read('a,b')).toEqual([['a', 'b']]);
    expect(read('')).toEqual([]);
  });

  it('refuses an unterminated quote, naming the line where the field started', () => {
    // Act
    const error = (() => {
      try {
        read('a,b\n1,"cut off\nhere');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    // Assess
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).line).toBe(2);
    expect((error as Error).message).toMatch(/Unterminated quoted field.*truncated \(line 2\)/);
  });

  it('refuses text after a closing quote and a quote inside an unquoted field', () => {
    expect(() => read('"a"b,c\n')).toThrow(/Text after a closing quote/);
    expect(() => read('a,b"c\n')).toThrow(/A quote inside an unquoted field/);
  });

  it('reads back any table written the RFC 4180 way', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((width) =>
          fc.array(
            fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é') }), {
              minLength: width,
              maxLength: width,
            }),
            { minLength: 1, maxLength: 8 },
          ),
        ),
        (table) => {
          // A one-column row of "" is written as an empty line, which reads back as [''] as well.
          const text = `${table.map((row) => row.map(writeField).join(',')).join('\r\n')}\n`;
          expect(read(text)).toEqual(table);
        },
      ),
    );
  });
});
