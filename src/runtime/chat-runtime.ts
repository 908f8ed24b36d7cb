import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SettingsError } from '../config/errors.js';
import { createFunctionRuntime } from './function-runtime.js';

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
}

/**
 * Reads the settings once; without `SLACK_WEBHOOK_PARAMETER` the notifier cannot work, so that
 * fails at cold start with the setting named.
 */
export function createChatRuntime(env: Readonly<Record<string, string | undefined>>): ChatRuntime {
  const { settings, logger, tracer, region } = createFunctionRuntime(env);
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
  return { logger, tracer, region, parameterName: settings.slackWebhookParameter };
}
