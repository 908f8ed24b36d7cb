/**
 * The answer links a night's notices carry: the HMAC key read once for the run, a fresh nonce per
 * key, and the notice's recipient as the link's owner (the answer record's `who`). A key that cannot
 * be read sends the notices without links rather than not at all, and the report says why.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeAwsError } from '../aws/errors.js';
import type { Settings } from '../config/settings.js';
import type { AuditError, Finding, KeyOwner } from '../model.js';
import { answerKeyReader } from './answer-key.js';
import { answerLink, newNonce } from './answer-link.js';

/** Where the links point and the key that signs them (an `answerKeyReader`). */
export interface AnswerLinkSource {
  /** The answer page's address (the function URL). */
  pageUrl: string;
  /** The Secrets Manager secret holding the key, named in the error when it cannot be read. */
  secretId: string;
  key: () => Promise<Buffer>;
}

/**
 * The links' source when the page's address and its secret are both set, else none (no link line).
 * The secret is read at most once per source (answerKeyReader caches it), and only on a night with
 * notices to send.
 */
export function answerLinkSource(
  settings: Pick<Settings, 'answerPageUrl' | 'answerSecret'>,
  secrets: () => Pick<SecretsManagerClient, 'send'>,
): AnswerLinkSource | undefined {
  const { answerPageUrl: pageUrl, answerSecret: secretId } = settings;
  if (!pageUrl || !secretId) return undefined;
  return { pageUrl, secretId, key: answerKeyReader(secrets(), secretId) };
}

/** The link for one key of a notice and its deadline (ISO 8601), or null: no link line. */
export type AnswerLinkFor = (
  key: { userName: string; accessKeyId: string },
  deadline: string,
) => string | null;

export interface NoticeLinks {
  linkFor: AnswerLinkFor;
  /** Why tonight's notices carry no link, for the report; null when they do (or none was asked). */
  error: AuditError | null;
}

/** The signed payload holds at most this many characters of owner (answer-link.ts's schema). */
const MAX_OWNER_CHARS = 254;

/** The addresses a notice goes to, as sendNotices groups them; the first alone when they are too long to sign. */
function recipientOf(owner: KeyOwner): string | null {
  const emails = [...owner.emails].sort();
  const all = emails.join(',');
  if (all === '') return null;
  return all.length <= MAX_OWNER_CHARS ? all : (emails[0] as string).slice(0, MAX_OWNER_CHARS);
}

const noLinks: AnswerLinkFor = () => null;

/**
 * Reads the key (once: the source caches it) and returns the night's link maker. Absent source:
 * no links and no error (the answer page is not deployed, or answerPageUrl is empty).
 */
export async function noticeLinks(
  source: AnswerLinkSource | undefined,
  input: { accountId: string; findings: readonly Finding[] },
): Promise<NoticeLinks> {
  if (!source) return { linkFor: noLinks, error: null };
  let key: Buffer;
  try {
    key = await source.key();
  } catch (error) {
    const { code } = describeAwsError((error as Error).cause ?? error);
    return {
      linkFor: noLinks,
      error: {
        userName: null,
        accessKeyId: null,
        operation: 'secretsmanager:GetSecretValue',
        code,
        message: `${(error as Error).message}. Tonight's notices in account ${input.accountId} went out without answer links; grant the audit role secretsmanager:GetSecretValue on the secret ${source.secretId} so that owners can answer.`,
      },
    };
  }
  const owners = new Map<string, string | null>();
  for (const finding of input.findings) {
    if (finding.userName === null || finding.accessKeyId === null || !finding.owner) continue;
    if (!owners.has(finding.accessKeyId)) owners.set(finding.accessKeyId, recipientOf(finding.owner));
  }
  return {
    error: null,
    linkFor: ({ userName, accessKeyId }, deadline) => {
      const owner = owners.get(accessKeyId) ?? null;
      return answerLink(
        {
          baseUrl: source.pageUrl,
          accountId: input.accountId,
          userName,
          accessKeyId,
          deadline: new Date(deadline),
          nonce: newNonce(),
          ...(owner ? { owner } : {}),
        },
        key,
      );
    },
  };
}
