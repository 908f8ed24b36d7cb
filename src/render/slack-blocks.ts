import type { AuditReport } from '../model.js';
import { archiveLine, type DigestList, digestLists, moreLine } from './chat-digest.js';
import { mrkdwnText, truncateChars } from './mrkdwn.js';
import { headline, outcomeParts, summarizeOutcome } from './outcome.js';
import { weightingText } from './privilege.js';
import { plural } from './text-format.js';

/** Slack's limits for a message posted to an incoming webhook (Block Kit). */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** Characters of a section block's text. */
  sectionText: 3000,
  /** Characters of a header block's plain text. */
  headerText: 150,
  /** Elements of a context block. */
  contextElements: 10,
} as const;

/** How many section blocks one list (findings, actions…) may take. */
const BLOCKS_PER_LIST = 3;

export type SlackText =
  | { type: 'plain_text'; text: string; emoji?: boolean }
  | { type: 'mrkdwn'; text: string };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** The JSON body posted to the webhook: `text` is the notification's fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/**
 * Packs a list's lines into at most `maxBlocks` sections of at most `maxChars` characters each,
 * the title in the first, the "and N more" line in the last when lines were left out.
 */
function listBlocks(list: DigestList, maxChars: number, maxBlocks: number): SlackBlock[] {
  const texts: string[] = [`*${mrkdwnText(list.title)} (${list.total})*`];
  let shown = 0;
  for (const line of list.lines) {
    const current = texts[texts.length - 1] ?? '';
    const lastBlock = texts.length === maxBlocks;
    const reserve = lastBlock ? (moreLine(list, shown + 1)?.length ?? 0) + 1 : 0;
    if (current.length + 1 + line.length + reserve <= maxChars) {
      texts[texts.length - 1] = `${current}\n${line}`;
    } else if (!lastBlock && line.length <= maxChars) {
      texts.push(line);
    } else break;
    shown += 1;
  }
  const more = moreLine(list, shown);
  if (more !== null) {
    const last = texts[texts.length - 1] ?? '';
    if (last.length + 1 + more.length <= maxChars) texts[texts.length - 1] = `${last}\n${more}`;
    else if (texts.length < maxBlocks) texts.push(more);
  }
  return texts.map((text) => section(truncateChars(text, maxChars)));
}

/**
 * The report as a Slack Block Kit message, within {@link SLACK_LIMITS} whatever the report: Slack
 * rejects a message over them, so a list that does not fit ends with "…and N more … in the full
 * report". Text from the account is escaped (see `mrkdwn.ts`), so a user named `<!channel>` pings
 * nobody.
 */
export function buildSlackMessage(report: AuditReport): SlackMessage {
  const outcome = summarizeOutcome(report);
  const icon =
    outcome.critical > 0 ? ':rotating_light: ' : outcome.toReview > 0 ? ':warning: ' : ':white_check_mark: ';
  const scope = report.team === undefined ? report.accountId : `${report.accountId} team ${report.team}`;
  const mode = report.mode === 'report' ? ' (report mode)' : '';
  const title = `key-hygiene ${scope}${mode}${report.complete ? '' : ' INCOMPLETE'}: ${outcomeParts(report, outcome).join(', ')}`;
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      // Plain text: nothing in it is parsed, so only control characters need cleaning.
      text: {
        type: 'plain_text',
        text: truncateChars(title.replace(/[\p{Cc}]/gu, ' '), SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    section(
      truncateChars(
        `${icon}${mrkdwnText(`${headline(report, outcome)}.`)}\nAudited ${plural(report.summary.usersAudited, 'user')} and ${plural(report.summary.keysAudited, 'key')} (${report.summary.activeKeys} active).`,
        SLACK_LIMITS.sectionText,
      ),
    ),
  ];
  if (!report.complete) {
    const named = report.notReached.slice(0, 5).map(mrkdwnText).join(', ');
    const more = report.notReached.length > 5 ? ` and ${report.notReached.length - 5} more` : '';
    blocks.push(
      section(
        truncateChars(
          `:warning: *Incomplete run*: ${plural(report.notReached.length, 'user was', 'users were')} not reached${named ? ` (${named}${more})` : ''}. The next run tries again.`,
          SLACK_LIMITS.sectionText,
        ),
      ),
    );
  }
  blocks.push({ type: 'divider' });
  for (const list of digestLists(report)) {
    blocks.push(...listBlocks(list, SLACK_LIMITS.sectionText, BLOCKS_PER_LIST));
  }
  const links = archiveLine(report);
  if (links !== null) blocks.push(section(truncateChars(links, SLACK_LIMITS.sectionText)));
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Run ${mrkdwnText(report.runId)}` },
      { type: 'mrkdwn', text: `${report.mode} mode, as of ${mrkdwnText(report.asOf.slice(0, 10))}` },
      {
        type: 'mrkdwn',
        text:
          report.source.kind === 'credential-report'
            ? 'Inventory: credential report'
            : 'Inventory: live IAM API',
      },
      ...(weightingText(report)
        ? [{ type: 'mrkdwn' as const, text: mrkdwnText(weightingText(report) ?? '') }]
        : []),
    ],
  });
  // The lists are bounded well below the limit; this only guards future additions.
  const bounded =
    blocks.length <= SLACK_LIMITS.blocks
      ? blocks
      : [...blocks.slice(0, SLACK_LIMITS.blocks - 1), blocks[blocks.length - 1] as SlackBlock];
  return {
    text: truncateChars(mrkdwnText(`key-hygiene: ${headline(report, outcome)}`), 300),
    blocks: bounded,
  };
}
