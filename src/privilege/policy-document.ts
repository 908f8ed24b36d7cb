/**
 * IAM policy documents as the classifier reads them. IAM hands documents back URL-encoded
 * (GetUserPolicy, GetGroupPolicy, GetPolicyVersion, GetAccountAuthorizationDetails); the SDK does not
 * decode them, so every reader goes through `parsePolicyDocument`.
 */

/** A string or a list of strings, as every element of a statement may be written. */
type OneOrMany = string | readonly string[];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany;
  NotAction?: OneOrMany;
  Resource?: OneOrMany;
  NotResource?: OneOrMany;
  Condition?: Readonly<Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | readonly PolicyStatement[];
}

/** Where one policy of a user comes from, for the report's "where it comes from". */
export interface PolicySource {
  /** The policy's name (`AdministratorAccess`, or the inline policy's name). */
  name: string;
  kind: 'managed' | 'inline';
  /** The group it comes through; null when attached to (or embedded in) the user itself. */
  group: string | null;
  document: PolicyDocument;
}

export class PolicyDocumentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PolicyDocumentError';
  }
}

/**
 * A document as IAM returns it: URL-encoded JSON (a plain JSON string is accepted as well, since
 * decoding JSON that holds no `%` changes nothing).
 *
 * @throws PolicyDocumentError when it is not a JSON policy with a Statement.
 */
export function parsePolicyDocument(raw: string): PolicyDocument {
  let text = raw;
  try {
    if (!raw.trimStart().startsWith('{')) text = decodeURIComponent(raw);
  } catch (error) {
    throw new PolicyDocumentError('the policy document is not URL-encoded JSON', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PolicyDocumentError('the policy document is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
    throw new PolicyDocumentError('the policy document has no Statement');
  }
  return parsed as PolicyDocument;
}

/** The statements of a document, always as a list. */
export function statementsOf(document: PolicyDocument): readonly PolicyStatement[] {
  const { Statement } = document;
  return Array.isArray(Statement) ? Statement : [Statement as PolicyStatement];
}

/** An element that may be one string or many, as a list. */
export function listOf(value: OneOrMany | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
