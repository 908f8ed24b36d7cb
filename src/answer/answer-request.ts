/**
 * The answer page's one step: verify the signed link, then show the key (GET, which changes
 * nothing) or act on the owner's answer (POST, once: the answer record's conditional write decides
 * which request is the link's one use, before anything is changed).
 */
import {
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { parseSnoozeTag, type SnoozeEntry, withSnooze } from '../evaluate/snooze-tag.js';
import { TAG_KEYS } from '../evaluate/tags.js';
import { MS_PER_DAY, toIsoDate } from '../time.js';
import { PAGE_HEADERS, renderAnswerForm, renderMessage } from './answer-html.js';
import { type AnswerLinkFields, LINK_PARAMS, verifyAnswerLink } from './answer-link.js';
import { recordAnswer } from './answer-record.js';
import type { AnswerRecord, Choice } from './answer-record-schema.js';

/**
 * What the page does in the account: read the key's last use and the user's snooze tag, and act on
 * an answer (the snooze tag only, the key's status, a message to the security team).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ANSWER_PAGE_PERMISSIONS = [
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: "shows the key's last use, read live, and checks the key still belongs to the link's user",
  },
  {
    action: 'iam:ListUserTags',
    resource: ANY_USER,
    why: "reads the user's snooze tag: how many times the key was kept already",
  },
  {
    action: 'iam:TagUser',
    resource: ANY_USER,
    condition: onlyTagKeys(TAG_KEYS.snoozed),
    why: 'records a snooze on the user, the one tag key the planner reads it from',
  },
  {
    action: 'iam:UpdateAccessKey',
    resource: ANY_USER,
    why: 'deactivates the key when its owner answers "deactivate it now"',
  },
  {
    action: 'sns:Publish',
    resource: '${ReportTopic}',
    why: 'tells the security team an owner says "not mine"',
  },
  {
    action: 'kms:GenerateDataKey',
    resource: '${ReportTopicKey.Arn}',
    via: 'sns:Publish',
    why: 'SNS encrypts the message with the topic key',
  },
  {
    action: 'kms:Decrypt',
    resource: '${ReportTopicKey.Arn}',
    via: 'sns:Publish',
    why: 'SNS encrypts the message with the topic key',
  },
] as const satisfies readonly PermissionDeclaration[];

/** An HTTP request as the function URL delivers it, reduced to what the page reads. */
export interface PageRequest {
  method: string;
  /** The query string's parameters. */
  query: Readonly<Record<string, string | undefined>>;
  /** The body, decoded (a form post: `application/x-www-form-urlencoded`). */
  body: string;
}

export interface PageResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** IAM in the link's account, or why the page may not act there. */
export type AccountIam =
  | { kind: 'reached'; iam: Pick<IAMClient, 'send'>; release(): void }
  | { kind: 'refused'; reason: string };

export interface AnswerDeps {
  /** IAM in the page's own account. */
  iam: Pick<IAMClient, 'send'>;
  /**
   * IAM in another account (a member account's link): the member role, assumed only in an ACTIVE
   * account of the organization, with session `key-hygiene-<sessionId>`. Absent: links for
   * other accounts are refused.
   */
  memberIam?: (accountId: string, sessionId: string) => Promise<AccountIam>;
  s3: Pick<S3Client, 'send'>;
  sns: Pick<SNSClient, 'send'>;
  /** The HMAC key of the links (Secrets Manager, read once per cold start). */
  answerKey: () => Promise<Buffer>;
  clock: () => Date;
  /**
   * The account this deployment runs in; a link for another account is answered through
   * `memberIam`, or refused.
   */
  accountId: string;
  /** The report bucket (in `accountId`): answers go under answers/<link's account>/. */
  bucket: string;
  topicArn: string;
  logger: { error(message: string, details: Record<string, unknown>): void };
}

export interface AnswerSettings {
  /** The longest snooze, in days. */
  snoozeMaxDays: number;
  /** How many times one key may be snoozed (the security team raises it). */
  snoozeLimit: number;
}

const respond = (statusCode: number, body: string, extra: Record<string, string> = {}): PageResponse => ({
  statusCode,
  headers: { ...PAGE_HEADERS, ...extra },
  body,
});
const refuse = (statusCode: number, title: string, message: string) =>
  respond(statusCode, renderMessage(title, message, true));

const UNAVAILABLE =
  'The page cannot check links right now. Try again in a few minutes; if it keeps failing, tell the security team.';

const ALREADY_USED =
  'This link has already been used: each link works once. If your answer needs to change, ask the security team.';

/** Handles one request to the page. Errors of AWS become a plain page; nothing is leaked. */
export async function handleAnswerRequest(
  deps: AnswerDeps,
  settings: AnswerSettings,
  request: PageRequest,
): Promise<PageResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return {
      ...refuse(405, 'Not allowed', 'This page answers GET and POST only.'),
      headers: { ...PAGE_HEADERS, allow: 'GET, POST' },
    };
  }
  const form = method === 'POST' ? new URLSearchParams(request.body) : null;
  const payload = form?.get(LINK_PARAMS.payload) ?? request.query[LINK_PARAMS.payload];
  const signature = form?.get(LINK_PARAMS.signature) ?? request.query[LINK_PARAMS.signature];
  const now = deps.clock();
  let key: Buffer;
  try {
    key = await deps.answerKey();
  } catch (error) {
    // AnswerKeyError names the secret and what to fix; the visitor learns only that it failed.
    deps.logger.error('answer page cannot read its link key', { error: (error as Error).message });
    return refuse(503, 'Page unavailable', UNAVAILABLE);
  }
  const verdict = verifyAnswerLink({ payload, signature }, key, now);
  if (!verdict.ok) return refuse(403, 'Link refused', verdict.message);
  const { link } = verdict;
  const account = await accountIam(deps, link);
  if (account.kind === 'refused') {
    deps.logger.error('answer page refused a link for another account', {
      accountId: link.accountId,
      userName: link.userName,
      accessKeyId: link.accessKeyId,
      reason: account.reason,
    });
    return refuse(
      403,
      'Link refused',
      `This page cannot act in account ${link.accountId}: it answers for its own account and the active accounts of its organization only. Ask the security team.`,
    );
  }
  try {
    return await answerInAccount({ ...deps, iam: account.iam }, settings, request, link, form, now);
  } finally {
    account.release();
  }
}

