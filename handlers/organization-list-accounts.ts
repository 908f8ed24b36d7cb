import { type ListStepOutput, listAccountsStep } from '../src/org/list-step.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createListAccountsRuntime } from '../src/runtime/organization-runtime.js';

const runtime = createListAccountsRuntime(process.env);

/**
 * The organizationAudit state machine's first task (started nightly by EventBridge): lists the
 * organization's accounts into the report bucket for the Distributed Map. The event is ignored.
 */
export const handler = handlerChain(runtime).handler(
  async (): Promise<ListStepOutput> => listAccountsStep(await runtime.deps(), runtime.settings),
);
