import { createHash } from 'node:crypto';
import { AwsError } from './errors.js';
import type { SandboxAccount } from './iam-state.js';

/** What a JSON-protocol operation gets: the parsed body and the account the caller acts in. */
export interface JsonRequestContext {
  body: Record<string, unknown>;
  account: SandboxAccount;
  region: string;
  /** The sandbox clock's time. */
  now: Date;
}

/** A JSON 1.1 service, routed by `X-Amz-Target: <targetPrefix>.<Operation>`. */
export interface JsonService {
  name: string;
  targetPrefix: string;
  /** Other prefixes the service answers to (the model's fully qualified one). */
  aliases?: readonly string[];
  actions: Readonly<Record<string, (ctx: JsonRequestContext) => unknown>>;
}

const NAME = /^\/?[\w.-]+(\/[\w.-]+)*$/;
const PARAMETER_ARN = /^arn:aws[\w-]*:ssm:[a-z0-9-]+:\d{12}:parameter(\/.+)$/;

/**
 * The name a request gives, or the name inside a parameter ARN. An ARN's path always starts with
 * `/`; the parameter itself may have been created without one.
 */
function nameOf(ctx: JsonRequestContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') {
    throw new AwsError(
      'ValidationException',
      400,
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  }
  const arn = PARAMETER_ARN.exec(raw);
  if (arn) {
    const path = arn[1] ?? '';
    return ctx.account.parameters.has(path) ? path : path.slice(1);
  }
  if (!NAME.test(raw) || raw.length > 2048) {
    throw new AwsError(
      'ValidationException',
      400,
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.`,
    );
  }
  return raw;
}

/** A stand-in for the KMS ciphertext SSM returns for a SecureString read without decryption. */
function ciphertext(value: string): string {
  return Buffer.concat([
    Buffer.from('AQICAH', 'ascii'),
    createHash('sha256').update(value).digest(),
  ]).toString('base64');
}

/** SSM (JSON 1.1, `AmazonSSM`): GetParameter, with WithDecryption honoured for SecureString. */
export const ssmService: JsonService = {
  name: 'ssm',
  targetPrefix: 'AmazonSSM',
  actions: {
    GetParameter: (ctx) => {
      const name = nameOf(ctx, ctx.body.Name);
      const parameter = ctx.account.parameters.get(name);
      // Real SSM answers this error with no message at all.
      if (!parameter) throw new AwsError('ParameterNotFound', 400, '');
      const decrypt = ctx.body.WithDecryption === true;
      const arnPath = parameter.name.startsWith('/') ? parameter.name : `/${parameter.name}`;
      return {
        Parameter: {
          ARN: `arn:aws:ssm:${ctx.region}:${ctx.account.id}:parameter${arnPath}`,
          DataType: 'text',
          LastModifiedDate: parameter.lastModified.getTime() / 1000,
          Name: parameter.name,
          Type: parameter.type,
          Value:
            parameter.type === 'SecureString' && !decrypt ? ciphertext(parameter.value) : parameter.value,
          Version: parameter.version,
        },
      };
    },
  },
};
