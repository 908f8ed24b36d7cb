import * as z from 'zod';
import type { AuditError } from '../model.js';
import { compareText } from '../order.js';
import { clean, plural, wrap } from '../render/text-format.js';
import { UNDO_SKIP_REASONS } from './reactivate.js';
import type { UndoAction, UndoReport } from './types.js';

export interface UndoReportInput {
  runId: string;
  undoneRunId: string;
  accountId: string;
  startedAt: Date;
  finishedAt: Date;
  complete: boolean;
  notReached: readonly string[];
  /** See `UndoReport.tagsOnly`; null when absent. */
  tagsOnly?: string | null;
  /** See `UndoReport.tagsTrusted`; false when absent. */
  tagsTrusted?: boolean;
  actions: readonly UndoAction[];
  errors: readonly AuditError[];
}

/** Why undo reactivated nothing without the undone run's archived report. */
export const UNDO_TAGS_REFUSAL =
  'Nothing reactivated: the archived report of the undone run could not confirm the tags';

/** What to do about it; names the event field and the flag. */
export const UNDO_TRUST_TAGS_HINT =
  'Undo does not guess from user tags alone (anyone allowed to tag users can write one): check the keys, then run the undo again with "trustTags": true in the event (key-hygiene undo --trust-tags)';

const STATUS_ORDER: readonly UndoAction['status'][] = ['reactivated', 'failed', 'skipped'];

/**
 * Builds the undo report: actions by status (reactivated, failed, skipped), then user and key.
 *
 * @example
 * buildUndoReport({ runId, undoneRunId, accountId, startedAt, finishedAt, complete: true, notReached: [], actions, errors: [] });
 */
export function buildUndoReport(input: UndoReportInput): UndoReport {
  const actions = [...input.actions].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
      compareText(a.userName, b.userName) ||
      compareText(a.accessKeyId, b.accessKeyId),
  );
  const count = (status: UndoAction['status']) => actions.filter((a) => a.status === status).length;
  return {
    schemaVersion: 1,
    kind: 'undo',
    runId: input.runId,
    undoneRunId: input.undoneRunId,
    accountId: input.accountId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    complete: input.complete,
    notReached: [...input.notReached],
    tagsOnly: input.tagsOnly ?? null,
    tagsTrusted: input.tagsTrusted ?? false,
    summary: {
      found: actions.length,
      reactivated: count('reactivated'),
      skipped: count('skipped'),
      failed: count('failed'),
      errors: input.errors.length,
    },
    actions,
    errors: [...input.errors],
  };
}

const count = z.number().int().nonnegative();
const awsError = z.strictObject({ code: z.string(), message: z.string() });

/**
 * The undo report as consumers (SQS, Lambda, HTTPS subscribers) receive it; `kind: "undo"` tells it
 * apart from an audit report. `truncated` appears only on a delivered copy that had to be cut.
 *
 * @example
 * const report = undoReportSchema.parse(JSON.parse(record.body));
 */
export const undoReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  kind: z.literal('undo'),
  runId: z.string().min(1),
  undoneRunId: z.string().min(1),
  accountId: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  complete: z.boolean(),
  notReached: z.array(z.string()),
  tagsOnly: z.string().nullable(),
  tagsTrusted: z.boolean(),
  summary: z.strictObject({ found: count, reactivated: count, skipped: count, failed: count, errors: count }),
  actions: z.array(
    z.strictObject({
      userName: z.string(),
      accessKeyId: z.string(),
      deactivation: z.string(),
      status: z.enum(['reactivated', 'skipped', 'failed']),
      reason: z.string().nullable(),
      error: awsError.nullable(),
    }),
  ),
  errors: z.array(
    z.strictObject({
      userName: z.string().nullable(),
      accessKeyId: z.string().nullable(),
      operation: z.string(),
      code: z.string(),
      message: z.string(),
    }),
  ),
  truncated: z
    .strictObject({ actionsOmitted: count, errorsOmitted: count, notReachedOmitted: count })
    .optional(),
});

// The schema and the type must describe the same shape.
const typeFitsSchema = (report: UndoReport): z.infer<typeof undoReportSchema> => report;
void typeFitsSchema;

/**
 * One line: `Account 111111111111: undo of run 20261120T030000Z-1a2b3c: 2 keys reactivated, 1 skipped`.
 *
 * @example
 * undoHeadline(report);
 */
