import { parser } from '@aws-lambda-powertools/parser/middleware';
import { exposedKeyEventSchema, parseExposedKeyEvent } from '../src/respond/health-event.js';
import { type ExposedKeyResponse, respondToExposedKey } from '../src/respond/respond.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createResponderRuntime } from '../src/runtime/responder-runtime.js';

const runtime = createResponderRuntime(process.env);

/**
 * AWS Health found one of the account's access keys in public (AWS_RISK_CREDENTIALS_EXPOSED, through
 * EventBridge): deactivate it, summarise its last 24 hours and page the team, in seconds. A
 * malformed event is refused with the field named, before any AWS call.
 */
export const handler = handlerChain(runtime)
  .use(parser({ schema: exposedKeyEventSchema, safeParse: true }))
  .handler(async (parsed): Promise<ExposedKeyResponse> => {
    // On failure, parseExposedKeyEvent rethrows with a message that names each bad field.
    const event = parsed.success ? parsed.data : parseExposedKeyEvent(parsed.originalEvent);
    const deps = await runtime.responderDeps(event.account);
    const response = await respondToExposedKey(deps, runtime.settings, event);
    for (const key of response.keys) runtime.metrics.addMetric(`ExposedKey_${key.outcome}`, 'Count', 1);
    return response;
  });