/** IAM where the link's key is: the page's own, or a member's through `memberIam`. Never throws. */
async function accountIam(deps: AnswerDeps, link: AnswerLinkFields): Promise<AccountIam> {
  if (link.accountId === deps.accountId) return { kind: 'reached', iam: deps.iam, release: () => undefined };
  if (!deps.memberIam) {
    return {
      kind: 'refused',
      reason: `the link is for account ${link.accountId}, and this page acts in its own account (${deps.accountId}) only`,
    };
  }
  try {
    // The session names the link, so the member account's CloudTrail ties the change to it.
    return await deps.memberIam(link.accountId, `answer-${link.nonce}`);
  } catch (error) {
    return {
      kind: 'refused',
      reason: `could not reach account ${link.accountId}: ${(error as Error).message}`,
    };
  }
}

/** Shows the key (GET) or acts on the answer (POST), with IAM in the link's account. */
async function answerInAccount(
  deps: AnswerDeps,
  settings: AnswerSettings,
  request: PageRequest,
  link: AnswerLinkFields,
  form: URLSearchParams | null,
  now: Date,
): Promise<PageResponse> {
  const payload = form?.get(LINK_PARAMS.payload) ?? request.query[LINK_PARAMS.payload];
  const signature = form?.get(LINK_PARAMS.signature) ?? request.query[LINK_PARAMS.signature];
  try {
    const key = await readKey(deps, link);
    if (key.kind === 'gone') {
      return refuse(
        410,
        'Nothing to answer',
        `The key ${link.accessKeyId} of ${link.userName} no longer exists.`,
      );
    }
    const snoozeRefusal = await snoozeRefused(deps, settings, link);
    if (form === null) {
      return respond(
        200,
        renderAnswerForm({
          ...link,
          lastUsed: key.lastUsed,
          payload: payload as string,
          signature: signature as string,
          snoozeMaxDays: settings.snoozeMaxDays,
          snoozeRefusal: snoozeRefusal?.message ?? null,
        }),
      );
    }
    return await answer(deps, settings, link, form, now, snoozeRefusal);
  } catch (error) {
    deps.logger.error('answer page failed', {
      accountId: link.accountId,
      userName: link.userName,
      accessKeyId: link.accessKeyId,
      error: (error as Error).message,
    });
    return refuse(
      500,
      'Something went wrong',
      'The page could not complete your request. Try the link again in a few minutes; if it keeps failing, tell the security team.',
    );
  }
}

