/** Amazon SES in one account, from the fixture's `ses`. */
export interface SesSettings {
  /** Verified identities: email addresses, or domains (which verify every address in them). */
  identities: readonly string[];
  /** Still in the SES sandbox: every recipient must be a verified identity too. */
  sandbox: boolean;
  configurationSets: readonly string[];
}

/** One SendEmail as the sandbox recorded it: messages are recorded for tests, never sent. */
export interface SentEmail {
  messageId: string;
  /** The account the sender acted in, and the region it called. */
  accountId: string;
  region: string;
  /** `FromEmailAddress` as given (it may carry a display name: `Key hygiene <notices@acme.example>`). */
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  /** Simple content: the subject and the two body parts (null when absent). */
  subject: string | null;
  text: string | null;
  html: string | null;
  /** Raw content: the MIME message as sent, decoded from base64; null for simple content. */
  raw: string | null;
  configurationSetName: string | null;
  /** `EmailTags` as `{ Name: Value }`. */
  tags: Record<string, string>;
  /** Sandbox-clock time, ISO 8601. */
  timestamp: string;
}

const ANGLE_ADDRESS = /<([^<>]*)>\s*$/;

/**
 * The bare address of `Name <local@domain>` or `local@domain`, or null when it has no
 * `local@domain` part (SES answers such an address "Missing final '@domain'").
 */
export function bareAddress(address: string): string | null {
  const inner = ANGLE_ADDRESS.exec(address)?.[1] ?? address;
  const trimmed = inner.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || at === trimmed.length - 1 || /\s/.test(trimmed)) return null;
  return trimmed;
}

/**
 * Whether an address is covered by a verified identity: the address itself, or its domain. Domains
 * compare without case; the local part as written, as SES compares identities.
 */
export function isVerified(identities: readonly string[], address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return identities.some((identity) =>
    identity.includes('@')
      ? identity.slice(0, identity.lastIndexOf('@')) === address.slice(0, address.lastIndexOf('@')) &&
        identity.slice(identity.lastIndexOf('@') + 1).toLowerCase() === domain
      : identity.toLowerCase() === domain,
  );
}
