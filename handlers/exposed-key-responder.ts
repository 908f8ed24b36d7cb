import { parser } from '@aws-lambda-powertools/parser/middleware';
import { exposedKeyEventSchema } from '../src/respond/health-event.js';
import {
  type ExposedKeyResponse,
  refuseUnreadableEvent,
  respondToExposedKey,
  throwIfUnfinished,
} from '../src/respond/respond.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createResponderRuntime } from '../src/runtime/responder-runtime.js';

const runtime = createResponderRuntime(process.env);

/**
 * AWS Health found an access key in public (AWS_RISK_CREDENTIALS_EXPOSED, through EventBridge):
 * deactivate it, summarise its last 24 hours and page the team, in seconds. A malformed event is
 * alerted on and refused with the field named; a key not dealt with fails the invocation, so
 * Lambda retries it and then keeps it in the failure queue.
 */
export const handler = handlerChain(runtime)
  .use(parser({ schema: exposedKeyEventSchema, safeParse: true }))
  .handler(async (parsed): Promise<ExposedKeyResponse> => {
    const deps = await runtime.responderDeps();
    if (!parsed.success) {
      runtime.metrics.addMetric('ExposedKey_unreadable', 'Count', 1);
      return refuseUnreadableEvent(deps, parsed.originalEvent);
    }
    const response = await respondToExposedKey(deps, runtime.settings, parsed.data);
    for (const key of response.keys) runtime.metrics.addMetric(`ExposedKey_${key.outcome}`, 'Count', 1);
    throwIfUnfinished(response);
    return response;
  });
