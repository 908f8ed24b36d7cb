import type { AuditReport } from '../model.js';
import { archiveLinks, digestLists, packList } from './chat-digest.js';
import { mrkdwnLink, mrkdwnText, truncateChars } from './mrkdwn.js';
import { headline, outcomeParts, summarizeOutcome } from './outcome.js';
import { plural } from './text-format.js';

/**
 * Amazon Q Developer in chat applications' custom notification (the schema its SNS subscriptions
 * read; any other payload is dropped silently).
 */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    additionalContext: Record<string, string>;
  };
}

/**
 * Sizes kept well inside what the chat clients show, so a message is never cut by the service:
 * characters of the title and description, number and length of next steps.
 */
export const CHATBOT_LIMITS = { title: 250, description: 3500, nextSteps: 5, nextStep: 300 } as const;

/**
 * The report as a custom notification (serialized, the SNS message's `https` member): the counts
 * in the title, the short lists in the description, what to do next in the next steps. Every
 * string from the account is escaped (see `mrkdwnText`), so a user name cannot ping a channel.
 */
export function renderChatbot(report: AuditReport): ChatbotNotification {
  const outcome = summarizeOutcome(report);
  const severe = outcome.critical > 0 || report.summary.highestSeverity === 'high';
  const scope = report.team === undefined ? report.accountId : `${report.accountId}, team ${report.team}`;
  const status = `${report.mode === 'report' ? ' (report mode)' : ''}${report.complete ? '' : ' (INCOMPLETE)'}`;
  const title = truncateChars(
    `${severe ? ':warning: ' : ''}IAM access-key audit ${mrkdwnText(scope)}${status}: ${outcomeParts(report, outcome).join(', ')}`,
    CHATBOT_LIMITS.title,
  );
  const intro = [
    mrkdwnText(`${headline(report, outcome)}.`),
    `Audited ${plural(report.summary.usersAudited, 'user')} and ${plural(report.summary.keysAudited, 'key')}.`,
  ];
  if (!report.complete) {
    intro.push(`:warning: Incomplete run: ${plural(report.notReached.length, 'user')} not reached.`);
  }
  let description = intro.join('\n');
  for (const list of digestLists(report)) {
    const room = CHATBOT_LIMITS.description - Array.from(description).length - 2;
    if (room < 80) break;
    description = `${description}\n\n${packList(list, room).text}`;
  }
  return {
    version: '1.0',
    source: 'custom',
    id: truncateChars(
      `key-hygiene-${report.runId}${report.team === undefined ? '' : `-${report.team}`}`,
      128,
    ),
    content: {
      textType: 'client-markdown',
      title,
      description: truncateChars(description, CHATBOT_LIMITS.description),
      nextSteps: nextSteps(report, outcome),
      keywords: ['iam', 'access-keys', report.accountId],
    },
    metadata: {
      threadId: `key-hygiene-${report.accountId}`,
      summary: truncateChars(
        `IAM access-key audit ${scope}: ${outcomeParts(report, outcome).join(', ')}`,
        250,
      ),
      eventType: 'KeyHygieneAudit',
      additionalContext: {
        account: report.accountId,
        runId: report.runId,
        mode: report.mode,
        asOf: report.asOf,
        // A Record<string, string>, serialized as is: no team means no key, not an undefined one.
        ...(report.team === undefined ? {} : { team: report.team }),
      },
    },
  };
}

function nextSteps(report: AuditReport, outcome: ReturnType<typeof summarizeOutcome>): string[] {
  const steps: string[] = [];
  const links = archiveLinks(report);
  const link = links.html ?? links.json;
  const full = link ? mrkdwnLink(link, 'full report') : null;
  if (full) steps.push(`Review the ${full}`);
  if (report.findings.some((f) => f.ruleId === 'root-access-key'))
    steps.push("Sign in as the root user and delete the root user's access key");
  if (outcome.failed > 0)
    steps.push(`Deactivate by hand the ${plural(outcome.failed, 'key')} whose deactivation failed`);
  if (report.mode === 'report' && outcome.wouldDeactivate > 0)
    steps.push(`Check the ${plural(outcome.wouldDeactivate, 'key')} enforce mode would deactivate`);
  if (outcome.toReview > 0)
    steps.push(`Review the ${plural(outcome.toReview, 'finding')} in the emailed report`);
  if (!report.complete) steps.push('Check why the run did not reach every user (time budget, errors)');
  // A link is never cut (a cut URL is worse than a long step); other steps are ours and short.
  return steps
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map((step) => (full && step.includes(full) ? step : truncateChars(step, CHATBOT_LIMITS.nextStep)));
}
