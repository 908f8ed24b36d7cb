/**
 * The answer links' HMAC key: a random string CloudFormation generates at deploy time into a
 * Secrets Manager secret (serverless.yml, AnswerLinkSecret). Read once per cold start and kept in
 * memory only; never logged, never written anywhere else.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PermissionDeclaration } from '../aws/permissions.js';

/**
 * The answer page (and whatever signs links) reads the one secret.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ANSWER_KEY_PERMISSIONS = [
  {
    action: 'secretsmanager:GetSecretValue',
    resource: '${AnswerLinkSecret}',
    why: 'reads the HMAC key that signs and verifies the answer links',
  },
] as const satisfies readonly PermissionDeclaration[];

/** The key could not be read: the page cannot tell a real link from a forged one. */
export class AnswerKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AnswerKeyError';
  }
}

/** The shortest secret accepted: the template generates 64 characters. */
const MIN_KEY_CHARS = 32;

/**
 * Reads the secret `secretId` once and caches the promise (a failed read is retried on the next
 * call). Errors name the secret and what to do, never its value.
 */
export function answerKeyReader(
  secrets: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): () => Promise<Buffer> {
  let cached: Promise<Buffer> | undefined;
  const read = async (): Promise<Buffer> => {
    let value: string | undefined;
    try {
      value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw new AnswerKeyError(
        `Could not read the answer-link key from the Secrets Manager secret ${secretId} (${(error as Error).name}): check that the stack created it and that the function's role may read it`,
        { cause: error },
      );
    }
    if (value === undefined || value.length < MIN_KEY_CHARS) {
      throw new AnswerKeyError(
        `The Secrets Manager secret ${secretId} holds no string of at least ${MIN_KEY_CHARS} characters: it cannot sign answer links; put a long random string in it`,
      );
    }
    return Buffer.from(value, 'utf8');
  };
  return () => {
    cached ??= read().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
