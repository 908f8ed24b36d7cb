export { buildReport, newRunId, type ReportInput } from './build-report.js';
export { headline, outcomeParts, type RunOutcome, summarizeOutcome } from './outcome.js';
export { type RenderTextOptions, renderText } from './render-text.js';
export { auditReportSchema, type DeliveredReport, type Truncation, truncationSchema } from './schema.js';
