import { type ClientOptions, memberAuditClientsWith } from '../aws/clients.js';
import { createOrganizationsClient, organizationsClientWith } from '../aws/organizations-client.js';
import type { OrganizationRunDeps } from '../org/run-steps.js';
import type { AuditDeps } from '../run-start.js';

/**
 * An organization run's dependencies: the auditor's own (`base`), plus clients built the same way
 * (`options`: region, endpoint) for another account's credentials, made on demand per account.
 */
export function organizationRunDeps(base: AuditDeps, options: ClientOptions): OrganizationRunDeps {
  return {
    ...base,
    organizations: createOrganizationsClient(options),
    organizationsWith: organizationsClientWith(options),
    // Security Hub too: it takes a finding only from the account the finding is about; and
    // CloudTrail when evidence is read (the auditor's own trail is given only then).
    memberClients: memberAuditClientsWith(options, base.evidenceTrail !== undefined),
  };
}
