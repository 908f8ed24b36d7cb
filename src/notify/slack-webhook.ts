import type { SlackMessage } from '../render/slack-blocks.js';
import { NotifyError } from './errors.js';

/** Anything with Powertools Logger's shape. */
export interface SlackLogger {
  info(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/**
 * Slack could not take the message for now (5xx, 429, a network error or a timeout). Thrown so the
 * invocation fails and SNS/Lambda retry it. The message never contains the webhook URL (the URL is
 * the secret).
 */
export class SlackDeliveryError extends NotifyError {
  readonly status: number | null;

  constructor(message: string, options: ErrorOptions & { status: number | null }) {
    super(message, options);
    this.name = 'SlackDeliveryError';
    this.status = options.status;
  }
}

export interface SlackPostResult {
  /** `posted`: Slack took it; `rejected`: Slack refused it for good (4xx), nothing to retry. */
  outcome: 'posted' | 'rejected';
  status: number;
}

const MAX_LOGGED_BODY = 500;

/**
 * The webhook URL must be https (http only to a loopback address, for local tests): it carries the
 * secret, which must not travel in the clear.
 */
export function checkWebhookUrl(url: string, parameterName: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new NotifyError(
      `The SSM parameter ${parameterName} does not hold a URL; store the Slack incoming-webhook URL (https://hooks.slack.com/services/...) in it.`,
    );
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new NotifyError(
      `The SSM parameter ${parameterName} holds a ${parsed.protocol} URL; a Slack webhook URL must be https.`,
    );
  }
  return parsed;
}

/**
 * Posts a message to a Slack incoming webhook. A 2xx is `posted`. A 4xx other than 429 (a bad
 * payload, a revoked webhook, an archived channel) is logged with Slack's answer and returned as
 * `rejected`, not thrown: retrying would fail the same way, forever. A 5xx, a 429, a network error,
 * a timeout or a redirect (never followed) throws a {@link SlackDeliveryError}, so the invocation
 * fails, is retried and, failing still, lands in the failed-posts queue. Neither the log lines nor
 * the errors contain the URL.
 *
 * @example
 * ```ts
 * const { outcome } = await postToSlack(url, buildSlackMessage(report), { logger });
 * ```
 */
export async function postToSlack(
  url: URL,
  message: SlackMessage,
  options: { logger: SlackLogger; timeoutMs?: number; runId?: string },
): Promise<SlackPostResult> {
  const { logger } = options;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      // Slack never redirects a webhook; a redirect would carry the report where the parameter
      // does not point (a 307 or 308 re-sends the body), so it is never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    // undici's error names the host at most, never the path that holds the secret; say only what kind it was.
    const cause = error as Error & { cause?: { code?: string } };
    const kind = cause.name === 'TimeoutError' ? 'timed out' : `failed (${cause.cause?.code ?? cause.name})`;
    throw new SlackDeliveryError(
      `Posting the report${options.runId ? ` of run ${options.runId}` : ''} to Slack ${kind}; the invocation fails so it is retried.`,
      { status: null },
    );
  }
  const body = (await response.text().catch(() => '')).slice(0, MAX_LOGGED_BODY);
  if (response.status >= 300 && response.status < 400) {
    // Not the webhook answering: fail (retried, then alarmed) rather than report a post that never happened.
    throw new SlackDeliveryError(
      `Slack answered ${response.status}, a redirect, to the report${options.runId ? ` of run ${options.runId}` : ''}; not followed, as the report would go elsewhere than the webhook. Check the URL in the parameter.`,
      { status: response.status },
    );
  }
  if (response.ok) {
    logger.info('report posted to Slack', { runId: options.runId, status: response.status });
    return { outcome: 'posted', status: response.status };
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    logger.error('Slack refused the report; not retrying, as it would be refused again', {
      runId: options.runId,
      status: response.status,
      slackResponse: body,
      hint: 'invalid_payload: a bug, please report it; no_service or no_active_hooks: the webhook was revoked, store a new URL in the parameter; channel_not_found or channel_is_archived: point the webhook at a live channel.',
    });
    return { outcome: 'rejected', status: response.status };
  }
  throw new SlackDeliveryError(
    `Slack answered ${response.status} (${body || 'no body'}) to the report${options.runId ? ` of run ${options.runId}` : ''}; the invocation fails so it is retried.`,
    { status: response.status },
  );
}
