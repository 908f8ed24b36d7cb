/**
 * Reads the IAM credential report CSV into per-user rows. Pure; no I/O. Columns are found by header
 * name, so unknown extra columns (AWS adds some from time to time) and another column order are
 * fine; anything that looks truncated or garbled is refused, so the audit falls back to the live
 * API instead of acting on half a report.
 */
import type { LastUse } from '../model.js';
import { CsvFormatError, readCsvRecords } from './csv.js';

/** One access key slot of a report row. Report keys have no id. */
export interface ReportKey {
  slot: 1 | 2;
  active: boolean;
  /** `access_key_N_last_rotated`: the key's creation time (keys are never rotated in place). */
  createDate: Date | null;
  lastUsed: LastUse | null;
}

/** One row of the report: an IAM user, or the root user (`<root_account>`). */
export interface ReportRow {
  userName: string;
  arn: string;
  createDate: Date | null;
  /** Only the slots that hold a key. */
  keys: ReportKey[];
}

export interface ParsedCredentialReport {
  /** The `<root_account>` row, or null when the report has none. */
  root: ReportRow | null;
  users: ReportRow[];
  /** Header columns this parser does not know; ignored, listed for the log. */
  extraColumns: string[];
}

/** The report cannot be used; the message says why and where. */
export class CredentialReportFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialReportFormatError';
  }
}

export const ROOT_ROW_NAME = '<root_account>';

const SLOTS = [1, 2] as const;
const slotColumns = (slot: 1 | 2) =>
  [
    `access_key_${slot}_active`,
    `access_key_${slot}_last_rotated`,
    `access_key_${slot}_last_used_date`,
    `access_key_${slot}_last_used_region`,
    `access_key_${slot}_last_used_service`,
  ] as const;

/** The columns the audit reads; a report without any of them is refused. */
export const REQUIRED_COLUMNS = ['user', 'arn', 'user_creation_time', ...slotColumns(1), ...slotColumns(2)];

/** The 22 columns documented today; others are "extra". */
const KNOWN_COLUMNS = new Set([
  ...REQUIRED_COLUMNS,
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
]);

/** IAM's words for "no value": not applicable, not recorded, not supported for this row. */
const NO_VALUE = new Set(['N/A', 'no_information', 'not_supported', '']);

/**
 * Parses a credential report. Values: `true`/`false` (any case), ISO 8601 dates such as
 * `2017-06-10T02:35:07+00:00`, and `N/A`, `no_information`, `not_supported` for no value. A slot
 * holds a key when it is active or has a `last_rotated` date.
 *
 * @throws CredentialReportFormatError when the header lacks a required column, a row has another
 * number of fields than the header (a truncated report), a boolean or date is not one, a user
 * appears twice, or the text is not CSV at all.
 * @example
 * const { root, users } = parseCredentialReport(csvText);
 * users[0]?.keys; // [{ slot: 1, active: true, createDate: Date, lastUsed: { date, service, region } }]
 */
export function parseCredentialReport(csv: string): ParsedCredentialReport {
  const records = readCsvRecords(csv);
  try {
    const header = records.next();
    if (header.done || (header.value.length === 1 && header.value[0] === '')) {
      throw new CredentialReportFormatError('The credential report is empty');
    }
    const columns = header.value.map((name) => name.trim());
    const index = new Map(columns.map((name, i) => [name, i] as const));
    const missing = REQUIRED_COLUMNS.filter((name) => !index.has(name));
    if (missing.length > 0) {
      throw new CredentialReportFormatError(
        `The credential report's header lacks ${missing.join(', ')}; it is not a credential report or is damaged`,
      );
    }
    const at = (name: string) => index.get(name) as number;
    const slotIndexes = SLOTS.map((slot) => ({ slot, columns: slotColumns(slot).map(at) }));
    const userAt = at('user');
    const arnAt = at('arn');
    const createdAt = at('user_creation_time');

    let root: ReportRow | null = null;
    const users: ReportRow[] = [];
    const seen = new Set<string>();
    let line = 1;
    for (const record of records) {
      line++;
      if (record.length !== columns.length) {
        throw new CredentialReportFormatError(
          `Row ${line} of the credential report has ${record.length} fields where the header has ${columns.length}; the report is truncated or damaged`,
        );
      }
      const field = (i: number) => record[i] as string;
      const userName = field(userAt);
      if (userName === '')
        throw new CredentialReportFormatError(`Row ${line} of the credential report has no user name`);
      const where = `${userName} (row ${line})`;
      const keys: ReportKey[] = [];
      for (const {
        slot,
        columns: [active, rotated, usedDate, usedRegion, usedService],
      } of slotIndexes) {
        const key = readKey(slot, field(active as number), field(rotated as number), where);
        const used = readDate(field(usedDate as number), `access_key_${slot}_last_used_date`, where);
        if (!key) continue;
        keys.push({
          ...key,
          lastUsed: used
            ? {
                date: used,
                service: orNa(field(usedService as number)),
                region: orNa(field(usedRegion as number)),
              }
            : null,
        });
      }
      const row: ReportRow = {
        userName,
        arn: field(arnAt),
        createDate: readDate(field(createdAt), 'user_creation_time', where),
        keys,
      };
      if (userName === ROOT_ROW_NAME) {
        root = row;
        continue;
      }
      if (seen.has(userName)) {
        throw new CredentialReportFormatError(
          `User ${userName} appears twice in the credential report (row ${line})`,
        );
      }
      seen.add(userName);
      users.push(row);
    }
    return { root, users, extraColumns: columns.filter((name) => !KNOWN_COLUMNS.has(name)) };
  } catch (error) {
    if (error instanceof CsvFormatError) {
      throw new CredentialReportFormatError(`The credential report is not valid CSV: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function readKey(
  slot: 1 | 2,
  activeText: string,
  rotatedText: string,
  where: string,
): Omit<ReportKey, 'lastUsed'> | null {
  const active = readBoolean(activeText, `access_key_${slot}_active`, where);
  const createDate = readDate(rotatedText, `access_key_${slot}_last_rotated`, where);
  if (!active && createDate === null) return null;
  return { slot, active, createDate };
}

function readBoolean(text: string, column: string, where: string): boolean {
  const value = text.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false' || NO_VALUE.has(text.trim())) return false;
  throw new CredentialReportFormatError(
    `${column} of ${where} is "${text.slice(0, 40)}", not true or false; the report is damaged`,
  );
}

function readDate(text: string, column: string, where: string): Date | null {
  const value = text.trim();
  if (NO_VALUE.has(value)) return null;
  // Only ISO 8601 date-times: Date.parse alone would accept "1" or "May 5".
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CredentialReportFormatError(
      `${column} of ${where} is "${text.slice(0, 40)}", not a date; the report is damaged`,
    );
  }
  return new Date(ms);
}

function orNa(text: string): string {
  const value = text.trim();
  return NO_VALUE.has(value) ? 'N/A' : value;
}
