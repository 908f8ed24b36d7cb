import { describe, expect, it } from 'vitest';
import { archivedObject, archiveLocation } from '../../src/archive/archive-location.js';
import type { AuditReport } from '../../src/model.js';
import { renderText } from '../../src/render/text.js';
import { sampleReport } from '../report/sample-report.js';

function archivedReport(formats: readonly ('json' | 'csv' | 'html')[]): AuditReport {
  const report = sampleReport();
  const location = archiveLocation(report, { bucket: 'acme-key-hygiene-reports', region: 'eu-west-1' });
  const archive: NonNullable<AuditReport['archive']> = { bucket: location.bucket, prefix: location.prefix };
  for (const format of formats) archive[format] = archivedObject(location, format);
  return { ...report, archive };
}

const flat = (text: string) => text.replace(/\n/g, ' ');

describe('Function: renderText with an archived report', () => {
  it('ends the footer with the archive prefix and a link per archived object', () => {
    // Prepare
    const report = archivedReport(['json', 'csv', 'html']);
    // Act
    const footer = renderText(report).split('\n--\n')[1] ?? '';
    // Assess
    expect(footer).toContain(`Archived in s3://acme-key-hygiene-reports/${report.archive?.prefix}.*`);
    // Each link whole, on a line of its own, so a mail client can open it.
    expect(footer).toContain(`Full report (HTML):\n${report.archive?.html?.consoleUrl}\n`);
    expect(footer).toContain(`Full report (JSON):\n${report.archive?.json?.consoleUrl}\n`);
    expect(footer).toContain(`Every key (CSV):\n${report.archive?.csv?.consoleUrl}\n`);
  });

  it('points the truncation line at the full report: HTML first, else JSON', () => {
    const both = archivedReport(['json', 'html']);
    expect(flat(renderText(both, { maxFindings: 3 }))).toContain(
      `The counts above include them. The full report: ${both.archive?.html?.consoleUrl} `,
    );
    const jsonOnly = archivedReport(['json']);
    expect(renderText(jsonOnly, { maxFindings: 3 })).toContain(
      `The full report:\n${jsonOnly.archive?.json?.consoleUrl}\n`,
    );
  });

  it('says nothing about an archive when the run has none', () => {
    const text = renderText(sampleReport(), { maxFindings: 3 });
    expect(text).not.toContain('Archived in');
    expect(text).not.toContain('The full report:');
  });
});
