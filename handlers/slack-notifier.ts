import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { AuditReport } from '../src/model.js';
import { NotifyError } from '../src/notify/errors.js';
import { checkWebhookUrl, postToSlack } from '../src/notify/slack-webhook.js';
import { readWebhookUrl } from '../src/notify/slack-webhook-url.js';
import { reportFromSnsMessage } from '../src/notify/sns-report.js';
import { buildSlackMessage } from '../src/render/slack-blocks.js';
import { createChatRuntime } from '../src/runtime/chat-runtime.js';

const runtime = createChatRuntime(process.env);
const { logger, tracer, parameterName } = runtime;
// Built once per cold start, so the decrypted URL stays cached across invocations.
const parameters = new SSMProvider({ awsSdkV3Client: runtime.ssm });

/**
 * Posts each report published to the topic to Slack. Subscribed with the filter policy
 * `{"team": [{"exists": false}], "mode": ["report", "enforce"]}`, so it sees full audit reports
 * only, not the per-team copies or undo notices; any other message is logged and skipped.
 * A failed post (5xx, network) fails the invocation so SNS/Lambda retry it; a refusal (4xx) is
 * logged and not retried.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  // The response is two counts; the event (reports) can pass X-Ray's 64 KB segment limit.
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(parser({ schema: SnsSchema }))
  .handler(async (event): Promise<{ posted: number; rejected: number; skipped: number }> => {
    const url = checkWebhookUrl(await readWebhookUrl(parameters, parameterName), parameterName);
    let posted = 0;
    let rejected = 0;
    let skipped = 0;
    for (const record of event.Records) {
      let report: AuditReport;
      try {
        report = reportFromSnsMessage(record.Sns.Message, record.Sns.MessageId);
      } catch (error) {
        // Not an audit report (an undo notice, a test message): a retry cannot change that.
        if (!(error instanceof NotifyError)) throw error;
        logger.error('SNS message is not a key-hygiene audit report; not posted', { reason: error.message });
        skipped += 1;
        continue;
      }
      const result = await postToSlack(url, buildSlackMessage(report), { logger, runId: report.runId });
      if (result.outcome === 'posted') posted += 1;
      else rejected += 1;
    }
    return { posted, rejected, skipped };
  });