type KeyRead =
  | { kind: 'found'; lastUsed: { date: Date | null; service: string | null; region: string | null } }
  | { kind: 'gone' };

/** The key's last use, live; `gone` when the key no longer exists or belongs to another user. */
async function readKey(deps: AnswerDeps, link: AnswerLinkFields): Promise<KeyRead> {
  try {
    const out = await deps.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: link.accessKeyId }));
    if (out.UserName !== link.userName) return { kind: 'gone' };
    const used = out.AccessKeyLastUsed;
    return {
      kind: 'found',
      lastUsed: {
        date: used?.LastUsedDate ?? null,
        service: used?.ServiceName ?? null,
        region: used?.Region ?? null,
      },
    };
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return { kind: 'gone' };
    throw error;
  }
}

/** The user's current snooze tag, and why snoozing this key again is refused (null: allowed). */
async function snoozeRefused(
  deps: AnswerDeps,
  settings: AnswerSettings,
  link: AnswerLinkFields,
): Promise<
  | { message: string; current: string | undefined }
  | { message: null; current: string | undefined; count: number }
> {
  const out = await deps.iam.send(new ListUserTagsCommand({ UserName: link.userName }));
  const current = out.Tags?.find((tag) => tag.Key?.toLowerCase() === TAG_KEYS.snoozed)?.Value;
  const entry =
    current === undefined
      ? undefined
      : parseSnoozeTag(current).entries.find((e) => e.accessKeyId === link.accessKeyId);
  const count = entry?.count ?? 0;
  if (count >= settings.snoozeLimit) {
    return {
      message: `This key was already kept ${count === 1 ? 'once' : `${count} times`} (until ${entry?.until}); the security team allows ${settings.snoozeLimit === 1 ? 'one snooze' : `${settings.snoozeLimit} snoozes`} per key. To keep it longer, ask them.`,
      current,
    };
  }
  return { message: null, current, count };
}

function formSchema(settings: AnswerSettings) {
  return z.discriminatedUnion('choice', [
    z.object({
      choice: z.literal('snooze'),
      days: z.coerce
        .number({ error: 'Give the number of days to keep the key.' })
        .int({ error: 'Give a whole number of days.' })
        .min(1, { error: 'Keep it for at least 1 day.' })
        .max(settings.snoozeMaxDays, { error: `Keep it for at most ${settings.snoozeMaxDays} days.` }),
      reason: z
        .string()
        .trim()
        .min(1, { error: 'Say why the key is still needed.' })
        .max(500, { error: 'Keep the reason under 500 characters.' }),
    }),
    z.object({ choice: z.literal('deactivate') }),
    z.object({ choice: z.literal('not-mine') }),
  ]);
}

