import { MessageTooLargeError } from '../notify/errors.js';
import {
  largestFitting,
  printableAscii,
  SNS_MAX_PUBLISH_BYTES,
  SNS_MAX_SUBJECT_CHARS,
  type SnsPublish,
  utf8Bytes,
} from '../notify/sns-message.js';
import { clean } from '../render/text-format.js';
import { renderUndoText, undoHeadline } from './report.js';
import type { UndoReport } from './types.js';

const JSON_PROTOCOLS = ['sqs', 'lambda', 'http', 'https'] as const;

/**
 * The SNS Publish for an undo report, shaped like an audit's (`MessageStructure: 'json'`: a one-line
 * `default`, the text for `email`, the JSON report for the JSON protocols) so the same
 * subscriptions receive it. Attributes: `accountId`, `mode` = `undo`, `highestSeverity` = `none`
 * (an undo raises no finding) and `actionsApplied` = keys reactivated. Too big (thousands of keys):
 * the lists are cut from the end, with a count in the text and `truncated` in the JSON.
 *
 * @example
 * const publish = buildUndoSnsPublish(report); // publish.subject: '[key-hygiene] 111111111111 undo of 2026...: 2 reactivated'
 */
export function buildUndoSnsPublish(report: UndoReport, options: { maxBytes?: number } = {}): SnsPublish {
  const maxBytes = options.maxBytes ?? SNS_MAX_PUBLISH_BYTES;
  const messageAttributes = {
    accountId: { DataType: 'String' as const, StringValue: report.accountId || 'unknown' },
    highestSeverity: { DataType: 'String' as const, StringValue: 'none' },
    actionsApplied: { DataType: 'Number' as const, StringValue: String(report.summary.reactivated) },
    mode: { DataType: 'String' as const, StringValue: 'undo' },
  };
  const { summary } = report;
  const counts =
    summary.found === 0
      ? report.complete
        ? 'nothing to undo'
        : 'nothing found so far'
      : `${summary.reactivated} reactivated, ${summary.skipped} skipped`;
  const failed = summary.failed > 0 ? `, ${summary.failed} failed` : '';
  const subject = printableAscii(
    `[key-hygiene]${report.complete ? '' : ' INCOMPLETE'} ${report.accountId.slice(0, 40)} undo of ${report.undoneRunId.slice(0, 30)}: ${counts}${failed}`,
  )
    .slice(0, SNS_MAX_SUBJECT_CHARS)
    .trimEnd();
  const fixed =
    utf8Bytes(subject) +
    Object.entries(messageAttributes).reduce(
      (sum, [name, value]) =>
        sum + utf8Bytes(name) + utf8Bytes(value.DataType) + utf8Bytes(value.StringValue),
      0,
    );
  const longest = Math.max(report.actions.length, report.errors.length, report.notReached.length);
  const compose = (entries: number): string => {
    const cut =
      entries >= longest
        ? report
        : {
            ...report,
            actions: report.actions.slice(0, entries),
            errors: report.errors.slice(0, entries),
            notReached: report.notReached.slice(0, entries),
            truncated: {
              actionsOmitted: Math.max(0, report.actions.length - entries),
              errorsOmitted: Math.max(0, report.errors.length - entries),
              notReachedOmitted: Math.max(0, report.notReached.length - entries),
            },
          };
    const json = JSON.stringify(cut);
    const message: Record<string, string> = {
      default: `key-hygiene: ${clean(undoHeadline(report))}. Run ${clean(report.runId)}.`,
      email: renderUndoText(report, { maxEntries: entries }),
    };
    for (const protocol of JSON_PROTOCOLS) message[protocol] = json;
    return JSON.stringify(message);
  };
  const fits = (entries: number) => fixed + utf8Bytes(compose(entries)) <= maxBytes;
  if (!fits(0)) {
    throw new MessageTooLargeError(
      `The undo report of run ${report.runId} does not fit in ${maxBytes} bytes.`,
    );
  }
  const entries = largestFitting(0, longest, fits);
  return { subject, message: compose(entries), messageStructure: 'json', messageAttributes };
}
