import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ssmClient } from '../aws/clients.js';
import { SettingsError } from '../config/errors.js';
import { createClientRuntime } from './function-runtime.js';

// What Lambda does with the notifier's own role (logs, traces); the permission gathering
// (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { SLACK_NOTIFIER_RUNTIME_PERMISSIONS } from './platform/slack-notifier.js';

/** What the chat notifier needs, built once per cold start. */
export interface ChatRuntime {
  logger: Logger;
  tracer: Tracer;
  region: string;
  /** The SSM parameter holding the Slack webhook URL. */
  parameterName: string;
  /** Reads it; built once per cold start, so the decrypted URL stays cached across invocations. */
  ssm: SSMClient;
}

/**
 * Reads the settings once; without `SLACK_WEBHOOK_PARAMETER` the notifier cannot work, so that
 * fails at cold start with the setting named.
 */
export function createChatRuntime(env: Readonly<Record<string, string | undefined>>): ChatRuntime {
  const { settings, logger, tracer, region, clients } = createClientRuntime(env, { ssm: ssmClient });
  if (settings.slackWebhookParameter === null) {
    throw new SettingsError([
      {
        name: 'SLACK_WEBHOOK_PARAMETER',
        setting: 'slackWebhookParameter',
        message:
          'is required by the slackNotifier function: the name of the SSM parameter holding the webhook URL',
      },
    ]);
  }
  return { logger, tracer, region, parameterName: settings.slackWebhookParameter, ssm: clients.ssm };
}
