/**
 * Shared by the fault suite (test/faults/): a fixture of acme plus a seeded synthetic account, real
 * SDK clients signed into either account, an enforce run through `runAudit`, and snapshots of the
 * resulting IAM state read straight from the sandbox's memory (so reading never meets a fault).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import type { AuditDeps, AuditLogger } from '../../src/run-start.js';
import type { CallStats, RunningSandbox, SandboxOptions } from '../../src/sandbox/index.js';

export const ACME_ACCOUNT = '111111111111';
export const SYNTHETIC_ACCOUNT = '123456789012';
/** The acme fixture's auditor: the key the audit of acme signs with. */
export const ACME_AUDITOR_KEY = 'AKIAAUDITOR000000001';
/** The acme fixture's clock; the synthetic account's dates are relative to it. */
export const FIXTURE_NOW = new Date('2026-11-20T00:00:00Z');
export const FAULT_SEED = 'fault-suite';

export type AccountId = typeof ACME_ACCOUNT | typeof SYNTHETIC_ACCOUNT;
export const ACCOUNTS: readonly AccountId[] = [ACME_ACCOUNT, SYNTHETIC_ACCOUNT];

/** acme (events/sandbox/acme.json) plus a synthetic account of `syntheticUsers` users, fixed seed. */
export function faultFixture(syntheticUsers: number, faults: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    fixture: 'events/sandbox/acme.json',
    synthetic: { users: syntheticUsers, seed: FAULT_SEED, accountId: SYNTHETIC_ACCOUNT },
    seed: FAULT_SEED,
    ...faults,
  };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Credentials that act in `account`: acme's auditor key, or a role session in the synthetic
 * account (it has no auditor user; AssumeRole into any role name works in the sandbox). Sessions
 * are forgotten on `/_sandbox/reset`, so ask again after one.
 */
