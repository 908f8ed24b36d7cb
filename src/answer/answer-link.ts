/**
 * The signed link a notice carries to the answer page: the key, its user, its account, the deadline
 * and a one-time nonce, in a payload signed with HMAC-SHA256 under the deployment's answer key
 * (a random secret CloudFormation generates in Secrets Manager). Whoever holds the link may answer
 * for that one key until the deadline; nobody can make a link for another key without the secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/** What a link names. `owner` is the address the notice went to: the answer record's `who`. */
export interface AnswerLinkFields {
  accountId: string;
  userName: string;
  accessKeyId: string;
  /** The notice's deadline: the link stops working then. */
  deadline: Date;
  /** Unique per notice and key (16 random bytes, base64url): names the answer record. */
  nonce: string;
  /** The owner the notice was sent to, when known. */
  owner?: string;
}

/** The page's address (the function URL) and what the link names. */
export interface AnswerLinkInput extends AnswerLinkFields {
  baseUrl: string;
}

/** The query parameters of a link: the payload and its signature. */
export const LINK_PARAMS = { payload: 'p', signature: 's' } as const;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  a: z.string().regex(/^\d{12}$/),
  u: z.string().min(1).max(64),
  k: z.string().regex(/^[A-Z0-9]{16,128}$/),
  d: z.iso.datetime(),
  n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  o: z.string().max(254).optional(),
});

/** Why a link is refused, in words the owner understands; no detail of the check. */
export const LINK_REFUSALS = {
  missing: 'This address is not a complete answer link. Open the link from your notice again.',
  forged: 'This link was not issued by key-hygiene, or it was changed after it was sent.',
  expired: (deadline: Date) =>
    `This link expired at its deadline, ${deadline.toISOString().replace('T', ' ').slice(0, 16)} UTC. Ask the security team if the key still needs a decision.`,
} as const;

export type LinkVerdict =
  | { ok: true; link: AnswerLinkFields }
  | { ok: false; refusal: 'missing' | 'forged' | 'expired'; message: string };

/** A fresh nonce for one key of one notice: 16 random bytes, base64url (22 characters). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

function sign(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * The link for one key of one notice: `<baseUrl>?p=<payload>&s=<signature>`.
 *
 * @example
 * answerLink({ baseUrl, accountId, userName: 'ana', accessKeyId, deadline, nonce }, key);
 * // 'https://abc.lambda-url.us-east-1.on.aws/?p=eyJ2Ijox...&s=3q2-7w...'
 */
export function answerLink(input: AnswerLinkInput, key: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({
      v: 1,
      a: input.accountId,
      u: input.userName,
      k: input.accessKeyId,
      d: input.deadline.toISOString(),
      n: input.nonce,
      ...(input.owner ? { o: input.owner } : {}),
    }),
  ).toString('base64url');
  const url = new URL(input.baseUrl);
  url.searchParams.set(LINK_PARAMS.payload, payload);
  url.searchParams.set(LINK_PARAMS.signature, sign(payload, key));
  return url.toString();
}

/**
 * Checks a link's payload and signature (constant-time), then its deadline. The signature is checked
 * before anything in the payload is read, so a forged payload is never parsed or shown.
 */
export function verifyAnswerLink(
  params: { payload: string | undefined; signature: string | undefined },
  key: Buffer,
  now: Date,
): LinkVerdict {
  const { payload, signature } = params;
  if (!payload || !signature) return { ok: false, refusal: 'missing', message: LINK_REFUSALS.missing };
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, refusal: 'forged', message: LINK_REFUSALS.forged };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, refusal: 'forged', message: LINK_REFUSALS.forged };
  }
  const parsed = payloadSchema.safeParse(decoded);
  // Signed yet unreadable: only a change of format or of the key's holder can do that.
  if (!parsed.success) return { ok: false, refusal: 'forged', message: LINK_REFUSALS.forged };
  const p = parsed.data;
  const deadline = new Date(p.d);
  if (now.getTime() >= deadline.getTime()) {
    return { ok: false, refusal: 'expired', message: LINK_REFUSALS.expired(deadline) };
  }
  return {
    ok: true,
    link: {
      accountId: p.a,
      userName: p.u,
      accessKeyId: p.k,
      deadline,
      nonce: p.n,
      ...(p.o ? { owner: p.o } : {}),
    },
  };
}
