import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type ClientOptions, clientConfig } from './clients.js';

/**
 * An Organizations client built as `createClients` builds the others (adaptive retries, request
 * timeouts, the same credentials and endpoint). Organizations is a global service whose endpoint is
 * in us-east-1 for the `aws` partition; the SDK resolves it from the region.
 */
export function createOrganizationsClient(options: ClientOptions = {}): OrganizationsClient {
  return new OrganizationsClient(clientConfig(options));
}

/** Organizations clients signing with other credentials (the `organizationRoleArn`'s), built on demand. */
export function organizationsClientWith(options: ClientOptions) {
  return (credentials: ClientOptions['credentials']) =>
    createOrganizationsClient({ ...options, credentials });
}
