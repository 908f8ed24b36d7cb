import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';

/**
 * The middleware every function starts with: metrics flushed (with the cold start), the Lambda
 * context in every log line, and a trace. A handler adds its event parser and its body.
 */
export function handlerChain(observability: { logger: Logger; metrics: Metrics; tracer: Tracer }) {
  return (
    middy()
      .use(logMetrics(observability.metrics, { captureColdStartMetric: true }))
      .use(injectLambdaContext(observability.logger, { resetKeys: true }))
      // The report can exceed X-Ray's 64 KB segment limit, so the response is not captured.
      .use(captureLambdaHandler(observability.tracer, { captureResponse: false }))
  );
}
