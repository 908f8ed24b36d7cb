import type { OrganizationReport } from '../src/org/organization-report.js';
import { summaryStep } from '../src/org/summary-step.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createSummaryRuntime } from '../src/runtime/organization-runtime.js';

const runtime = createSummaryRuntime(process.env);

/**
 * The state machine's last task: the organization report from the map's results, archived and
 * published once with `scope = organization`. Returns its totals (the report is in the archive).
 */
export const handler = handlerChain(runtime).handler(
  async (event: unknown): Promise<Pick<OrganizationReport, 'runId' | 'totals' | 'cap'>> => {
    const { report } = await summaryStep(await runtime.deps(), runtime.settings, event);
    return { runId: report.runId, totals: report.totals, cap: report.cap };
  },
);
