/**
 * The CSV export: one row per access key of the audited account (from {@link buildKeyRows}), for a
 * spreadsheet or a data tool. RFC 4180 (CRLF line ends, fields with a comma, quote or line break
 * in double quotes, quotes doubled), UTF-8 without a byte order mark, a header row.
 */
import { SNOOZED_UNTIL } from '../plan/snoozes.js';
import type { KeyRow } from '../report/key-rows.js';
import { ownerName } from './owner-text.js';

/** The columns, in order. The first nine are the issue's; team, exemption and owner help filtering. */
export const CSV_COLUMNS = [
  'user',
  'key',
  'status',
  'created',
  'last_used',
  'last_used_service',
  'last_used_region',
  'findings',
  'action',
  'severity',
  'days_since_last_use',
  'team',
  'exemption',
  'privilege',
  'owner',
  'owner_source',
  'unowned',
] as const;

/** Added after the others when the report carries usage evidence (`evidence=on`). */
export const CSV_USAGE_COLUMNS = ['usage_profile', 'way_off'] as const;

/** Added after those when some key has an owner's notice or snooze (enforce mode, notices on). */
export const CSV_NOTICE_COLUMNS = ['notice_sent', 'notice_deadline', 'snoozed_until'] as const;

/** The Content-Type of the export, with the RFC 4180 `header` parameter. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage return,
 * that some spreadsheets strip before doing so). OWASP's CSV-injection guidance.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes a cell safe to open in a spreadsheet: a value that starts like a formula gets a leading
 * apostrophe, so `=HYPERLINK(...)` in a user name or tag shows as text instead of running.
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF, with quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function keyLabel(row: KeyRow): string {
  if (row.accessKeyId !== null) return row.accessKeyId;
  return row.slot === null ? '' : `slot ${row.slot}`;
}

function actionLabel(row: KeyRow): string {
  if (row.action === null) return '';
  const label = `${row.action.action} ${row.action.status} (${row.action.ruleId})`;
  // A snooze is the owner's answer: the security team filters on it, so it is spelled out.
  const { reason } = row.action;
  return reason?.startsWith(SNOOZED_UNTIL) ? `${label}: ${reason}` : label;
}

function exemptionLabel(row: KeyRow): string {
  const exemption = row.exemption;
  if (exemption === null) return '';
  const until = exemption.until === null ? '' : ` until ${exemption.until}`;
  const reason = exemption.reason === null ? '' : `: ${exemption.reason}`;
  return `${exemption.source} ${exemption.matched}${until}${reason}`;
}

/** IAM answers `N/A` for the service and region of a never-used key; the CSV leaves them empty. */
function known(value: string | null): string {
  return value === null || value === 'N/A' ? '' : value;
}

/** One key row's cells, by column: what the CSV export (and the organization CSV) writes for it. */
export function keyRowCells(row: KeyRow): Record<(typeof CSV_COLUMNS)[number], string> {
  return {
    user: row.userName,
    key: keyLabel(row),
    status: row.status,
    created: row.createDate ?? '',
    last_used: row.lastUsedDate ?? '',
    last_used_service: known(row.lastUsedService),
    last_used_region: known(row.lastUsedRegion),
    findings: row.findings.join(' '),
    action: actionLabel(row),
    severity: row.severity ?? '',
    days_since_last_use: String(row.daysSinceLastUse),
    team: row.team ?? '',
    exemption: exemptionLabel(row),
    privilege: row.privilege ?? '',
    owner: row.owner ? ownerName(row.owner) : '',
    owner_source: row.owner?.source ?? '',
    unowned: row.owner === null ? '' : String(row.owner.unowned),
  };
}

/**
 * A CSV document: the header, then one line per record, CRLF after each. Every cell goes through
 * {@link neutraliseFormula} and {@link csvField}: user names, tag values and account names are
 * chosen by whoever can create them, and must not run as formulas or break the columns.
 */
export function csvDocument(header: readonly string[], records: readonly (readonly string[])[]): string {
  const lines = [header.join(',')];
  for (const record of records) lines.push(record.map((cell) => csvField(neutraliseFormula(cell))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Renders the key rows as CSV: the header, then exactly one line per row, in row order. The usage
 * columns come only when some key has evidence, and the notice columns only when some key has a
 * notice or a snooze, so a run without them keeps its columns.
 */
export function renderCsv(rows: readonly KeyRow[]): string {
  const usage = rows.some((row) => row.usage !== null);
  const notices = rows.some((row) => row.notice !== null || row.snooze !== null);
  return csvDocument(
    [...CSV_COLUMNS, ...(usage ? CSV_USAGE_COLUMNS : []), ...(notices ? CSV_NOTICE_COLUMNS : [])],
    rows.map((row) => {
      const values = keyRowCells(row);
      return [
        ...CSV_COLUMNS.map((column) => values[column]),
        ...(usage ? [row.usage?.profile ?? '', row.usage?.wayOff ?? ''] : []),
        ...(notices ? [row.notice?.sentAt ?? '', row.notice?.deadline ?? '', row.snooze?.until ?? ''] : []),
      ];
    }),
  );
}
