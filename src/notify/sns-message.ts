import type { AuditReport } from '../model.js';
import { renderChatbot } from '../render/chatbot.js';
import { headline, outcomeParts, summarizeOutcome } from '../render/outcome.js';
import { renderText } from '../render/text.js';
import { clean } from '../render/text-format.js';
import type { DeliveredReport, Truncation } from '../report/schema.js';
import { MessageTooLargeError } from './errors.js';

/** SNS's limit for one Publish: message, subject and message attributes together, in UTF-8 bytes. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;

/** SNS's subject limit is "fewer than 100" characters of printable ASCII. */
export const SNS_MAX_SUBJECT_CHARS = 99;

export interface SnsMessageAttribute {
  DataType: 'String' | 'Number';
  StringValue: string;
}

/** The parts of a Publish request that depend on the report (everything but the topic). */
export interface SnsPublish {
  subject: string;
  /** A JSON object of strings, one per protocol, for `MessageStructure: 'json'`. */
  message: string;
  messageStructure: 'json';
  messageAttributes: Record<string, SnsMessageAttribute>;
}

/** The protocols that receive the report as JSON. */
const JSON_PROTOCOLS = ['sqs', 'lambda', 'http', 'https'] as const;

/**
 * What the `https` member carries: the JSON report (`json`), or Amazon Q Developer in chat
 * applications' custom notification (`chatbot`), which is what its SNS subscription reads.
 */
export type ChatFormat = 'json' | 'chatbot';

export interface SnsPublishOptions {
  /** The limit of the whole publish in UTF-8 bytes; default {@link SNS_MAX_PUBLISH_BYTES}. */
  maxBytes?: number;
  /** Default `json`. */
  chatFormat?: ChatFormat;
}

/** How much of each list to keep; `entries` applies to actions, exempt, errors and notReached. */
interface Cut {
  findings: number;
  entries: number;
}

/**
 * Builds an SNS Publish with one member per protocol: a one-line `default`, the text report for
 * `email`, the JSON report for the others (or the chat notification for `https`, with `chatFormat:
 * 'chatbot'`). The whole publish stays within `maxBytes`: findings are cut from the end, least
 * severe first, and only when the other lists alone are too big are they cut too, to half the
 * budget, so some findings still make it in. The `summary` is never changed.
 */
export function buildSnsPublish(report: AuditReport, options: SnsPublishOptions = {}): SnsPublish {
  const maxBytes = options.maxBytes ?? SNS_MAX_PUBLISH_BYTES;
  // Bounded by its own limits, so it does not take part in the truncation below.
  const chatbot = options.chatFormat === 'chatbot' ? JSON.stringify(renderChatbot(report)) : null;
  const subject = buildSubject(report);
  const messageAttributes = buildAttributes(report);
  const fixedBytes =
    utf8Bytes(subject) +
    Object.entries(messageAttributes).reduce(
      (sum, [name, value]) =>
        sum + utf8Bytes(name) + utf8Bytes(value.DataType) + utf8Bytes(value.StringValue),
      0,
    );
  const summary = defaultMessage(report);

  const compose = (cut: Cut): string => {
    const json = JSON.stringify(truncateReport(report, cut));
    const message: Record<string, string> = {
      default: summary,
      email: renderText(report, { maxFindings: cut.findings, maxEntries: cut.entries }),
    };
    for (const protocol of JSON_PROTOCOLS) message[protocol] = json;
    if (chatbot !== null) message.https = chatbot;
    return JSON.stringify(message);
  };
  const sizeOf = (cut: Cut) => fixedBytes + utf8Bytes(compose(cut));
  const result = (cut: Cut): SnsPublish => ({
    subject,
    message: compose(cut),
    messageStructure: 'json',
    messageAttributes,
  });

  const allEntries = Math.max(
    report.actions.length,
    report.exempt.length,
    report.errors.length,
    report.notReached.length,
  );
  // Usually the findings are what is too big: keep every other entry and as many findings as fit.
  // (No "does it all fit?" probe first: for a huge report that probe alone would be the costliest
  // step, and the search below reaches "all of them" quickly when they do fit.)
  let entries = allEntries;
  if (sizeOf({ findings: 0, entries }) > maxBytes) {
    // The other lists alone overflow: give them at most half the budget, so findings still fit.
    entries =
      sizeOf({ findings: 0, entries: 0 }) <= maxBytes / 2
        ? largestFitting(0, allEntries, (n) => sizeOf({ findings: 0, entries: n }) <= maxBytes / 2)
        : 0;
    if (sizeOf({ findings: 0, entries }) > maxBytes) {
      throw new MessageTooLargeError(
        `The report of run ${report.runId} does not fit in ${maxBytes} bytes even without findings and entries.`,
      );
    }
  }
  const findings = largestFitting(
    0,
    report.findings.length,
    (n) => sizeOf({ findings: n, entries }) <= maxBytes,
  );
  return result({ findings, entries });
}

