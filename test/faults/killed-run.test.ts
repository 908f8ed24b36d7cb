import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { TagUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { deactivationTagKey } from '../../src/evaluate/tags.js';
import {
  ACCOUNTS,
  appliedRefs,
  callStats,
  credentialsFor,
  deactivatedBetween,
  enforce,
  INVENTORY_SOURCES,
  iamState,
  okCalls,
  resetSandbox,
  SYNTHETIC_ACCOUNT,
  sourceKind,
  tagRunId,
  wrongChanges,
} from '../support/fault-audit.js';
import { type FaultSandbox, useFaultSandbox } from '../support/fault-suite.js';

/** Starts an enforce run of both accounts in a child process, as a Lambda would run it. */
function startAuditProcess(url: string, source: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/support/run-audit.ts', url], {
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      INVENTORY_SOURCE: source,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits until the sandbox has answered every request still in flight from a dead client. */
async function settled(url: string): Promise<void> {
  let last = -1;
  for (;;) {
    const { total } = await callStats(url);
    if (total === last) return;
    last = total;
    await sleep(150);
  }
}

describe('Fault suite: the audit process killed in the middle of an enforce run', () => {
  const suite = useFaultSandbox(200);

  it.each(INVENTORY_SOURCES)(
    'leaves no wrong change, and the rerun finishes exactly what the killed run did not (INVENTORY_SOURCE=%s)',
    {
      timeout: 60_000,
    },
    async (source) => {
      const { sandbox, initial, baseline, deactivated: baselineDeactivated } = suite;
      // Prepare: a little latency, so the actions take a few seconds and the kill lands among them.
      await resetSandbox(sandbox.url);
      sandbox.faults.configure({ latencyMs: 10 });
      const child = startAuditProcess(sandbox.url, source);
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      // Act: SIGKILL once some keys, but not all, have been deactivated.
      let updatesAtKill = 0;
      for (;;) {
        updatesAtKill = okCalls(await callStats(sandbox.url), 'UpdateAccessKey');
        if (updatesAtKill >= 10 || child.exitCode !== null) break;
        await sleep(5);
      }
      child.kill('SIGKILL');
      const signal = await exited;
      await settled(sandbox.url);
      sandbox.faults.configure({ latencyMs: 0 });
      // Assess the killed run's leftovers.
      expect(signal, stderr).toBe('SIGKILL');
      const killedUpdates = okCalls(await callStats(sandbox.url), 'UpdateAccessKey');
      expect(killedUpdates).toBeGreaterThanOrEqual(10);
      expect(killedUpdates).toBeLessThan(baselineDeactivated.length);
      const afterKill = iamState(sandbox);
      expect(wrongChanges(initial, baseline, afterKill)).toEqual([]);
      const doneByKilledRun = deactivatedBetween(initial, afterKill);
      expect(doneByKilledRun).toHaveLength(killedUpdates);

      // Act: the rerun.
      const env = { INVENTORY_SOURCE: source };
      const rerun = await Promise.all(ACCOUNTS.map((account) => enforce(sandbox.url, account, { env })));
      expect(rerun.map((report) => report.source.kind)).toEqual(ACCOUNTS.map(() => sourceKind(source)));
      // Assess: the fault-free state; only the unfinished actions applied; no key deactivated twice.
      const final = iamState(sandbox);
      expect(wrongChanges(initial, baseline, final)).toEqual([]);
      expect(final).toEqual(baseline);
      const unfinished = baselineDeactivated.filter((ref) => !doneByKilledRun.includes(ref));
      expect(rerun.flatMap(appliedRefs).sort()).toEqual(unfinished);
      // Each record names the run that deactivated the key: the rerun for the ones it finished.
      for (const report of rerun) {
        for (const ref of appliedRefs(report)) expect(tagRunId(sandbox, ref), ref).toBe(report.runId);
      }
      const rerunUpdates = okCalls(await callStats(sandbox.url), 'UpdateAccessKey') - killedUpdates;
      expect(rerunUpdates).toBe(unfinished.length);
      expect(rerun.flatMap((report) => report.errors)).toEqual([]);
    },
  );

  it('completes a deactivation whose record was written just before the process died', async () => {
    const { sandbox, baseline } = suite;
    // Prepare: the state a kill between TagUser and UpdateAccessKey leaves: the record, key active.
    await resetSandbox(sandbox.url);
    const ref = syntheticRef(suite);
    await writeRecordOnly(suite, ref);
    expect(iamState(sandbox)[ref]).toEqual({ status: 'Active', tag: baseline[ref]?.tag });
    // Act
    const rerun = await Promise.all(ACCOUNTS.map((account) => enforce(sandbox.url, account)));
    // Assess
    expect(iamState(sandbox)).toEqual(baseline);
    expect(rerun.flatMap(appliedRefs)).toContain(ref);
  });

  it('reports a record left on a key that was used before the rerun, and leaves the key active', async () => {
    const { sandbox, initial, baseline } = suite;
    // Prepare: the record alone, then the key signs a request, so it is no longer unused.
    await resetSandbox(sandbox.url);
    const ref = syntheticRef(suite);
    const [, userName, accessKeyId] = ref.split('/') as [string, string, string];
    await writeRecordOnly(suite, ref);
    const asKey = createClients({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey: 'sandbox-placeholder' },
    });
    await asKey.sts.send(new GetCallerIdentityCommand({}));
    // Act
    const rerun = await Promise.all(ACCOUNTS.map((account) => enforce(sandbox.url, account)));
    // Assess
    expect(iamState(sandbox)[ref]).toEqual({ status: 'Active', tag: baseline[ref]?.tag });
    const synthetic = rerun.find((report) => report.accountId === SYNTHETIC_ACCOUNT);
    expect(synthetic?.actions.find((a) => a.accessKeyId === accessKeyId)).toBeUndefined();
    expect(synthetic?.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'unfinished-deactivation',
        userName,
        accessKeyId,
        action: 'notify',
        message: expect.stringMatching(
          /is active: an earlier run recorded the deactivation and stopped before it/,
        ),
      }),
    );
    expect(wrongChanges(initial, baseline, iamState(sandbox))).toEqual([]);
  });
});

/** A key of the synthetic account that the fault-free run deactivates. */
function syntheticRef(suite: FaultSandbox): string {
  return suite.deactivated.find((ref) => ref.startsWith(`${SYNTHETIC_ACCOUNT}/`)) as string;
}

/** Writes the deactivation record the fault-free run writes for `ref`, and nothing else. */
async function writeRecordOnly({ sandbox, baseline }: FaultSandbox, ref: string): Promise<void> {
  const [, userName, accessKeyId] = ref.split('/') as [string, string, string];
  const { iam } = createClients({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: await credentialsFor(sandbox.url, SYNTHETIC_ACCOUNT),
  });
  await iam.send(
    new TagUserCommand({
      UserName: userName,
      // As the killed run would have written it, naming that run.
      Tags: [
        { Key: deactivationTagKey(accessKeyId), Value: `${baseline[ref]?.tag} 20261120T000000Z-0dead0` },
      ],
    }),
  );
}
