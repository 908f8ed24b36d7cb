/**
 * An account worker of the local organization runner: it audits the accounts it is handed with
 * the same `auditAccount` the runner would call in its own thread (and the state machine's account
 * task calls on AWS), on clients of its own. It asks the runner for the run's credentials and for
 * the organization cap's budget, so both stay one per run; its log lines go to the runner's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClients } from '../aws/clients.js';
import { auditAccount } from '../org/audit-account.js';
import { organizationRunDeps } from './organization-deps.js';
import type {
  FromWorker,
  ToWorker,
  WorkerCredentials,
  WorkerQuestion,
  WorkerSetup,
} from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('account-worker.ts runs as a worker thread of the organization runner');
const setup = workerData as WorkerSetup;

const send = (message: FromWorker) => port.postMessage(message);

let asked = 0;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
function ask<T>(question: WorkerQuestion): Promise<T> {
  const id = ++asked;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    send({ type: 'ask', id, question });
  });
}

/** A log line's extras as data a thread can take (an Error or a function would not clone). */
function cloneable(extra: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(extra);
  } catch {
    return JSON.parse(JSON.stringify(extra)) as Record<string, unknown>;
  }
}

// Offset of the account being audited last; each audit sets its own at its start (see below).
let clockOffsetMs = 0;
const credentials = () => ask<WorkerCredentials>({ method: 'credentials' });
const options = { ...setup.clientOptions, credentials };
const deps = organizationRunDeps(
  {
    ...createClients(options),
    region: setup.region,
    clock: () => new Date(Date.now() + clockOffsetMs),
    selfAccessKeyId: setup.selfAccessKeyId,
    logger: {
      info: (message, extra) => send({ type: 'log', level: 'info', message, extra: cloneable(extra) }),
      warn: (message, extra) => send({ type: 'log', level: 'warn', message, extra: cloneable(extra) }),
    },
  },
  options,
);

port.on('message', (message: ToWorker) => {
  if (message.type === 'answer') {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.value);
    return;
  }
  const { id, settings, account, run } = message;
  clockOffsetMs = message.clockOffsetMs;
  const budget = {
    reserve: (wanted: number) => ask<number>({ method: 'reserve', audit: id, wanted }),
    settle: (granted: number, used: number) => ask<void>({ method: 'settle', audit: id, granted, used }),
  };
  auditAccount(deps, settings, account, { ...run, budget }).then(
    (outcome) => send({ type: 'outcome', id, outcome }),
    (error: unknown) =>
      send({
        type: 'failed',
        id,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});
