import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { runAudit } from '../src/audit.js';
import { deliverReport } from '../src/deliver.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createLambdaRuntime } from '../src/runtime/lambda-runtime.js';
import { recordAuditMetrics } from '../src/runtime/metrics.js';
import { type RunSummary, summarizeRun } from '../src/runtime/run-summary.js';

// Only this function has an on-failure destination, which Lambda writes to with its role; the
// permission gathering (scripts/permissions) walks from here.
export { ASYNC_FAILURE_DESTINATION_PERMISSIONS } from '../src/runtime/platform/scheduled-audit.js';

const runtime = createLambdaRuntime(process.env);
const { metrics } = runtime;

/** The nightly audit: the whole account, with the deployed settings, always published. */
export const handler = handlerChain(runtime)
  .use(parser({ schema: EventBridgeSchema }))
  .handler(async (_event, context: Context): Promise<RunSummary> => {
    const deps = await runtime.auditDeps(context);
    const report = await runAudit(deps, { settings: runtime.settings });
    recordAuditMetrics(metrics, report);
    const delivery = await deliverReport(deps, runtime.settings, report);
    return summarizeRun(report, delivery);
  });
