import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { NotifyError } from './errors.js';

/**
 * What reading the webhook URL needs: the parameter (serverless.yml grants it on that parameter
 * only) and KMS decryption through SSM (`kms:ViaService` = `ssm.<region>.amazonaws.com`).
 */
export const SLACK_NOTIFIER_PERMISSIONS = [
  {
    action: 'ssm:GetParameter',
    resource: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*',
    // The grant names the one parameter of the `slackWebhookParameter` param (the package test's).
    example: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/key-hygiene/slack-webhook',
    why: 'reads the Slack webhook URL (a SecureString) through Powertools Parameters',
  },
  {
    action: 'kms:Decrypt',
    resource: '*',
    condition: { StringEquals: { 'kms:ViaService': 'ssm.${AWS::Region}.amazonaws.com' } },
    via: 'ssm:GetParameter',
    why: "SSM decrypts the SecureString with its KMS key on the function's behalf",
  },
] as const satisfies readonly PermissionDeclaration[];

/** How long the URL is cached in the Lambda environment: a rotated URL is picked up within this. */
export const WEBHOOK_URL_MAX_AGE_SECONDS = 300;

/**
 * Reads the Slack webhook URL from an SSM SecureString through Powertools Parameters: decrypted,
 * cached for {@link WEBHOOK_URL_MAX_AGE_SECONDS} across invocations of the same environment. The
 * value is never logged; errors name the parameter only.
 *
 * @example
 * ```ts
 * const provider = new SSMProvider({ awsSdkV3Client: new SSMClient({}) });
 * const url = await readWebhookUrl(provider, '/key-hygiene/slack-webhook');
 * ```
 */
export async function readWebhookUrl(
  provider: Pick<SSMProvider, 'get'>,
  parameterName: string,
  maxAge = WEBHOOK_URL_MAX_AGE_SECONDS,
): Promise<string> {
  let value: unknown;
  try {
    value = await provider.get(parameterName, { decrypt: true, maxAge });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const name = cause instanceof Error ? cause.name : 'Error';
    throw new NotifyError(
      `Could not read the Slack webhook URL from the SSM parameter ${parameterName} (${name}). Check that it exists in this account and region as a SecureString, and that the slackNotifier role may ssm:GetParameter on it and kms:Decrypt its key.`,
      { cause: error },
    );
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new NotifyError(
      `The SSM parameter ${parameterName} is empty; store the Slack incoming-webhook URL in it.`,
    );
  }
  return value;
}
