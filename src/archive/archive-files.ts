/**
 * The renderings a run archives next to its JSON report. Each is rendered lazily by the writer, so
 * a renderer that throws costs its own file (recorded as an error), never the run.
 */
import type { Settings } from '../config/settings.js';
import { OCSF_CONTENT_TYPE, renderOcsfJsonLines } from '../export/ocsf.js';
import type { AuditReport, UserRecord } from '../model.js';
import { CSV_CONTENT_TYPE, renderCsv } from '../render/csv.js';
import { renderHtml } from '../render/html.js';
import type { KeyRow } from '../report/key-rows.js';
import type { ArchiveFormat } from './archive-location.js';

/** One archived rendering: its suffix, its Content-Type and how to render it. */
export interface ArchiveFile {
  suffix: Exclude<ArchiveFormat, 'json'>;
  contentType: string;
  render: () => string;
}

/** What the renderers get: the full report, one row per key, and the settings (thresholds). */
export interface ArchiveInput {
  report: AuditReport;
  rows: readonly KeyRow[];
  settings: Settings;
  /** The inventory (the OCSF findings' first-seen times and user tags). */
  users?: readonly UserRecord[];
  /** The region the run audited from (the OCSF findings' `cloud.region`). */
  region?: string;
}

/**
 * The CSV (one row per key), the self-contained HTML report and the findings as OCSF Detection
 * Findings (JSON Lines). The JSON report is not here: the writer serialises it last, with the
 * links of what was written.
 */
export function archiveFiles(input: ArchiveInput): ArchiveFile[] {
  return [
    { suffix: 'csv', contentType: CSV_CONTENT_TYPE, render: () => renderCsv(input.rows) },
    {
      suffix: 'html',
      contentType: 'text/html; charset=utf-8',
      render: () => renderHtml(input.report, input.rows),
    },
    {
      suffix: 'ocsf',
      contentType: OCSF_CONTENT_TYPE,
      render: () =>
        renderOcsfJsonLines(input.report, {
          users: input.users,
          thresholds: input.settings.rules,
          region: input.region,
        }),
    },
  ];
}
