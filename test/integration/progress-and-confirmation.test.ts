import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditAccount, NOT_CONFIRMED_REASON } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { deliverReport } from '../../src/deliver.js';
import type { ProgressEvent } from '../../src/progress.js';
import type { ActionsToConfirm, AuditDeps } from '../../src/run-start.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { keyStatuses } from '../support/sandbox-lifecycle.js';

const AUDITOR_KEY = 'AKIAAUDITOR000000001';
/** A synthetic account of 600 users (an unknown key acts in it), and the acme fixture. */
let large: RunningSandbox;
let acme: RunningSandbox;

function depsFor(
  sandbox: RunningSandbox,
  extra: Partial<AuditDeps> = {},
): AuditDeps & { logged: Record<string, unknown>[] } {
  const clients = createClients({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'not-checked' },
  });
  const logged: Record<string, unknown>[] = [];
  return {
    ...clients,
    region: 'us-east-1',
    clock: () => sandbox.state.clock.now(),
    selfAccessKeyId: AUDITOR_KEY,
    logger: {
      info: (message, extra) => {
        if (message === 'progress') logged.push(extra);
      },
      warn: () => undefined,
    },
    sleep: async (ms) => sandbox.state.clock.advance(ms),
    logged,
    ...extra,
  };
}

const ENFORCE = {
  MODE: 'enforce',
  NOTICES: 'off',
  REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:key-hygiene-reports',
};

// A whole account read, planned and enforced: up to a minute on a loaded machine.
describe('Pipeline: progress events and the enforce confirmation', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    large = await startSandbox({ synthetic: { users: 600 } });
    acme = await startSandbox({ fixture: 'events/sandbox/acme.json' });
  });
  afterAll(async () => {
    await Promise.all([large.close(), acme.close()]);
  });
  beforeEach(async () => {
    for (const sandbox of [large, acme]) await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });

  it('reports every phase in order, users counted against the total, and logs only a few of them', async () => {
    // Prepare
    const events: ProgressEvent[] = [];
    const deps = depsFor(large, { onProgress: (event) => events.push(event) });
    const { TopicArn } = await deps.sns.send(new CreateTopicCommand({ Name: 'key-hygiene-reports' }));
    const settings = loadSettings({
      ...ENFORCE,
      MAX_ACTIONS_PER_RUN: '1000',
      REPORT_TOPIC_ARN: TopicArn ?? '',
    });
    // Act
    const { report } = await auditAccount(deps, { settings });
    await deliverReport(deps, settings, report);
    // Assess: phases in run order, each from 0
    const phases = events.map((e) => e.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['credential-report', 'users', 'resolving', 'applying', 'publishing']);
    expect(events[0]).toEqual({ phase: 'credential-report', done: 0, total: null });
    const users = events.filter((e) => e.phase === 'users');
    expect(users.at(-1)).toEqual({ phase: 'users', done: 600, total: 600 });
    expect(users.every((e) => e.total === 600 && e.done <= 600)).toBe(true);
    const applying = events.filter((e) => e.phase === 'applying');
    const planned = report.actions.length;
    expect(planned).toBeGreaterThan(50);
    expect(applying.map((e) => e.done)).toEqual(Array.from({ length: planned + 1 }, (_, i) => i));
    expect(applying.every((e) => e.total === planned)).toBe(true);
    // Publishing: the full report, then one message per team (the synthetic users carry team tags)
    const last = events.at(-1);
    expect(last?.phase).toBe('publishing');
    expect(last?.done).toBe(last?.total);
    expect(last?.done).toBeGreaterThan(1);
    // The Lambda log gets each phase's start and end (and every 500th item), not every event.
    expect(deps.logged.filter((e) => e.phase === 'users').map((e) => e.done)).toEqual([0, 600]);
    expect(deps.logged.length).toBeLessThan(events.length / 10);
    expect(deps.logged.every((e) => e.runId === report.runId)).toBe(true);
  });

  it('counts users on the live path against GetAccountSummary', async () => {
    // Prepare
    const events: ProgressEvent[] = [];
    const deps = depsFor(large, { onProgress: (event) => events.push(event) });
    // Act
    await auditAccount(deps, { settings: loadSettings({ INVENTORY_SOURCE: 'live' }) });
    // Assess
    const users = events.filter((e) => e.phase === 'users');
    expect(users.at(-1)).toEqual({ phase: 'users', done: 600, total: 600 });
    expect(users.filter((e) => e.total === null).length).toBeLessThan(users.length / 2);
    // One event per user; the log gets the start, every 500th user and the end.
    expect(users).toHaveLength(601);
    expect(deps.logged.filter((e) => e.phase === 'users').map((e) => e.done)).toEqual([0, 500, 600]);
  });

  it('asks once with the counts before applying, and on no applies nothing and says why', async () => {
    // Prepare
    const asked: ActionsToConfirm[] = [];
    const deps = depsFor(acme, {
      confirmActions: async (request) => {
        asked.push(request);
        return false;
      },
    });
    // Act
    const { report } = await auditAccount(deps, { settings: loadSettings(ENFORCE), users: ['bob', 'carol'] });
    // Assess
    expect(asked).toEqual([{ accountId: '111111111111', deactivations: 2, deletions: 0 }]);
    expect(report.actions.map((a) => [a.userName, a.status, a.reason])).toEqual([
      ['bob', 'skipped', NOT_CONFIRMED_REASON],
      ['carol', 'skipped', NOT_CONFIRMED_REASON],
    ]);
    const iam = deps.iam as Parameters<typeof keyStatuses>[0];
    expect(Object.values(await keyStatuses(iam, 'bob'))).toEqual(['Active']);
  });

  it('does not ask in report mode, nor when nothing is planned', async () => {
    // Prepare
    let asked = 0;
    const confirmActions = async () => {
      asked += 1;
      return true;
    };
    // Act
    await auditAccount(depsFor(acme, { confirmActions }), { settings: loadSettings({}), users: ['bob'] });
    await auditAccount(depsFor(acme, { confirmActions }), {
      settings: loadSettings(ENFORCE),
      users: ['alice'],
    });
    // Assess
    expect(asked).toBe(0);
  });
});
