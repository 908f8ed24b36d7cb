import type { Caller } from './auth.js';
import type { SandboxAccount } from './iam-state.js';
import type { QueryParams } from './params.js';
import type { SandboxState } from './state.js';

/** What an operation handler gets: the state, the parsed parameters and who is calling from where. */
export interface RequestContext {
  state: SandboxState;
  params: QueryParams;
  caller: Caller;
  /** The account the caller acts in. */
  account: SandboxAccount;
  /** From the credential scope (any region is accepted). */
  region: string;
  requestId: string;
}

/**
 * An operation: returns the inner XML of `<{Action}Result>`, or null for operations whose model has
 * no output (UpdateAccessKey, DeleteAccessKey, TagUser, UntagUser). Throws `AwsError` to answer an error.
 */
export type ActionHandler = (ctx: RequestContext) => string | null;

/** A Query-protocol service: its API version, XML namespace and operations. */
export interface QueryService {
  name: string;
  version: string;
  namespace: string;
  actions: Readonly<Record<string, ActionHandler>>;
}
