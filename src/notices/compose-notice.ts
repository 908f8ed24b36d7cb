/**
 * One owner's message for the night: every key of theirs with its stage, as plain text and as HTML
 * that reads on a phone (short lines, one small table per key, inline styles only, nothing loaded
 * from elsewhere). Pure; every value from IAM or tags is escaped in the HTML and cleaned in the text.
 */
import { escapeHtml } from '../render/html-escape.js';
import { clean } from '../render/text-format.js';
import type { NoticeStage } from './notice-record.js';

/** One key of the message. */
export interface NoticeItem {
  stage: NoticeStage;
  userName: string;
  accessKeyId: string;
  /** YYYY-MM-DD: the earliest day the key may be deactivated (for `action`, the day it was). */
  deadline: string;
  /** "not used for 120 days (last: s3 in us-east-1, 2026-07-23)". */
  usage: string;
  /** The owner's answer page for this key, or null (no link line). */
  answerLink: string | null;
  /**
   * What replaces the key, from its CloudTrail usage profile (the report's evidence); null when
   * evidence gave no profile for it.
   */
  wayOff: { profile: string; line: string; url: string } | null;
}

export interface NoticeMessage {
  subject: string;
  text: string;
  html: string;
}

export interface NoticeContext {
  accountId: string;
  /** The run that deactivated keys (for `key-hygiene undo <runId>`). */
  runId: string;
  /** Whom to ask: "the security team (the owners of the key-hygiene report topic)". */
  contact: string;
  /** Why this owner gets it: "you are named by the owner tag of these users". */
  ownerNote: string;
}

const TITLES: Record<NoticeStage, string> = {
  notice: 'Will be deactivated unless used',
  'final-reminder': 'Final reminder: deactivated tomorrow unless used',
  action: 'Deactivated',
};

function explain(item: NoticeItem, ctx: NoticeContext): string[] {
  switch (item.stage) {
    case 'notice':
      return [
        `It will be deactivated on or after ${item.deadline} if it is still unused then.`,
        'Still needed? Use it (any AWS call signed with it) before then, or answer below.',
      ];
    case 'final-reminder':
      return [`It will be deactivated on ${item.deadline} if it is still unused.`];
    case 'action':
      return [
        `It was deactivated on ${item.deadline} (run ${ctx.runId}).`,
        `To get it back: key-hygiene undo ${ctx.runId}, or make it active again in the IAM console (Users > ${item.userName} > Security credentials).`,
        `Questions: ${ctx.contact}.`,
      ];
  }
}

/** The subject names the most urgent stage and the count. */
function subjectOf(items: readonly NoticeItem[], accountId: string): string {
  const acted = items.filter((i) => i.stage === 'action').length;
  const count = items.length === 1 ? '1 access key' : `${items.length} access keys`;
  if (acted > 0) return `key-hygiene: ${count} of yours in AWS account ${accountId} (deactivated: ${acted})`;
  return `key-hygiene: ${count} of yours in AWS account ${accountId} will be deactivated unless used`;
}

export function composeNotice(items: readonly NoticeItem[], ctx: NoticeContext): NoticeMessage {
  const text = [
    `Access keys in AWS account ${ctx.accountId}`,
    clean(ctx.ownerNote),
    '',
    ...items.flatMap((item) => [
      `${TITLES[item.stage]}:`,
      `  Key: ${clean(item.accessKeyId)}`,
      `  User: ${clean(item.userName)}`,
      `  Usage: ${clean(item.usage)}`,
      ...explain(item, ctx).map((line) => `  ${clean(line)}`),
      ...(item.wayOff
        ? [
            `  Way off (used as: ${clean(item.wayOff.profile)}): ${clean(item.wayOff.line)}`,
            `  How: ${clean(item.wayOff.url)}`,
          ]
        : []),
      ...(item.answerLink ? [`  Answer: ${clean(item.answerLink)}`] : []),
      '',
    ]),
    `Sent by key-hygiene. Questions: ${ctx.contact}.`,
  ].join('\n');

  const cell = 'padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left';
  const row = (label: string, value: string) =>
    `<tr><th style="${cell};font-weight:600;width:5em">${escapeHtml(label)}</th><td style="${cell};word-break:break-all">${value}</td></tr>`;
  const blocks = items.map((item) =>
    [
      `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(TITLES[item.stage])}</h2>`,
      '<table role="presentation" style="border-collapse:collapse;width:100%;max-width:480px;font-size:14px">',
      row('Key', `<code>${escapeHtml(item.accessKeyId)}</code>`),
      row('User', escapeHtml(item.userName)),
      row('Usage', escapeHtml(item.usage)),
      row('What next', explain(item, ctx).map(escapeHtml).join('<br>')),
      ...(item.wayOff
        ? [
            row(
              'Way off',
              `${escapeHtml(`Used as: ${item.wayOff.profile}. ${item.wayOff.line}`)} <a href="${escapeHtml(item.wayOff.url)}" style="color:#0b57d0">AWS documentation</a>`,
            ),
          ]
        : []),
      ...(item.answerLink
        ? [
            row(
              'Answer',
              `<a href="${escapeHtml(item.answerLink)}" style="color:#0b57d0">Keep it, deactivate it now, or not mine</a>`,
            ),
          ]
        : []),
      '</table>',
    ].join(''),
  );
  const html = [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(subjectOf(items, ctx.accountId))}</title></head>`,
    '<body style="margin:0;padding:12px;font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#111;line-height:1.4">',
    `<h1 style="font-size:18px;margin:0 0 6px">Access keys in AWS account ${escapeHtml(ctx.accountId)}</h1>`,
    `<p style="margin:0;font-size:14px">${escapeHtml(ctx.ownerNote)}</p>`,
    ...blocks,
    `<p style="font-size:12px;color:#555;margin-top:20px">Sent by key-hygiene. Questions: ${escapeHtml(ctx.contact)}.</p>`,
    '</body></html>',
  ].join('');
  return { subject: subjectOf(items, ctx.accountId), text, html };
}
