import type { Context } from 'aws-lambda';
import { SettingsError } from '../config/settings.js';
import type { OrganizationRunDeps } from '../org/run-steps.js';
import { createLambdaRuntime, type LambdaRuntime } from './lambda-runtime.js';
import { organizationRunDeps } from './organization-deps.js';

/** The organizationAudit state machine's functions: one runtime, and the run's dependencies. */
export interface OrganizationRuntime extends LambdaRuntime {
  organizationDeps(context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<OrganizationRunDeps>;
}

/**
 * The state machine keeps its items and results in the report bucket (no payload limit at a
 * thousand accounts), so its functions refuse to start without one, naming the setting.
 */
export function createOrganizationRuntime(
  env: Readonly<Record<string, string | undefined>>,
  /** What a function adds to the runtime (the account audit: the owner clients). */
  extend: (runtime: LambdaRuntime) => LambdaRuntime = (runtime) => runtime,
): OrganizationRuntime {
  const runtime = extend(createLambdaRuntime(env));
  if (runtime.settings.reportBucket === null) {
    throw new SettingsError([
      {
        name: 'REPORT_BUCKET',
        setting: 'reportBucket',
        message:
          'is required for organization runs on Step Functions: the account list and the Distributed Map results are kept there; set reportBucket',
      },
    ]);
  }
  return {
    ...runtime,
    async organizationDeps(context) {
      return organizationRunDeps(await runtime.auditDeps(context), runtime.clientOptions);
    },
  };
}
