/**
 * The organization report as CSV: one row per finding, across every account, with the account id
 * first and then the account CSV's columns, filled as the account CSV fills them for the finding's
 * key. Findings about the organization itself (an account not covered, the organization cap) are
 * rows too, with their account id (none for the cap: it is about the run). Pure.
 */
import type { AuditOutcome } from '../audit.js';
import { keyIdentity, keyRefOf } from '../key-ref.js';
import type { Finding } from '../model.js';
import { CSV_COLUMNS, csvDocument, keyRowCells } from '../render/csv.js';
import { buildKeyRows, type KeyRow } from '../report/key-rows.js';
import type { OrganizationReport } from './organization-report.js';

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The columns, in order: the account, then the account CSV's. */
export const ORGANIZATION_CSV_COLUMNS = ['account', ...CSV_COLUMNS] as const;

const blank = (): Record<CsvColumn, string> =>
  Object.fromEntries(CSV_COLUMNS.map((column) => [column, ''])) as Record<CsvColumn, string>;

/** A finding's cells: its key's row when the inventory has it, with this finding's rule and severity. */
function findingCells(finding: Finding, rows: ReadonlyMap<string, KeyRow>): Record<CsvColumn, string> {
  if (finding.userName === null) return { ...blank(), findings: finding.ruleId, severity: finding.severity };
  const row = rows.get(keyIdentity(finding.userName, keyRefOf(finding)));
  const cells = row
    ? keyRowCells(row)
    : { ...blank(), user: finding.userName, key: finding.accessKeyId ?? '' };
  return { ...cells, findings: finding.ruleId, severity: finding.severity };
}

/**
 * Renders the organization findings first, then each audited account's findings, accounts in the
 * report's order (worst first). `audits` are the accounts' full outcomes, by account id.
 *
 * @throws RangeError when an audited account with findings is missing from `audits`: a CSV without
 * its rows would read as a clean account.
 */
export function renderOrganizationCsv(
  report: OrganizationReport,
  audits: ReadonlyMap<string, AuditOutcome>,
): string {
  const records: string[][] = [];
  const record = (accountId: string, cells: Record<CsvColumn, string>) =>
    records.push([accountId, ...CSV_COLUMNS.map((column) => cells[column])]);
  for (const finding of report.findings) {
    record(finding.accountId ?? '', { ...blank(), findings: finding.ruleId, severity: finding.severity });
  }
  for (const account of report.accounts) {
    const audit = audits.get(account.accountId);
    if (!audit) {
      if ((account.summary?.findings ?? 0) === 0) continue;
      throw new RangeError(
        `the findings of account ${account.accountId} were not kept: no CSV rows for them`,
      );
    }
    const rows = new Map(
      buildKeyRows(audit.users, audit.report).map((row) => [keyIdentity(row.userName, keyRefOf(row)), row]),
    );
    for (const finding of audit.report.findings) record(account.accountId, findingCells(finding, rows));
  }
  return csvDocument(ORGANIZATION_CSV_COLUMNS, records);
}
