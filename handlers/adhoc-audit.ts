import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import { type AdhocReport, deliverAdhoc, isUndoReport, runAdhoc } from '../src/adhoc.js';
import { adhocEventSchema, applyEventOverrides, parseAdhocEvent } from '../src/config/adhoc-event.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createLambdaRuntime } from '../src/runtime/lambda-runtime.js';
import { recordAuditMetrics } from '../src/runtime/metrics.js';

const runtime = createLambdaRuntime(process.env);
const { metrics } = runtime;

/**
 * An audit by hand: the event may narrow it to named users, preview a date (`asOf`), switch mode
 * and publish (`notify: true`); or `{ "undo": "<runId>" }` reactivates the keys that run deactivated.
 * The event is validated before any AWS call; a bad one is refused with the field named. Returns
 * the full report (an undo report for an undo).
 */
export const handler = handlerChain(runtime)
  .use(parser({ schema: adhocEventSchema, safeParse: true }))
  .handler(async (parsed, context: Context): Promise<AdhocReport> => {
    // On failure, parseAdhocEvent rethrows with a message that names the field and what it expects.
    const event = parsed.success ? parsed.data : parseAdhocEvent(parsed.originalEvent);
    const settings = applyEventOverrides(runtime.settings, event);
    const deps = await runtime.deps(context);
    const report = await runAdhoc(deps, settings, event);
    if (!isUndoReport(report)) recordAuditMetrics(metrics, report);
    if (event.notify) await deliverAdhoc(deps, settings, report);
    return report;
  });
