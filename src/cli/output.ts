/**
 * `--output`: the report in the form asked for. Every format starts from the canonical report (and,
 * for CSV and HTML, one row per key, the same rows the archive renders); a format is one entry here.
 */
import { writeFile } from 'node:fs/promises';
import type { AuditOutcome } from '../audit.js';
import type { FindingThresholds } from '../export/finding-facts.js';
import { renderOcsfJsonLines } from '../export/ocsf.js';
import type { OrganizationReport } from '../org/organization-report.js';
import { renderOrganizationHtml, renderOrganizationText } from '../org/render-organization.js';
import { renderOrganizationCsv } from '../org/render-organization-csv.js';
import { renderCsv } from '../render/csv.js';
import { renderHtml } from '../render/html.js';
import { renderText } from '../render/text.js';
import { buildKeyRows } from '../report/key-rows.js';
import { renderUndoText } from '../undo/report.js';
import type { UndoReport } from '../undo/types.js';
import { colourBySeverity } from './colour.js';

export interface RenderContext {
  /** ANSI colours for a terminal (text only). */
  colour: boolean;
  /** The run's thresholds, for each OCSF finding's first-seen time. */
  thresholds?: FindingThresholds;
  /** The region the run audited from (OCSF `cloud.region`). */
  region?: string;
}

/** An audit's renderer, and an undo's when the format has one. */
interface OutputFormat {
  audit: (outcome: AuditOutcome, context: RenderContext) => string;
  undo?: (report: UndoReport) => string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const FORMATS = {
  /** The email report; colourised by severity on a terminal. */
  text: {
    audit: ({ report }, { colour }) => (colour ? colourBySeverity(renderText(report)) : renderText(report)),
    undo: renderUndoText,
  },
  /** The canonical report (schemaVersion 1), as the function returns it. */
  json: { audit: ({ report }) => json(report), undo: json },
  /** One row per key, as archived next to the JSON report. */
  csv: { audit: ({ report, users }) => renderCsv(buildKeyRows(users, report)) },
  /** The self-contained page, as archived. */
  html: { audit: ({ report, users }) => renderHtml(report, buildKeyRows(users, report)) },
  /** OCSF Detection Findings (class 2004), one per line, as archived next to the JSON report. */
  ocsf: {
    audit: ({ report, users }, { thresholds, region }) =>
      renderOcsfJsonLines(report, {
        users,
        ...(thresholds ? { thresholds } : {}),
        ...(region ? { region } : {}),
      }),
  },
} as const satisfies Record<string, OutputFormat>;

export type OutputFormatName = keyof typeof FORMATS;
export const OUTPUT_FORMATS = Object.keys(FORMATS) as OutputFormatName[];

/** The formats an undo report has (its own small shape has no per-key rows). */
export const UNDO_OUTPUT_FORMATS = OUTPUT_FORMATS.filter((name) => 'undo' in FORMATS[name]);

export function renderAudit(format: OutputFormatName, outcome: AuditOutcome, context: RenderContext): string {
  return FORMATS[format].audit(outcome, context);
}

/** @throws RangeError for a format an undo report does not have (check `UNDO_OUTPUT_FORMATS` first). */
export function renderUndo(format: OutputFormatName, report: UndoReport): string {
  const entry: OutputFormat = FORMATS[format];
  if (!entry.undo) throw new RangeError(`an undo report has no ${format} form`);
  return entry.undo(report);
}

/** What an organization run's formats render from: its report, and each audited account's outcome. */
export interface OrganizationRendering {
  report: OrganizationReport;
  /** By account id: the rows of the organization CSV. */
  audits: ReadonlyMap<string, AuditOutcome>;
}

const ORGANIZATION_FORMATS = {
  /** The email report. */
  text: ({ report }: OrganizationRendering) => renderOrganizationText(report),
  /** The organization report (`scope: organization`), as archived and published. */
  json: ({ report }: OrganizationRendering) => json(report),
  /** One row per finding, the account id first. */
  csv: ({ report, audits }: OrganizationRendering) => renderOrganizationCsv(report, audits),
  /** The page with the chart of findings per account, as archived. */
  html: ({ report }: OrganizationRendering) => renderOrganizationHtml(report),
} as const satisfies Partial<Record<OutputFormatName, (rendering: OrganizationRendering) => string>>;

export type OrganizationFormatName = keyof typeof ORGANIZATION_FORMATS;
/** The formats an organization report has. */
export const ORGANIZATION_OUTPUT_FORMATS = Object.keys(ORGANIZATION_FORMATS) as OrganizationFormatName[];

export function isOrganizationFormat(format: string): format is OrganizationFormatName {
  return Object.hasOwn(ORGANIZATION_FORMATS, format);
}

export function renderOrganization(format: OrganizationFormatName, rendering: OrganizationRendering): string {
  return ORGANIZATION_FORMATS[format](rendering);
}

/**
 * The report to `--out` (saying so on stderr, so stdout stays empty), or to stdout without it.
 *
 * @example
 * await emitReport({ output: 'html', out: 'report.html' }, io, html);
 */
export async function emitReport(
  flags: { output: string; out?: string | undefined },
  io: { stdout: (text: string) => void; stderr: (text: string) => void },
  text: string,
): Promise<void> {
  if (!flags.out) {
    io.stdout(text);
    return;
  }
  await writeFile(flags.out, text, 'utf8');
  io.stderr(`Wrote ${flags.out} (${flags.output}).\n`);
}