/**
 * The email subject: printable ASCII, one line, at most 99 characters, e.g.
 * `[key-hygiene] INCOMPLETE 111111111111 (report): 4 to deactivate, 13 to review`. Parts that do
 * not fit are left off, the least important (to review) first. A team's copy names the team after
 * the account.
 */
export function buildSubject(report: AuditReport): string {
  const parts = outcomeParts(report, summarizeOutcome(report));

  // The account id and the team are the only strings here that do not come from this code; keep
  // them short too.
  const account = printableAscii(report.accountId).slice(0, 40) || 'unknown account';
  const team =
    report.team === undefined ? '' : ` team ${printableAscii(report.team).trim().slice(0, 30) || '?'}`;
  let subject = `[key-hygiene]${report.complete ? '' : ' INCOMPLETE'} ${account}${team}${report.mode === 'report' ? ' (report)' : ''}:`;
  subject = printableAscii(subject);
  for (const [index, part] of parts.entries()) {
    const next = `${subject}${index === 0 ? ' ' : ', '}${part}`;
    if (next.length > SNS_MAX_SUBJECT_CHARS) break;
    subject = next;
  }
  return subject.slice(0, SNS_MAX_SUBJECT_CHARS).trimEnd();
}

/** The `default` message: one line for SMS and any protocol that has no key of its own. */
function defaultMessage(report: AuditReport): string {
  const missing = report.complete ? '' : ` INCOMPLETE: ${report.notReached.length} users not reached.`;
  return `key-hygiene: ${clean(headline(report, summarizeOutcome(report)))}.${missing} Run ${clean(report.runId)}.`;
}

function buildAttributes(report: AuditReport): Record<string, SnsMessageAttribute> {
  return {
    // SNS rejects empty attribute values.
    accountId: { DataType: 'String', StringValue: report.accountId || 'unknown' },
    highestSeverity: { DataType: 'String', StringValue: report.summary.highestSeverity },
    actionsApplied: { DataType: 'Number', StringValue: String(report.summary.actionsApplied) },
    mode: { DataType: 'String', StringValue: report.mode },
    // No key at all without a team: filter policies select full reports with `"team": [{"exists": false}]`.
    ...(report.team === undefined ? {} : { team: { DataType: 'String', StringValue: report.team } }),
  };
}

/** A copy of the report with the lists cut, and a `truncated` marker when anything was cut. */
function truncateReport(report: AuditReport, cut: Cut): DeliveredReport {
  const truncated: Truncation = {
    findingsOmitted: Math.max(0, report.findings.length - cut.findings),
    actionsOmitted: Math.max(0, report.actions.length - cut.entries),
    exemptOmitted: Math.max(0, report.exempt.length - cut.entries),
    errorsOmitted: Math.max(0, report.errors.length - cut.entries),
    notReachedOmitted: Math.max(0, report.notReached.length - cut.entries),
  };
  if (Object.values(truncated).every((n) => n === 0)) return report;
  return {
    ...report,
    notReached: report.notReached.slice(0, cut.entries),
    findings: report.findings.slice(0, cut.findings),
    actions: report.actions.slice(0, cut.entries),
    exempt: report.exempt.slice(0, cut.entries),
    errors: report.errors.slice(0, cut.entries),
    truncated,
  };
}

/**
 * The largest n in [low, high] for which `fits(n)` holds, given that `fits(low)` holds and that
 * `fits` is monotone. Gallops up from `low` first: what fits is usually a few hundred findings out
 * of many thousands, and each probe costs in proportion to n.
 */
export function largestFitting(low: number, high: number, fits: (n: number) => boolean): number {
  let good = low;
  let bad = high + 1;
  let step = 16;
  while (good + step < bad) {
    if (!fits(good + step)) {
      bad = good + step;
      break;
    }
    good += step;
    step *= 2;
  }
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (fits(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

/** The text cut to printable ASCII (runs of spaces made one), as SNS subjects require. */
export function printableAscii(value: string): string {
  return value.replace(/[^\x20-\x7E]/g, '').replace(/ {2,}/g, ' ');
}

/** Size in UTF-8 bytes, the unit of SNS's limits. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