export async function credentialsFor(url: string, account: AccountId): Promise<Credentials> {
  if (account === ACME_ACCOUNT)
    return { accessKeyId: ACME_AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' };
  const sts = new STSClient({ region: 'us-east-1', endpoint: url, maxAttempts: 10 });
  const { Credentials: session } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/key-hygiene-auditor`,
      RoleSessionName: 'fault-suite',
    }),
  );
  if (!session?.AccessKeyId || !session.SecretAccessKey)
    throw new Error('AssumeRole returned no credentials');
  return {
    accessKeyId: session.AccessKeyId,
    secretAccessKey: session.SecretAccessKey,
    ...(session.SessionToken ? { sessionToken: session.SessionToken } : {}),
  };
}

/** A logger that keeps every line, as Powertools would print it, for assertions. */
export class RecordingLogger implements AuditLogger {
  readonly lines: { level: 'info' | 'warn'; message: string; extra: Record<string, unknown> }[] = [];
  info(message: string, extra: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, extra });
  }
}

/** Both inventory paths: `auto` reads the credential report for these whole-account audits. */
export const INVENTORY_SOURCES = ['auto', 'live'] as const;

/** The `source.kind` a report must carry when its run used `INVENTORY_SOURCE=source`. */
export const sourceKind = (source: (typeof INVENTORY_SOURCES)[number]) =>
  source === 'live' ? 'live-api' : 'credential-report';

/** The environment of an enforce run: a cap that the synthetic account cannot reach, wide concurrency. */
/** Enforce as before notices (NOTICES=off): the fault suite tests the first night's actions. */
export const ENFORCE_ENV = {
  MODE: 'enforce',
  NOTICES: 'off',
  MAX_ACTIONS_PER_RUN: '1000',
  CONCURRENCY: '32',
} as const;

export interface EnforceOptions {
  /** Attempts per IAM call, first included; 1 lets the injected faults reach the report. */
  iamMaxAttempts?: number;
  env?: Record<string, string>;
}

/** The audit's dependencies for one account, as the Lambda runtime would build them. */
export async function auditDeps(
  url: string,
  account: AccountId,
  options: EnforceOptions = {},
): Promise<AuditDeps> {
  const credentials = await credentialsFor(url, account);
  const clients: AwsClients = createClients({ endpoint: url, region: 'us-east-1', credentials });
  if (options.iamMaxAttempts !== undefined) {
    clients.iam = createClients({
      endpoint: url,
      region: 'us-east-1',
      credentials,
      maxAttempts: options.iamMaxAttempts,
    }).iam;
  }
  return {
    ...clients,
    region: 'us-east-1',
    clock: () => FIXTURE_NOW,
    selfAccessKeyId: credentials.accessKeyId,
    logger: new RecordingLogger(),
  };
}

/** One enforce run of one account through `runAudit`, as the scheduled function does it. */
export async function enforce(
  url: string,
  account: AccountId,
  options: EnforceOptions = {},
): Promise<AuditReport> {
  const deps = await auditDeps(url, account, options);
  return runAudit(deps, { settings: loadSettings({ ...ENFORCE_ENV, ...options.env }) });
}

/** One key's status and the user's key-hygiene deactivation tag for it, if any. */
export interface KeyState {
  status: 'Active' | 'Inactive';
  /** The tag's `<date> <rule>`; the run id that follows differs from run to run (see `tagRunId`). */
  tag: string | null;
}

/** The run id a deactivation tag names (its third word), or null. */
export function tagRunId(sandbox: RunningSandbox, ref: string): string | null {
  const [accountId, userName, keyId] = ref.split('/') as [string, string, string];
  const tag = sandbox.state.findUser(accountId, userName)?.tags.get(`key-hygiene:deactivated-${keyId}`);
  return tag?.split(' ')[2] ?? null;
}

/** `account/user/keyId` -> state, for every key of every user of the given accounts. */
export type IamState = Record<string, KeyState>;

/** Reads the IAM state straight from the sandbox (no request, so no fault and no call counted). */
export function iamState(sandbox: RunningSandbox, accounts: readonly AccountId[] = ACCOUNTS): IamState {
  const state: IamState = {};
  for (const accountId of accounts) {
    const account = sandbox.state.account(accountId);
    if (!account) throw new Error(`No account ${accountId} in the sandbox`);
    for (const user of account.userList) {
      for (const key of user.keys) {
        state[`${accountId}/${user.name}/${key.id}`] = {
          status: key.status,
          tag: user.tags.get(`key-hygiene:deactivated-${key.id}`)?.split(' ').slice(0, 2).join(' ') ?? null,
        };
      }
    }
  }
  return state;
}

/** Keys that are inactive in `after` but were active in `before`. */
export function deactivatedBetween(before: IamState, after: IamState): string[] {
  return Object.keys(after)
    .filter((ref) => before[ref]?.status === 'Active' && after[ref]?.status === 'Inactive')
    .sort();
}

/** The part of a key reference after the account: `user/keyId`. */
export const keyRefOf = (account: string, userName: string, accessKeyId: string): string =>
  `${account}/${userName}/${accessKeyId}`;

/** Successful calls of one IAM action (injected faults and error answers excluded). */
export function okCalls(stats: CallStats, action: string): number {
  const counts = stats.services.iam?.actions[action];
  return counts ? counts.total - counts.throttled - counts.failed - counts.errors : 0;
}

export async function callStats(url: string): Promise<CallStats> {
  return (await (await fetch(`${url}/_sandbox/calls`)).json()) as CallStats;
}

export async function resetSandbox(url: string): Promise<void> {
  await fetch(`${url}/_sandbox/reset`, { method: 'POST' });
}

/** The keys a report says were deactivated, as `account/user/keyId`. */
export function appliedRefs(report: AuditReport): string[] {
  return report.actions
    .filter((action) => action.status === 'applied')
    .map((action) => keyRefOf(report.accountId, action.userName, action.accessKeyId))
    .sort();
}

/**
 * Why a key the fault-free run deactivated was not deactivated by this run, according to its
 * report: its action (failed or skipped, with the reason), an error on the key or its user, a
 * listing error, or the user in `notReached`. Null when the report does not account for it.
 */
export function accountedFor(report: AuditReport, userName: string, accessKeyId: string): string | null {
  const action = report.actions.find((a) => a.userName === userName && a.accessKeyId === accessKeyId);
  if (action) return `${action.status}: ${action.reason ?? ''} ${action.error?.code ?? ''}`.trim();
  const error = report.errors.find(
    (e) => e.userName === userName && (e.accessKeyId === null || e.accessKeyId === accessKeyId),
  );
  if (error) return `error ${error.operation} ${error.code}`;
  if (report.notReached.includes(userName)) return 'not reached';
  const listing = report.errors.find((e) => e.userName === null);
  if (listing && !report.complete) return `listing error ${listing.operation} ${listing.code}`;
  return null;
}

/**
 * What a run must never leave behind, whatever the faults: a key inactive that the fault-free run
 * left active, or a deactivation record (tag) that the fault-free run would not have written.
 * Returns one line per violation; empty when all is well.
 */
export function wrongChanges(initial: IamState, baseline: IamState, current: IamState): string[] {
  const problems: string[] = [];
  for (const [ref, now] of Object.entries(current)) {
    const before = initial[ref];
    const expected = baseline[ref];
    if (now.status === 'Inactive' && before?.status === 'Active' && expected?.status !== 'Inactive') {
      problems.push(`${ref} deactivated, but the fault-free run leaves it active`);
    }
    if (now.tag !== null && now.tag !== expected?.tag) {
      problems.push(
        `${ref} tagged ${JSON.stringify(now.tag)}, the fault-free run tags ${expected?.tag ?? 'nothing'}`,
      );
    }
  }
  return problems;
}

/** The fault-free enforce run of every account, from the fixture as loaded. */
export async function faultFreeBaseline(
  sandbox: RunningSandbox,
): Promise<{ initial: IamState; baseline: IamState; deactivated: string[]; reports: AuditReport[] }> {
  await resetSandbox(sandbox.url);
  const initial = iamState(sandbox);
  const reports = await Promise.all(ACCOUNTS.map((account) => enforce(sandbox.url, account)));
  const baseline = iamState(sandbox);
  await resetSandbox(sandbox.url);
  return { initial, baseline, deactivated: deactivatedBetween(initial, baseline), reports };
}
