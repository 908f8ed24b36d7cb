/**
 * The demo's owner loop after the first enforce night: an owner opens the link from their notice
 * (as SES received it) on the answer page served locally and keeps the key, then the nights up to
 * and past the deadline, on the sandbox clock: the final reminders, then the snoozed key kept, the
 * others deactivated and the action notices sent.
 */
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { type AnswerDeps, type AnswerSettings, handleAnswerRequest } from '../src/answer/answer-request.js';
import type { AuditReport } from '../src/model.js';
import type { RunningSandbox } from '../src/sandbox/index.js';
import { type ServedPage, serveAnswerPage } from './serve-answer-page.js';

export interface SentEmail {
  to: string[];
  subject: string | null;
  text: string | null;
}

export const rule = (title: string) => `\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n`;

/** The emails SES received, as the sandbox recorded them. */
export async function sentEmails(sandbox: RunningSandbox): Promise<SentEmail[]> {
  const response = await fetch(`${sandbox.url}/_sandbox/emails`);
  return ((await response.json()) as { emails: SentEmail[] }).emails;
}

/** A function URL event (payload 2.0) as the page's handler gets it, turned into the page's request. */
interface UrlEvent {
  requestContext: { http: { method: string } };
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded: boolean;
}

/**
 * The answer page's own step (the function URL handler's), served on 127.0.0.1 with the demo's
 * clients and the sandbox clock, so that the links the first night signed are still valid.
 */
export function serveDemoPage(deps: AnswerDeps, settings: AnswerSettings): Promise<ServedPage> {
  return serveAnswerPage(async (input) => {
    const event = input as UrlEvent;
    const body = event.body
      ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString()
      : '';
    return handleAnswerRequest(deps, settings, {
      method: event.requestContext.http.method,
      query: event.queryStringParameters ?? {},
      body,
    });
  });
}

/** The page's text, in a few lines: the heading, then each `<dt>`/`<dd>` pair or the message. */
function pageText(html: string): string {
  const plain = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/\s+/g, ' ')
      .trim();
  const heading = plain(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '');
  const facts = [...html.matchAll(/<dt>([\s\S]*?)<\/dt>\s*<dd[^>]*>([\s\S]*?)<\/dd>/g)].map(
    ([, dt = '', dd = '']) => `  ${plain(dt)}: ${plain(dd)}`,
  );
  const message = plain(/<p class="notice[^"]*"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '');
  return [heading, ...facts, ...(message ? [`  ${message}`] : [])].join('\n');
}

export interface Answered {
  owner: string;
  userName: string;
  accessKeyId: string;
}

/**
 * The owner opens the link of their notice (GET: the page shows the key and changes nothing) and
 * keeps the key for `days` with a reason (POST, the form the page shows).
 */
export async function answerAsOwner(
  sandbox: RunningSandbox,
  owner: string,
  answer: { days: number; reason: string },
  write: (text: string) => void,
): Promise<Answered> {
  const email = (await sentEmails(sandbox)).find((e) => e.to.includes(owner));
  const link = /https?:\/\/\S+\?p=[\w-]+&s=[\w-]+/.exec(email?.text ?? '')?.[0];
  if (!email || !link) throw new Error(`the demo found no answer link in the notice to ${owner}`);
  const payload = JSON.parse(
    Buffer.from(new URL(link).searchParams.get('p') ?? '', 'base64url').toString(),
  ) as {
    u: string;
    k: string;
  };
  write(rule(`The owner answers: ${owner} opens the link in the notice`));
  write(`${link.slice(0, 72)}...\n\n`);
  const shown = await fetch(link);
  write(`GET  ${shown.status}: what the owner sees\n${pageText(await shown.text())}\n\n`);
  const url = new URL(link);
  const form = new URLSearchParams({
    p: url.searchParams.get('p') ?? '',
    s: url.searchParams.get('s') ?? '',
    choice: 'snooze',
    days: String(answer.days),
    reason: answer.reason,
  });
  const posted = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  write(
    `POST ${posted.status}: keep it ${answer.days} more days, "${answer.reason}"\n${pageText(await posted.text())}\n`,
  );
  return { owner, userName: payload.u, accessKeyId: payload.k };
}

/** Moves the sandbox clock to midnight UTC of `date` (YYYY-MM-DD), as the nightly schedule would run. */
export async function nightOf(sandbox: RunningSandbox, date: string): Promise<void> {
  await fetch(`${sandbox.url}/_sandbox/clock`, {
    method: 'POST',
    body: JSON.stringify({ now: `${date}T00:00:00Z` }),
  });
}

/** One night's summary lines: what was deactivated, the stages sent (by kind) and the emails. */
export function nightSummary(report: AuditReport, emails: readonly SentEmail[]): string {
  const applied = report.actions.filter((a) => a.status === 'applied' && a.action === 'deactivate');
  const stages = new Map<string, string>();
  for (const finding of report.findings) {
    if (finding.userName === null) continue;
    const tonight = finding.notice?.tonight;
    if (tonight && finding.accessKeyId) stages.set(finding.accessKeyId, tonight);
  }
  const byStage = new Map<string, number>();
  for (const stage of stages.values()) byStage.set(stage, (byStage.get(stage) ?? 0) + 1);
  const lines = [
    `Deactivated: ${applied.length}`,
    ...applied.map((a) => `  ${a.userName} ${a.accessKeyId}`),
    `Owners' notices: ${report.notices?.messagesSent ?? 0} messages; key stages: ${[...byStage].map(([stage, n]) => `${n} ${stage}`).join(', ') || 'none'}`,
    ...emails.map((e) => `  To ${e.to.join(', ')}: ${e.subject}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The key's status in IAM now. */
export async function keyStatus(
  iam: {
    send(
      command: ListAccessKeysCommand,
    ): Promise<{ AccessKeyMetadata?: { AccessKeyId?: string; Status?: string }[] }>;
  },
  userName: string,
  accessKeyId: string,
): Promise<string> {
  const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata.find((k) => k.AccessKeyId === accessKeyId)?.Status ?? 'absent';
}
