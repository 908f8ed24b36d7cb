import {
  type ClientFactory,
  type ClientsOf,
  memberAuditClientsWith,
  s3Client,
  snsClient,
  stsClient,
} from '../aws/clients.js';
import { createOrganizationsClient, organizationsClientWith } from '../aws/organizations-client.js';
import { SettingsError } from '../config/settings.js';
import { type ClientRuntime, createClientRuntime } from './function-runtime.js';
import { createLambdaRuntime } from './lambda-runtime.js';

// What Lambda does with the roles of the state machine's functions (logs, traces), as for the
// audit functions; the permission gathering (scripts/permissions) reaches it through this module.
/** @public gathered by the permission walk (scripts/permissions/registry.ts) */
export { LAMBDA_RUNTIME_PERMISSIONS } from './platform/audit-functions.js';

/** A state machine function's runtime: the clients its step calls and no other. */
function createOrganizationRuntime<F extends Record<string, ClientFactory>>(
  env: Readonly<Record<string, string | undefined>>,
  factories: F,
): ClientRuntime<ClientsOf<F>> {
  return requireReportBucket(createClientRuntime(env, factories));
}

/**
 * The state machine keeps its items and results in the report bucket (no payload limit at a
 * thousand accounts), so its functions refuse to start without one, naming the setting.
 */
function requireReportBucket<R extends { settings: { reportBucket: string | null } }>(runtime: R): R {
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
  return runtime;
}

/** Step 1: who the auditor is (STS), the accounts (Organizations, as the organization role when set), the list (S3). */
export function createListAccountsRuntime(env: Readonly<Record<string, string | undefined>>) {
  const runtime = createOrganizationRuntime(env, {
    sts: stsClient,
    s3: s3Client,
    organizations: createOrganizationsClient,
  });
  const organizationsWith = organizationsClientWith(runtime.clientOptions);
  return { ...runtime, deps: async () => ({ ...(await runtime.deps()), organizationsWith }) };
}

/**
 * Step 2: one account's audit (with owner resolution's clients, and the usage evidence's when on,
 * as the audit functions have them), with the member role's clients for another account.
 */
export function createAccountAuditRuntime(env: Readonly<Record<string, string | undefined>>) {
  const runtime = requireReportBucket(createLambdaRuntime(env));
  const memberClients = memberAuditClientsWith(runtime.clientOptions, runtime.settings.evidence === 'on');
  return {
    ...runtime,
    deps: async (context: Parameters<typeof runtime.deps>[0]) => ({
      ...(await runtime.deps(context)),
      memberClients,
    }),
  };
}

/** Step 3: the map's results and the archive (S3), the organization report published once (SNS). */
export function createSummaryRuntime(env: Readonly<Record<string, string | undefined>>) {
  return createOrganizationRuntime(env, { s3: s3Client, sns: snsClient });
}
