import type { SandboxAccount } from './iam-state.js';
import type { SandboxState } from './state.js';

/** What a JSON-protocol operation gets: the parsed body, the state and the account the caller acts in. */
export interface JsonRequestContext {
  body: Record<string, unknown>;
  state: SandboxState;
  account: SandboxAccount;
  region: string;
  /** The sandbox clock's time. */
  now: Date;
}

/** A JSON 1.1 service, routed by `X-Amz-Target: <targetPrefix>.<Operation>`. */
export interface JsonService {
  name: string;
  targetPrefix: string;
  /** Other prefixes the service answers to (the model's fully qualified one). */
  aliases?: readonly string[];
  actions: Readonly<Record<string, (ctx: JsonRequestContext) => unknown>>;
  /**
   * How the service spells its error fields: SSM writes `message`, Organizations `Message`; and the
   * code it throttles with (Organizations: `TooManyRequestsException`). Defaults: `message`,
   * `ThrottlingException`; and the code of its own failure (Secrets Manager: `InternalServiceError`),
   * default `InternalServerError`.
   */
  errors?: { messageKey: 'message' | 'Message'; throttling: string; failure?: string };
}
