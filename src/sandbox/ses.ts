/**
 * Amazon SES API v2 (REST-JSON, signing name `ses`): SendEmail (`POST /v2/email/outbound-emails`)
 * with simple or raw content, checked as SES checks it (the sender must be a verified identity, and
 * in the SES sandbox every recipient too), and recorded in `state.sentEmails`, never sent. Errors
 * carry `message` and the `x-amzn-ErrorType` header, as the SES v2 model has them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CredentialScope, resolveCaller } from './auth.js';
import { AwsError, jsonObjectBody } from './errors.js';
import type { Faults } from './faults.js';
import type { SandboxAccount } from './iam-state.js';
import { randomUuid } from './random.js';
import { bareAddress, isVerified, type SentEmail } from './ses-state.js';
import type { SandboxState } from './state.js';

export interface SesContext {
  state: SandboxState;
  faults: Faults;
  log: (line: string) => void;
}

/** SES v2 takes messages up to 40 MB; base64 and the JSON around them make the request larger. */
export const SES_MAX_BODY_BYTES = 56 * 1024 * 1024;
const ROUTES: Readonly<Record<string, string>> = {
  'POST /v2/email/outbound-emails': 'SendEmail',
};
/** "The message may not include more than 50 recipients, across the To:, CC: and BCC: fields." */
const MAX_RECIPIENTS = 50;

const badRequest = (message: string) => new AwsError('BadRequestException', 400, message);
/** The wording AWS's request validation uses for a missing required member. */
const missing = (path: string) =>
  badRequest(
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, type?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...(type ? { 'x-amzn-ErrorType': type } : {}),
  });
  res.end(text);
}

/** Serves one request signed for `ses`. */
export async function handleSesRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string | null,
  scope: CredentialScope,
  requestId: string,
  ctx: SesContext,
): Promise<void> {
  const { state, faults, log } = ctx;
  const operation = ROUTES[`${req.method} ${url.pathname}`];
  const fail = (error: AwsError, outcome: 'error' | 'throttled' | 'failed' = 'error') => {
    state.recordCall('ses', operation ?? `${req.method} ${url.pathname}`, outcome);
    sendJson(res, error.status, { message: error.message }, requestId, error.code);
  };
  if (!operation) {
    log(`key-hygiene sandbox: ses ${req.method} ${url.pathname} is not implemented; answered 404`);
    fail(new AwsError('NotFoundException', 404, `The sandbox does not implement ${url.pathname}`));
    return;
  }
  if (body === null) {
    fail(badRequest(`Request body over ${SES_MAX_BODY_BYTES} bytes`));
    return;
  }
  try {
    const caller = resolveCaller(state, scope);
    const account = state.account(caller.accountId) ?? state.defaultAccount;
    const request = jsonObjectBody(body);
    const fault = await faults.apply(account.id, `ses:${operation}`, state.clock.now(), (name) => {
      const value = request[name];
      return typeof value === 'string' ? value : undefined;
    });
    if (fault === 'denied') {
      const from =
        typeof request.FromEmailAddress === 'string' ? bareAddress(request.FromEmailAddress) : null;
      const message = `User: ${caller.arn} is not authorized to perform: ses:${operation} on resource: arn:aws:ses:${scope.region}:${account.id}:identity/${from ?? '*'}`;
      fail(new AwsError('AccessDeniedException', 403, message), 'failed');
      return;
    }
    if (fault === 'throttled') {
      fail(new AwsError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.'), fault);
      return;
    }
    if (fault !== null) {
      fail(new AwsError('InternalServiceErrorException', 500, 'Internal service failure.'), 'failed');
      return;
    }
    const email = sendEmail(state, account, scope.region, request);
    state.sentEmails.push(email);
    state.recordCall('ses', operation, 'ok');
    sendJson(res, 200, { MessageId: email.messageId }, requestId);
  } catch (error) {
    if (error instanceof AwsError) {
      fail(error);
      return;
    }
    log(`key-hygiene sandbox: ses:${operation} failed inside the sandbox: ${(error as Error).stack}`);
    fail(new AwsError('InternalServiceErrorException', 500, 'Internal service failure.'));
  }
}

/** A list of strings at `path`, or [] when absent. */
function addresses(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`${path} must be a list of email addresses`);
  }
  return value as string[];
}

/** `{ Data, Charset? }` at `path`: its Data, or null when the content is absent and `required` is false. */
function contentData(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  const data = (value as { Data?: unknown }).Data;
  if (typeof data !== 'string') throw missing(`${path}.data`);
  return data;
}

