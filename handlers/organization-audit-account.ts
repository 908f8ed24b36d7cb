import type { Context } from 'aws-lambda';
import { auditAccountStep } from '../src/org/account-step.js';
import type { AccountOutcome } from '../src/org/organization-report.js';
import { handlerChain } from '../src/runtime/handler-chain.js';
import { createAccountAuditRuntime } from '../src/runtime/organization-runtime.js';

const runtime = createAccountAuditRuntime(process.env);

/**
 * One child of the Distributed Map: `{ run, account }` in, the account's outcome out. A role that
 * cannot be assumed is an outcome (`failed`), not an error; only a crash fails the child, and the
 * map tolerates and records it.
 */
export const handler = handlerChain(runtime).handler(
  async (event: unknown, context: Context): Promise<AccountOutcome> => {
    const outcome = await auditAccountStep(await runtime.deps(context), runtime.settings, event);
    runtime.logger.info('account audited', { accountId: outcome.accountId, status: outcome.status });
    return outcome;
  },
);
