import type { Context } from 'aws-lambda';
import { type ListStepOutput, listAccountsStep } from '../src/org/list-step.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createOrganizationRuntime } from '../src/runtime/organization-runtime.js';

const runtime = createOrganizationRuntime(process.env);

/**
 * The organizationAudit state machine's first task (started nightly by EventBridge): lists the
 * organization's accounts into the report bucket for the Distributed Map. The event is ignored.
 */
export const handler = handlerChain(runtime).handler(
  async (_event: unknown, context: Context): Promise<ListStepOutput> =>
    listAccountsStep(await runtime.organizationDeps(context), runtime.settings),
);