/** The header values of a MIME message (unfolded), by lower-cased name. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

const listHeader = (value: string | undefined) =>
  value === undefined
    ? []
    : value
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');

/** Validates a SendEmail request as SES does and builds the message it records. */
function sendEmail(
  state: SandboxState,
  account: SandboxAccount,
  region: string,
  request: Record<string, unknown>,
): SentEmail {
  const content = request.Content as { Simple?: unknown; Raw?: unknown; Template?: unknown } | undefined;
  if (typeof content !== 'object' || content === null) throw missing('content');
  const kinds = (['Simple', 'Raw', 'Template'] as const).filter((kind) => content[kind] !== undefined);
  if (kinds.length !== 1) {
    throw badRequest('Content must contain exactly one of Simple, Raw and Template');
  }
  if (kinds[0] === 'Template') {
    throw badRequest('The sandbox does not implement Content.Template; send Simple or Raw content');
  }
  const destination = (request.Destination ?? {}) as Record<string, unknown>;
  let to = addresses(destination.ToAddresses, 'Destination.ToAddresses');
  let cc = addresses(destination.CcAddresses, 'Destination.CcAddresses');
  const bcc = addresses(destination.BccAddresses, 'Destination.BccAddresses');
  const replyTo = addresses(request.ReplyToAddresses, 'ReplyToAddresses');
  let from = typeof request.FromEmailAddress === 'string' ? request.FromEmailAddress : null;
  let subject: string | null = null;
  let text: string | null = null;
  let html: string | null = null;
  let raw: string | null = null;
  if (kinds[0] === 'Simple') {
    const simple = content.Simple as { Subject?: unknown; Body?: { Text?: unknown; Html?: unknown } };
    if (from === null) throw missing('fromEmailAddress');
    subject = contentData(simple.Subject, 'content.simple.subject');
    if (subject === null) throw missing('content.simple.subject');
    if (typeof simple.Body !== 'object' || simple.Body === null) throw missing('content.simple.body');
    text = contentData(simple.Body.Text, 'content.simple.body.text');
    html = contentData(simple.Body.Html, 'content.simple.body.html');
    if (text === null && html === null) throw badRequest('Content.Simple.Body needs Text, Html or both');
  } else {
    const data = (content.Raw as { Data?: unknown }).Data;
    if (typeof data !== 'string' || data === '') throw missing('content.raw.data');
    raw = Buffer.from(data, 'base64').toString('utf8');
    const headers = headersOf(raw);
    from ??= headers.get('from') ?? null;
    if (from === null) throw badRequest("Missing required header 'From'.");
    // Without a Destination, SES sends to the message's own To and Cc headers.
    if (to.length + cc.length + bcc.length === 0) {
      to = listHeader(headers.get('to'));
      cc = listHeader(headers.get('cc'));
    }
    subject = headers.get('subject') ?? null;
  }
  const recipients = [...to, ...cc, ...bcc];
  if (recipients.length === 0) throw badRequest("Missing required header 'To'.");
  if (recipients.length > MAX_RECIPIENTS) throw badRequest(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
  for (const address of [from, ...recipients, ...replyTo]) {
    if (bareAddress(address) === null) throw badRequest(`Missing final '@domain' in ${address}`);
  }
  const setName = typeof request.ConfigurationSetName === 'string' ? request.ConfigurationSetName : null;
  if (setName !== null && !account.ses.configurationSets.includes(setName)) {
    throw new AwsError('NotFoundException', 404, `Configuration set <${setName}> does not exist.`);
  }
  // SES checks the sender, and in its sandbox the recipients too, against the region's identities.
  const checked = account.ses.sandbox ? [from, ...recipients] : [from];
  const failed = checked.filter((address) => !isVerified(account.ses.identities, bareAddress(address) ?? ''));
  if (failed.length > 0) {
    throw new AwsError(
      'MessageRejected',
      400,
      `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${failed.join(', ')}`,
    );
  }
  const tags: Record<string, string> = {};
  if (Array.isArray(request.EmailTags)) {
    for (const tag of request.EmailTags as { Name?: unknown; Value?: unknown }[]) {
      if (typeof tag?.Name === 'string' && typeof tag.Value === 'string') tags[tag.Name] = tag.Value;
    }
  }
  return {
    // SES message ids look like `0100018c…-<uuid>-000000`.
    messageId: `010001${randomUuid(state.rng).replaceAll('-', '').slice(0, 10)}-${randomUuid(state.rng)}-000000`,
    accountId: account.id,
    region,
    from,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    text,
    html,
    raw,
    configurationSetName: setName,
    tags,
    timestamp: state.clock.now().toISOString(),
  };
}
