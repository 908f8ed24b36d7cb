import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { auditOnce } from '../src/audit-once.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { recordAuditMetrics } from '../src/runtime/metrics.js';
import { type RunSummary, summarizeRun } from '../src/runtime/run-summary.js';
import { createScheduledRuntime } from '../src/runtime/scheduled-runtime.js';

// Only this function has an on-failure destination, which Lambda writes to with its role; the
// permission gathering (scripts/permissions) walks from here.
export { ASYNC_FAILURE_DESTINATION_PERMISSIONS } from '../src/runtime/platform/scheduled-audit.js';

const runtime = createScheduledRuntime(process.env);
const { metrics } = runtime;

/**
 * The nightly audit: the whole account, with the deployed settings, always published. A retry of
 * the same event (same `id`) delivers the report of the attempt that audited, without auditing again.
 */
export const handler = handlerChain(runtime)
  .use(parser({ schema: EventBridgeSchema }))
  .handler(async (event, context: Context): Promise<RunSummary> => {
    const deps = await runtime.deps(context);
    const run = await auditOnce(deps, runtime.settings, event.id, (report) =>
      recordAuditMetrics(metrics, report),
    );
    return summarizeRun(run);
  });
