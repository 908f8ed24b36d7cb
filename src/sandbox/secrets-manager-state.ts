import { createHash } from 'node:crypto';

/** One version of a secret: its value and the staging labels (`AWSCURRENT`, `AWSPREVIOUS`) on it. */
export interface SecretVersion {
  versionId: string;
  /** Exactly one of the two is set. */
  secretString: string | null;
  secretBinary: Buffer | null;
  stages: string[];
  createdDate: Date;
}

/** A Secrets Manager secret of one account and region. */
export interface SandboxSecret {
  name: string;
  region: string;
  accountId: string;
  /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`, as AWS names it. */
  arn: string;
  description: string | null;
  createdDate: Date;
  /** Oldest first; a secret created without a value has none. */
  versions: SecretVersion[];
}

export const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Secrets are regional: the key of a secret in its account's map. */
export function secretKey(region: string, name: string): string {
  return `${region}:${name}`;
}

/** The six characters AWS appends to a secret's ARN; derived from the names so a fixture's ARN is stable. */
function arnSuffix(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[(digest[i] ?? 0) % SUFFIX_CHARS.length];
  return suffix;
}

/** Creates an empty secret (no version yet) in the account's map. The caller checks the name is free. */
export function createSecret(
  secrets: Map<string, SandboxSecret>,
  input: { accountId: string; region: string; name: string; description?: string | null; createdDate: Date },
): SandboxSecret {
  const suffix = arnSuffix(input.accountId, input.region, input.name);
  const secret: SandboxSecret = {
    name: input.name,
    region: input.region,
    accountId: input.accountId,
    arn: `arn:aws:secretsmanager:${input.region}:${input.accountId}:secret:${input.name}-${suffix}`,
    description: input.description ?? null,
    createdDate: input.createdDate,
    versions: [],
  };
  secrets.set(secretKey(input.region, input.name), secret);
  return secret;
}

/**
 * Adds a version and moves the staging labels to it, as PutSecretValue does: a label lives on one
 * version only, and when AWSCURRENT moves, the version that had it becomes AWSPREVIOUS.
 */
export function addSecretVersion(
  secret: SandboxSecret,
  version: Omit<SecretVersion, 'stages'>,
  stages: readonly string[] = [CURRENT],
): SecretVersion {
  const previousCurrent = secret.versions.find((v) => v.stages.includes(CURRENT));
  for (const v of secret.versions) v.stages = v.stages.filter((stage) => !stages.includes(stage));
  if (stages.includes(CURRENT) && previousCurrent) {
    for (const v of secret.versions) v.stages = v.stages.filter((stage) => stage !== PREVIOUS);
    previousCurrent.stages.push(PREVIOUS);
  }
  const added: SecretVersion = { ...version, stages: [...stages] };
  secret.versions.push(added);
  return added;
}
