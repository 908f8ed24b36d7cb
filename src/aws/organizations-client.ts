import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { adaptiveRetryStrategy } from './rate-limiter.js';
import { DEFAULT_REQUEST_TIMEOUTS, requestHandlerOptions } from './request-timeouts.js';

/**
 * An Organizations client built as `createClients` builds the others (adaptive retries, request
 * timeouts). Organizations is a global service whose endpoint is in us-east-1 for the `aws`
 * partition; the SDK resolves it from the region.
 */
export function createOrganizationsClient(
  options: {
    region?: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  } = {},
): OrganizationsClient {
  const maxAttempts = 8;
  return new OrganizationsClient({
    retryStrategy: adaptiveRetryStrategy(maxAttempts),
    maxAttempts,
    requestHandler: requestHandlerOptions(DEFAULT_REQUEST_TIMEOUTS),
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}
