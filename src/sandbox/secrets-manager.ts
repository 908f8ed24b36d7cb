/**
 * Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): GetSecretValue by name,
 * full ARN or partial ARN (without the six-character suffix), and CreateSecret and PutSecretValue
 * with Secrets Manager's staging labels. Secrets are regional; errors carry `Message`, as the
 * service's model spells it.
 */
import { AwsError } from './errors.js';
import { SECRET_NAME } from './fixture.js';
import type { JsonRequestContext, JsonService } from './json-service.js';
import { randomUuid } from './random.js';
import {
  addSecretVersion,
  CURRENT,
  createSecret,
  type SandboxSecret,
  type SecretVersion,
  secretKey,
} from './secrets-manager-state.js';

const SECRET_ARN = /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
/** "Secret value: up to 65,536 bytes." */
const MAX_VALUE_BYTES = 65_536;

const notFound = (what = 'secret') =>
  new AwsError('ResourceNotFoundException', 400, `Secrets Manager can't find the specified ${what}.`);
const invalidParameter = (message: string) => new AwsError('InvalidParameterException', 400, message);
const missing = (field: string) =>
  new AwsError(
    'ValidationException',
    400,
    `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
  );

/** The secret a `SecretId` (name, ARN or partial ARN) names in the caller's account and region. */
function findSecret(ctx: JsonRequestContext, secretId: unknown): SandboxSecret {
  if (typeof secretId !== 'string' || secretId === '') throw missing('SecretId');
  const arn = SECRET_ARN.exec(secretId);
  if (!arn) {
    const secret = ctx.account.secrets.get(secretKey(ctx.region, secretId));
    if (!secret) throw notFound();
    return secret;
  }
  const [, region = '', accountId = '', rest = ''] = arn;
  if (accountId !== ctx.account.id || region !== ctx.region) throw notFound();
  // A full ARN ends in the suffix AWS added; a partial ARN is the name alone.
  for (const secret of ctx.account.secrets.values()) {
    if (secret.region === region && (secret.arn === secretId || secret.name === rest)) return secret;
  }
  throw notFound();
}

/** The value of a request: exactly one of SecretString and SecretBinary (base64 on the wire). */
function requestValue(
  body: Record<string, unknown>,
): Pick<SecretVersion, 'secretString' | 'secretBinary'> | null {
  const { SecretString, SecretBinary } = body;
  if (SecretString !== undefined && SecretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (typeof SecretString === 'string') {
    if (Buffer.byteLength(SecretString) > MAX_VALUE_BYTES)
      throw invalidParameter(`SecretString is over ${MAX_VALUE_BYTES} bytes.`);
    return { secretString: SecretString, secretBinary: null };
  }
  if (typeof SecretBinary === 'string') {
    const bytes = Buffer.from(SecretBinary, 'base64');
    if (bytes.length > MAX_VALUE_BYTES)
      throw invalidParameter(`SecretBinary is over ${MAX_VALUE_BYTES} bytes.`);
    return { secretString: null, secretBinary: bytes };
  }
  return null;
}

function sameValue(version: SecretVersion, value: Pick<SecretVersion, 'secretString' | 'secretBinary'>) {
  return (
    version.secretString === value.secretString &&
    (version.secretBinary === null) === (value.secretBinary === null) &&
    (version.secretBinary === null || version.secretBinary.equals(value.secretBinary as Buffer))
  );
}

/** The version a request's `ClientRequestToken` makes (the SDK fills it in), or a fresh one. */
function versionIdOf(ctx: JsonRequestContext): string {
  const token = ctx.body.ClientRequestToken;
  if (token === undefined) return randomUuid(ctx.state.rng);
  if (typeof token !== 'string' || token.length < 32 || token.length > 64) {
    throw invalidParameter('ClientRequestToken must be 32 to 64 characters.');
  }
  return token;
}

/**
 * Adds a version unless the token already made one: the same token with the same value is a
 * retry (answered as before), with another value an error, as Secrets Manager's idempotency works.
 */
function putVersion(
  ctx: JsonRequestContext,
  secret: SandboxSecret,
  value: Pick<SecretVersion, 'secretString' | 'secretBinary'>,
  stages: readonly string[],
): SecretVersion {
  const versionId = versionIdOf(ctx);
  const existing = secret.versions.find((v) => v.versionId === versionId);
  if (existing) {
    if (sameValue(existing, value)) return existing;
    throw new AwsError(
      'ResourceExistsException',
      400,
      "You can't modify an existing version, you can only create a new version.",
    );
  }
  return addSecretVersion(secret, { versionId, ...value, createdDate: ctx.now }, stages);
}

function getSecretValue(ctx: JsonRequestContext) {
  const secret = findSecret(ctx, ctx.body.SecretId);
  const { VersionId, VersionStage } = ctx.body;
  const stage = typeof VersionStage === 'string' ? VersionStage : undefined;
  const id = typeof VersionId === 'string' ? VersionId : undefined;
  const version = secret.versions.find(
    (v) =>
      (id === undefined || v.versionId === id) &&
      (stage === undefined ? id !== undefined || v.stages.includes(CURRENT) : v.stages.includes(stage)),
  );
  if (!version) {
    throw notFound(
      id !== undefined
        ? `secret value for VersionId: ${id}`
        : `secret value for staging label: ${stage ?? CURRENT}`,
    );
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString !== null ? { SecretString: version.secretString } : {}),
    ...(version.secretBinary !== null ? { SecretBinary: version.secretBinary.toString('base64') } : {}),
    VersionStages: [...version.stages],
    CreatedDate: version.createdDate.getTime() / 1000,
  };
}

function createSecretOperation(ctx: JsonRequestContext) {
  const { Name, Description } = ctx.body;
  if (typeof Name !== 'string' || Name === '') throw missing('Name');
  if (!SECRET_NAME.test(Name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
  if (ctx.account.secrets.has(secretKey(ctx.region, Name))) {
    throw new AwsError(
      'ResourceExistsException',
      400,
      `The operation failed because the secret ${Name} already exists.`,
    );
  }
  const value = requestValue(ctx.body);
  const secret = createSecret(ctx.account.secrets, {
    accountId: ctx.account.id,
    region: ctx.region,
    name: Name,
    description: typeof Description === 'string' ? Description : null,
    createdDate: ctx.now,
  });
  const version = value === null ? null : putVersion(ctx, secret, value, [CURRENT]);
  return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
}

function putSecretValue(ctx: JsonRequestContext) {
  const secret = findSecret(ctx, ctx.body.SecretId);
  const value = requestValue(ctx.body);
  if (value === null) throw invalidParameter('You must provide either SecretString or SecretBinary.');
  const { VersionStages } = ctx.body;
  const stages =
    Array.isArray(VersionStages) && VersionStages.every((s) => typeof s === 'string')
      ? (VersionStages as string[])
      : [CURRENT];
  const version = putVersion(ctx, secret, value, stages);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    VersionStages: [...version.stages],
  };
}

/** Secrets Manager: GetSecretValue, CreateSecret and PutSecretValue. */
export const secretsManagerService: JsonService = {
  name: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  actions: {
    GetSecretValue: getSecretValue,
    CreateSecret: createSecretOperation,
    PutSecretValue: putSecretValue,
  },
  errors: { messageKey: 'Message', throttling: 'ThrottlingException', failure: 'InternalServiceError' },
};
