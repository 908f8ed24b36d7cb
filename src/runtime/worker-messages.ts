/**
 * What the local runner and its account workers say to each other (account-workers.ts, the
 * runner's side; account-worker.ts, the worker's). Everything here crosses a thread by structured
 * clone: plain data, no functions.
 */
import type { ClientOptions } from '../aws/clients.js';
import type { Settings } from '../config/settings.js';
import type { AccountOutcome, OrganizationAccount } from '../org/organization-report.js';

/** What a worker is started with: how to build its clients, less the credentials (asked for). */
export interface WorkerSetup {
  clientOptions: Omit<ClientOptions, 'credentials'>;
  region: string;
  selfAccessKeyId: string | null;
}

/** Runner to worker. */
export type ToWorker =
  | {
      type: 'audit';
      id: number;
      settings: Settings;
      account: OrganizationAccount;
      run: { runId: string; orchestratorAccountId: string; notify: boolean };
      /** The runner's clock minus real time when the account was handed out (a fixed clock in the demo). */
      clockOffsetMs: number;
    }
  | { type: 'answer'; id: number; value?: unknown; error?: string };

/** What a worker asks of the runner: the run's credentials and the organization cap's budget. */
export type WorkerQuestion =
  | { method: 'credentials' }
  | { method: 'reserve'; audit: number; wanted: number }
  | { method: 'settle'; audit: number; granted: number; used: number };

/** Worker to runner. */
export type FromWorker =
  | { type: 'outcome'; id: number; outcome: AccountOutcome }
  | { type: 'failed'; id: number; error: string }
  | { type: 'ask'; id: number; question: WorkerQuestion }
  | { type: 'log'; level: 'info' | 'warn'; message: string; extra: Record<string, unknown> };

/** The run's credentials as its provider gave them; a worker's clients sign with these. */
export interface WorkerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