async function answer(
  deps: AnswerDeps,
  settings: AnswerSettings,
  link: AnswerLinkFields,
  form: URLSearchParams,
  now: Date,
  snooze: Awaited<ReturnType<typeof snoozeRefused>>,
): Promise<PageResponse> {
  const parsed = formSchema(settings).safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const message =
      first?.path[0] === 'choice'
        ? 'Choose one of the three answers.'
        : (first?.message ?? 'The answer could not be read.');
    return refuse(400, 'Answer not sent', `${message} Go back to the form and try again.`);
  }
  const choice: Choice = parsed.data.choice;
  if (parsed.data.choice === 'snooze' && snooze.message !== null) {
    return refuse(409, 'Cannot keep the key longer', snooze.message);
  }
  const until =
    parsed.data.choice === 'snooze'
      ? toIsoDate(new Date(now.getTime() + parsed.data.days * MS_PER_DAY))
      : null;
  const record: AnswerRecord = {
    accountId: link.accountId,
    userName: link.userName,
    accessKeyId: link.accessKeyId,
    nonce: link.nonce,
    who: link.owner ?? null,
    answeredAt: now.toISOString(),
    choice,
    until,
    reason: parsed.data.choice === 'snooze' ? parsed.data.reason : null,
    deadline: link.deadline.toISOString(),
  };
  // The link's one use is decided here, before any change: a second or concurrent request stops.
  if (
    (await recordAnswer(deps.s3, { bucket: deps.bucket, owner: deps.accountId }, record)) ===
    'already-answered'
  ) {
    return refuse(409, 'Link already used', ALREADY_USED);
  }
  try {
    return await act(deps, link, record, snooze);
  } catch (error) {
    // The link is used up: say what happened and whom to tell, rather than "try again".
    deps.logger.error('answer recorded, acting on it failed', {
      accountId: link.accountId,
      userName: link.userName,
      accessKeyId: link.accessKeyId,
      choice: record.choice,
      error: (error as Error).message,
    });
    return refuse(
      500,
      'Answer recorded, not carried out',
      `Your answer (${record.choice}) for key ${link.accessKeyId} of ${link.userName} was recorded, but it could not be carried out. Tell the security team, naming the key; they can see your answer.`,
    );
  }
}

/** Carries out a recorded answer. */
async function act(
  deps: AnswerDeps,
  link: AnswerLinkFields,
  record: AnswerRecord,
  snooze: Awaited<ReturnType<typeof snoozeRefused>>,
): Promise<PageResponse> {
  const { until } = record;
  const subject = `key ${link.accessKeyId} of ${link.userName}`;
  if (record.choice === 'snooze' && until !== null) {
    const entry: SnoozeEntry = {
      accessKeyId: link.accessKeyId,
      until,
      count: ('count' in snooze ? snooze.count : 0) + 1,
      nonce: link.nonce,
    };
    await deps.iam.send(
      new TagUserCommand({
        UserName: link.userName,
        Tags: [{ Key: TAG_KEYS.snoozed, Value: withSnooze(snooze.current, entry) }],
      }),
    );
    return respond(
      200,
      renderMessage(
        'Key kept',
        `The ${subject} stays active until ${until} (end of day, UTC). Your reason was recorded; after that date the nightly run may deactivate it.`,
        false,
      ),
    );
  }
  if (record.choice === 'deactivate') {
    await deps.iam.send(
      new UpdateAccessKeyCommand({
        UserName: link.userName,
        AccessKeyId: link.accessKeyId,
        Status: 'Inactive',
      }),
    );
    return respond(
      200,
      renderMessage(
        'Key deactivated',
        `The ${subject} is now inactive. An administrator can reactivate it if something still needs it.`,
        false,
      ),
    );
  }
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: `key-hygiene: owner says not mine: ${link.accessKeyId}`.slice(0, 99),
      Message: [
        `${link.owner ?? 'The owner a notice went to'} answered "not mine" for access key ${link.accessKeyId} of IAM user ${link.userName} in account ${link.accountId}.`,
        `Answered at ${record.answeredAt}; the notice's deadline is ${record.deadline}.`,
        `Find the key's real owner, or deactivate it: aws iam update-access-key --user-name ${link.userName} --access-key-id ${link.accessKeyId} --status Inactive`,
        `The answer is recorded at s3://${deps.bucket}/answers/${link.accountId}/${link.nonce}.json.`,
      ].join('\n'),
    }),
  );
  return respond(
    200,
    renderMessage(
      'Security team told',
      `Thank you. The security team will find who owns the ${subject}.`,
      false,
    ),
  );
}