export function undoHeadline(report: UndoReport): string {
  const { summary } = report;
  const parts =
    summary.found === 0
      ? [
          report.complete
            ? 'nothing to undo (no key carries a deactivation tag naming this run)'
            : 'no key found so far (incomplete: not every user could be read)',
        ]
      : [
          `${plural(summary.reactivated, 'key')} reactivated`,
          ...(summary.skipped > 0 ? [`${summary.skipped} skipped`] : []),
          ...(summary.failed > 0 ? [`${summary.failed} failed`] : []),
        ];
  return `Account ${report.accountId}: undo of run ${report.undoneRunId}: ${parts.join(', ')}`;
}

/** Why an undo is incomplete, in one sentence: what it could not read, and what it did not reach. */
function incompleteSentence(report: UndoReport): string {
  const keysLeft = report.actions.filter((action) => action.reason === UNDO_SKIP_REASONS.timeBudget).length;
  const notDone = [
    ...(report.notReached.length > 0
      ? [`the tags of ${plural(report.notReached.length, 'user')} were not read (NOT REACHED)`]
      : []),
    ...(keysLeft > 0 ? [`${plural(keysLeft, 'key')} not reactivated (SKIPPED)`] : []),
  ];
  const causes = [
    ...(report.errors.length > 0
      ? ['some users could not be read (see ERRORS), so a key of that run may have been missed']
      : []),
    ...(notDone.length > 0 ? [`the time budget ran out: ${notDone.join(' and ')}`] : []),
  ];
  return `INCOMPLETE: ${causes.join('; ')}; run the undo again.`;
}

/**
 * The undo report as plain text (email, the command line): what was reactivated, what was skipped
 * and why, failures, errors. Strings from the account pass through `clean`.
 *
 * @example
 * process.stdout.write(renderUndoText(report));
 */
export function renderUndoText(report: UndoReport, options: { maxEntries?: number } = {}): string {
  const max = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const shown = report.actions.slice(0, max);
  const sections: string[][] = [['KEY-HYGIENE UNDO', ...wrap(`${clean(undoHeadline(report))}.`)]];
  if (!report.complete) sections.push(wrap(incompleteSentence(report)));
  if (report.tagsOnly !== null)
    sections.push(
      wrap(
        report.tagsTrusted
          ? `Checked against the user tags only: ${clean(report.tagsOnly)}.`
          : `${UNDO_TAGS_REFUSAL}: ${clean(report.tagsOnly)}. ${UNDO_TRUST_TAGS_HINT}.`,
      ),
    );
  const groups: Array<[string, UndoAction['status']]> = [
    ['REACTIVATED', 'reactivated'],
    ['FAILED', 'failed'],
    ['SKIPPED', 'skipped'],
  ];
  for (const [title, status] of groups) {
    const group = shown.filter((action) => action.status === status);
    if (group.length === 0) continue;
    const lines = [`${title} (${group.length}):`];
    for (const action of group) {
      lines.push(
        ...wrap(
          `${clean(action.userName)}, ${clean(action.accessKeyId)} (deactivated ${clean(action.deactivation)})`,
          {
            first: '- ',
            rest: '  ',
          },
        ),
      );
      if (action.reason) lines.push(...wrap(clean(action.reason), { first: '  ', rest: '  ' }));
      if (action.error) {
        lines.push(
          ...wrap(`${clean(action.error.code)}: ${clean(action.error.message)}`, { first: '  ', rest: '  ' }),
        );
      }
    }
    sections.push(lines);
  }
  if (shown.length < report.actions.length) {
    sections.push([`${plural(report.actions.length - shown.length, 'more key')} not shown.`]);
  }
  if (report.notReached.length > 0) {
    const users = report.notReached.slice(0, max);
    sections.push([
      `NOT REACHED (${report.notReached.length} users, tags not read):`,
      ...wrap(users.map(clean).join(', '), { first: '- ', rest: '  ' }),
      ...(users.length < report.notReached.length
        ? [`${plural(report.notReached.length - users.length, 'more user')} not shown.`]
        : []),
    ]);
  }
  if (report.errors.length > 0) {
    sections.push([
      'ERRORS',
      ...report.errors.slice(0, max).flatMap((error) =>
        wrap(
          `${clean(error.userName ?? 'account')}: ${clean(error.operation)} ${clean(error.code)}: ${clean(error.message)}`,
          {
            first: '- ',
            rest: '  ',
          },
        ),
      ),
    ]);
  }
  sections.push([
    '--',
    `Undo run ${clean(report.runId)}`,
    `Started ${report.startedAt}, finished ${report.finishedAt}.`,
  ]);
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
