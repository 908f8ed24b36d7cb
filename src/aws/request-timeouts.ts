/** How long an SDK call may wait, in milliseconds. */
export interface RequestTimeouts {
  /** To open the connection. */
  connectionMs: number;
  /** For the response to start, once the request is sent. */
  requestMs: number;
}

/**
 * A stalled connection must not hold the run until Lambda kills it (and the report with it): the
 * call fails as a `TimeoutError` instead, which the SDK retries like any transient error and, at
 * the last attempt, becomes an error in the report. Generous enough for GetCredentialReport and the
 * archive's PutObject.
 */
export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { connectionMs: 5_000, requestMs: 30_000 };

/**
 * The `requestHandler` option of an SDK v3 client for these timeouts. `throwOnRequestTimeout`: the
 * SDK's handler otherwise only logs a warning when the request timeout passes.
 */
export function requestHandlerOptions(timeouts: RequestTimeouts = DEFAULT_REQUEST_TIMEOUTS) {
  return {
    connectionTimeout: timeouts.connectionMs,
    requestTimeout: timeouts.requestMs,
    throwOnRequestTimeout: true,
  };
}
