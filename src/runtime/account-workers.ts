/**
 * The local organization runner on every core. An account's audit is CPU work as much as waiting
 * (a 1,000-user page to parse, rules, reports), so in one thread an organization run is bound to
 * one core however many accounts it audits at once. Here each account's audit runs in a worker
 * thread (account-worker.ts), as on AWS each runs in a Lambda of its own, with the same code. What
 * the run shares stays with the runner: the credentials (the workers ask its provider, which
 * refreshes them), the organization cap's budget, the logger.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ClientOptions } from '../aws/clients.js';
import type { AccountRun } from '../org/audit-account.js';
import { type AccountOutcome, lostAccount, type OrganizationAccount } from '../org/organization-report.js';
import type { AccountAuditor } from '../org/run-organization.js';
import type { AuditLogger } from '../run-start.js';
import type {
  FromWorker,
  ToWorker,
  WorkerCredentials,
  WorkerQuestion,
  WorkerSetup,
} from './worker-messages.js';

export interface AccountWorkersOptions {
  /** Threads to start (default: one per core, at most 8). */
  threads?: number;
  /** How the workers build their clients (region, endpoint, timeouts); credentials come from `credentials`. */
  clientOptions: Omit<ClientOptions, 'credentials'>;
  /** The runner's own credentials provider: each worker asks it, so a refresh reaches every worker. */
  credentials: () => Promise<WorkerCredentials>;
  region: string;
  selfAccessKeyId: string | null;
  clock: () => Date;
  logger: AuditLogger;
}

export interface AccountWorkers {
  audit: AccountAuditor;
  /** Stops the threads; call once the run is over. */
  close(): Promise<void>;
}

interface Thread {
  worker: Worker;
  /** Audits handed to it and not finished. */
  busy: number;
}

interface Audit {
  account: OrganizationAccount;
  run: AccountRun;
  thread: Thread;
  resolve: (outcome: AccountOutcome) => void;
  /** What the budget granted the account, until it settles; a lost audit counts it all as used. */
  held: number;
}

const DEFAULT_MAX_THREADS = 8;

/**
 * The worker's entry: the TypeScript source through tsx's loader, as the command line itself runs
 * (a worker does not inherit the loader its parent registered).
 */
function startWorker(setup: WorkerSetup): Worker {
  const entry = new URL('./account-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: setup });
}

/**
 * Worker threads for an organization run's accounts: each account goes to the least busy thread.
 * A thread that dies fails the accounts it held (the organization report names them, as any
 * failed account) and is replaced for the accounts still to come.
 */
export function accountWorkers(options: AccountWorkersOptions): AccountWorkers {
  const size = Math.max(1, options.threads ?? Math.min(availableParallelism(), DEFAULT_MAX_THREADS));
  const setup: WorkerSetup = {
    clientOptions: options.clientOptions,
    region: options.region,
    selfAccessKeyId: options.selfAccessKeyId,
  };
  const audits = new Map<number, Audit>();
  let next = 0;
  let closing = false;

  const answer = async (thread: Thread, id: number, question: WorkerQuestion) => {
    let reply: ToWorker;
    try {
      reply = { type: 'answer', id, value: await answerOf(question) };
    } catch (error) {
      reply = { type: 'answer', id, error: error instanceof Error ? error.message : String(error) };
    }
    thread.worker.postMessage(reply);
  };

  const answerOf = async (question: WorkerQuestion): Promise<unknown> => {
    if (question.method === 'credentials') {
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = await options.credentials();
      return { accessKeyId, secretAccessKey, sessionToken, expiration };
    }
    const audit = audits.get(question.audit);
    if (!audit) throw new Error(`no audit ${question.audit} is running`);
    if (question.method === 'reserve') {
      const granted = await audit.run.budget.reserve(question.wanted);
      audit.held += granted;
      return granted;
    }
    audit.held -= question.granted;
    return audit.run.budget.settle(question.granted, question.used);
  };

  const finish = (id: number, outcome: AccountOutcome) => {
    const audit = audits.get(id);
    if (!audit) return;
    audits.delete(id);
    audit.thread.busy--;
    // An audit lost with deactivations granted may have made them all: the cap must still hold.
    if (audit.held > 0) void audit.run.budget.settle(audit.held, audit.held);
    audit.resolve(outcome);
  };

  const spawn = (): Thread => {
    const thread: Thread = { worker: startWorker(setup), busy: 0 };
    thread.worker.on('message', (message: FromWorker) => {
      if (message.type === 'outcome') finish(message.id, message.outcome);
      else if (message.type === 'failed')
        finish(
          message.id,
          lostAccount(audits.get(message.id)?.account ?? unknown, `the audit failed: ${message.error}`),
        );
      else if (message.type === 'ask') void answer(thread, message.id, message.question);
      else options.logger[message.level](message.message, message.extra);
    });
    const died = (why: string) => {
      const index = threads.indexOf(thread);
      if (index >= 0) threads.splice(index, 1);
      for (const [id, audit] of audits) {
        if (audit.thread === thread) {
          finish(id, lostAccount(audit.account, `the audit's worker thread stopped: ${why}`));
        }
      }
    };
    thread.worker.on('error', (error) => died(`${error.name}: ${error.message}`));
    thread.worker.on('exit', (code) => {
      if (!closing) died(`it exited with code ${code}`);
    });
    return thread;
  };

  const threads: Thread[] = [];
  const pick = (): Thread => {
    if (threads.length < size) {
      const thread = spawn();
      threads.push(thread);
      return thread;
    }
    return threads.reduce((least, thread) => (thread.busy < least.busy ? thread : least));
  };

  return {
    audit(settings, account, run) {
      const thread = pick();
      const id = ++next;
      thread.busy++;
      return new Promise<AccountOutcome>((resolve) => {
        audits.set(id, { account, run, thread, resolve, held: 0 });
        const message: ToWorker = {
          type: 'audit',
          id,
          settings,
          account,
          run: { runId: run.runId, orchestratorAccountId: run.orchestratorAccountId, notify: run.notify },
          clockOffsetMs: options.clock().getTime() - Date.now(),
        };
        thread.worker.postMessage(message);
      });
    },
    async close() {
      closing = true;
      // An account still running is reported as not audited, never left without an outcome.
      for (const id of [...audits.keys()]) {
        const audit = audits.get(id);
        if (audit) finish(id, lostAccount(audit.account, 'the run stopped before its audit finished'));
      }
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
      threads.length = 0;
    },
  };
}

/**
 * The runner's threads for `concurrency` accounts at once: one per core up to that many, or none
 * for one account at a time (a thread would only add its start-up).
 */
export function accountWorkersFor(
  concurrency: number,
  options: Omit<AccountWorkersOptions, 'threads'>,
): AccountWorkers | null {
  if (concurrency <= 1) return null;
  return accountWorkers({
    ...options,
    threads: Math.min(concurrency, availableParallelism(), DEFAULT_MAX_THREADS),
  });
}

const unknown: OrganizationAccount = { accountId: '000000000000', name: '', status: 'ACTIVE' };
