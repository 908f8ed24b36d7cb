/**
 * An RFC 4180 CSV reader: fields separated by commas, records by CRLF or LF, fields optionally in
 * double quotes, where a quoted field may hold commas, line breaks and doubled quotes (`""`).
 * Pure; no I/O.
 */

/** The text is not well-formed CSV; the message says where. */
export class CsvFormatError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;

  constructor(message: string, line: number, options?: ErrorOptions) {
    super(`${message} (line ${line})`, options);
    this.name = 'CsvFormatError';
    this.line = line;
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Yields the records of a CSV text one at a time, so a 50,000-row report is never held as a whole
 * table. A final line break does not make an empty record.
 *
 * @throws CsvFormatError on an unterminated quoted field, a quote inside an unquoted field, or
 * text right after a closing quote: signs of a truncated or garbled file.
 * @example
 * [...readCsvRecords('a,"b,c"\n1,"say ""hi"""\n')]; // [['a', 'b,c'], ['1', 'say "hi"']]
 */
export function* readCsvRecords(text: string): Generator<string[], void, undefined> {
  const length = text.length;
  let i = 0;
  let line = 1;
  while (i < length) {
    const record: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted field: runs to the next quote that is not doubled.
        const start = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) {
            throw new CsvFormatError(
              'Unterminated quoted field: the text ends inside quotes, so it is truncated',
              start,
            );
          }
          const chunk = text.slice(from, quote);
          value += chunk;
          line += countLineBreaks(chunk);
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += '"';
            from = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        record.push(value);
        const next = text.charCodeAt(i);
        if (i < length && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvFormatError(
            'Text after a closing quote; a quoted field must end at a comma or line end',
            line,
          );
        }
      } else {
        let end = i;
        while (end < length) {
          const c = text.charCodeAt(end);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw new CsvFormatError(
              'A quote inside an unquoted field; quote the whole field and double the quote',
              line,
            );
          }
          end++;
        }
        record.push(text.slice(i, end));
        i = end;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR && text.charCodeAt(i + 1) === LF) i += 2;
      else if (c === LF || c === CR) i++;
      // else: end of text
      line++;
      break;
    }
    yield record;
  }
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
