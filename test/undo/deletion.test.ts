import { ListUserTagsCommand, TagUserCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, PlannedAction } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import { AUDITOR_KEY, daysAgo, KEYS, relativeFixture } from '../support/relative-fixture.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

const T0 = new Date('2026-11-20T03:00:00Z');
const DAY_MS = 86_400_000;
const HAND_KEY = 'AKIAHANDOFF000000001';
const OLD_TAG_KEY = 'AKIAOLDTAG0000000001';
const FORGED_KEY = 'AKIAFORGED0000000001';
const FORGED_RUN = '20260812T030000Z-f0f0f0';
/** Every run archives here: a deletion needs the deactivating run's archived report. */
const BUCKET = 'key-hygiene-test-reports';

let deps: AuditDeps;

/** The relative fixture pinned at T0, plus two inactive keys key-hygiene must never delete. */
function fixture() {
  const base = relativeFixture(T0);
  const account = base.accounts[0];
  if (!account) throw new Error('fixture without an account');
  account.users = [
    ...(account.users ?? []),
    {
      name: 'hand-hank',
      createDate: daysAgo(T0, 900),
      // Deactivated by a person long ago: no key-hygiene tag.
      accessKeys: [
        {
          id: HAND_KEY,
          status: 'Inactive',
          createDate: daysAgo(T0, 800),
          lastUsed: { date: daysAgo(T0, 400), service: 's3', region: 'us-east-1' },
        },
      ],
    },
    {
      name: 'old-tag-olga',
      createDate: daysAgo(T0, 900),
      // The two-part tag of a version that did not record run ids.
      tags: { [`key-hygiene:deactivated-${OLD_TAG_KEY}`]: `${daysAgo(T0, 100).slice(0, 10)} unused-key` },
      accessKeys: [
        {
          id: OLD_TAG_KEY,
          status: 'Inactive',
          createDate: daysAgo(T0, 800),
          lastUsed: { date: daysAgo(T0, 200), service: 's3', region: 'us-east-1' },
        },
      ],
    },
  ];
  account.buckets = [{ name: BUCKET }];
  return { ...base, now: T0.toISOString() };
}

const env = useSandbox(fixture);

async function moveClock(days: number): Promise<void> {
  const now = new Date(T0.getTime() + days * DAY_MS).toISOString();
  const response = await fetch(`${env.sandbox.url}/_sandbox/clock`, {
    method: 'POST',
    body: JSON.stringify({ now }),
  });
  expect(response.status).toBe(200);
}

function enforce(env: Record<string, string> = {}): Promise<AuditReport> {
  return runAudit(deps, {
    settings: loadSettings({ MODE: 'enforce', NOTICES: 'off', REPORT_BUCKET: BUCKET, ...env }),
  });
}

const keyIds = (userName: string) => keyStatuses(env.iam, userName);

async function tagKeys(userName: string): Promise<string[]> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Tags.map((tag) => tag.Key ?? '').filter((key) => key.startsWith('key-hygiene:deactivated-'));
}

const deletions = (report: AuditReport) => report.actions.filter((action) => action.action === 'delete');

describe('Deletion by inactive-key-cleanup, against the sandbox with its clock', () => {
  beforeAll(() => {
    const { sandbox } = env;
    const clients = createClients({ endpoint: sandbox.url, region: 'us-east-1', maxAttempts: 1 });
    deps = {
      ...clients,
      region: 'us-east-1',
      // The auditor runs on the sandbox's clock, so moving it moves the whole account's time.
      clock: () => sandbox.state.clock.now(),
      selfAccessKeyId: AUDITOR_KEY,
      logger: { info: () => {}, warn: () => {} },
    };
  });

  it('deletes a key only in a later run, CLEANUP_DAYS after key-hygiene deactivated it, and removes the tag', async () => {
    // Prepare: the run that deactivates has cleanup on, and still deletes nothing.
    const first = await enforce({ CLEANUP_ENABLED: 'true' });
    expect(first.actions.filter((a) => a.status === 'applied').map((a) => [a.action, a.accessKeyId])).toEqual(
      [
        ['deactivate', KEYS.neverUsedOld],
        ['deactivate', KEYS.stale],
      ],
    );
    expect(deletions(first).filter((a) => a.status !== 'skipped')).toEqual([]);
    // Ten days later: too early.
    await moveClock(10);
    const early = await enforce({ CLEANUP_ENABLED: 'true' });
    expect(deletions(early)).toEqual([]);
    expect(await keyIds('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    // Thirty days later.
    await moveClock(30);
    // Act
    const later = await enforce({ CLEANUP_ENABLED: 'true' });
    // Assess
    expect(deletions(later).map((a) => [a.accessKeyId, a.status, a.reason])).toEqual([
      [KEYS.neverUsedOld, 'applied', null],
      [KEYS.stale, 'applied', null],
    ]);
    expect(await keyIds('stale-sam')).toEqual({});
    expect(await keyIds('never-nina')).toEqual({});
    expect(await tagKeys('stale-sam')).toEqual([]);
    // Never a key without our tag, or with a tag that names no run: those are only reported.
    expect(await keyIds('hand-hank')).toEqual({ [HAND_KEY]: 'Inactive' });
    expect(await keyIds('old-tag-olga')).toEqual({ [OLD_TAG_KEY]: 'Inactive' });
    const notified = later.findings
      .filter((f) => f.ruleId === 'inactive-key-cleanup' && f.action === 'notify')
      .map((f) => f.userName);
    // Named by user and slot: the credential report (the default source) has no key ids, and a
    // key that is only reported is not read live.
    expect(notified.sort()).toEqual(['hand-hank', 'old-tag-olga']);
    expect(later.summary.actionsApplied).toBe(2);
  });

  it('deletes nothing with cleanup off (the default), and only plans in report mode', async () => {
    // Prepare
    await enforce();
    await moveClock(31);
    // Act
    const off = await enforce();
    const preview = await runAudit(deps, {
      settings: loadSettings({ MODE: 'report', CLEANUP_ENABLED: 'true', REPORT_BUCKET: BUCKET }),
    });
    // Assess
    expect(deletions(off)).toEqual([]);
    expect(off.findings.some((f) => f.ruleId === 'inactive-key-cleanup')).toBe(false);
    expect(deletions(preview).map((a) => [a.accessKeyId, a.status, a.reason])).toEqual([
      [KEYS.neverUsedOld, 'planned', 'report mode: would delete'],
      [KEYS.stale, 'planned', 'report mode: would delete'],
    ]);
    expect(await keyIds('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
  });

  it('counts deletions against the blast-radius cap', async () => {
    // Prepare
    await enforce();
    await moveClock(31);
    // Act
    const capped = await enforce({ CLEANUP_ENABLED: 'true', MAX_ACTIONS_PER_RUN: '1' });
    // Assess
    expect(deletions(capped).map((a) => a.status)).toEqual(['skipped', 'skipped']);
    expect(capped.findings[0]).toMatchObject({ ruleId: 'blast-radius-cap', severity: 'critical' });
    expect(await keyIds('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
  });

  it('re-checks live right before deleting: a key reactivated since the plan is left alone', async () => {
    // Prepare
    const first = await enforce();
    await moveClock(31);
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Active' }),
    );
    const planned: PlannedAction = {
      action: 'delete',
      ruleId: 'inactive-key-cleanup',
      userName: 'stale-sam',
      key: { kind: 'id', accessKeyId: KEYS.stale },
      status: 'planned',
      reason: null,
      error: null,
    };
    // Act
    const [sameRun] = await applyActions(
      {
        iam: env.iam,
        now: env.sandbox.state.clock.now(),
        unusedKeyDays: 90,
        deleteAfterDays: 30,
        runId: first.runId,
      },
      [{ ...planned, userName: 'never-nina', key: { kind: 'id', accessKeyId: KEYS.neverUsedOld } }],
    );
    const [reactivated] = await applyActions(
      {
        iam: env.iam,
        now: env.sandbox.state.clock.now(),
        unusedKeyDays: 90,
        deleteAfterDays: 30,
        runId: '20270101T000000Z-0a0b0c',
      },
      [planned],
    );
    // Assess
    expect(sameRun).toMatchObject({
      status: 'skipped',
      reason: 'live check: deactivated by this same run; only a later run may delete it; not deleted',
    });
    expect(reactivated).toMatchObject({
      status: 'skipped',
      reason: 'live check: the key is Active, not Inactive; not deleted',
    });
    expect(await keyIds('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
    expect(await keyIds('never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Inactive' });
  });
});

describe('Deletion trusts the archive, not the tag alone', () => {
  const forgedEnv = useSandbox(() => {
    const base = fixture();
    const account = base.accounts[0];
    if (!account) throw new Error('fixture without an account');
    account.users = [
      ...(account.users ?? []),
      {
        name: 'forged-fay',
        createDate: daysAgo(T0, 900),
        // A tag anyone allowed to tag users could write, naming a run whose archive never listed it.
        tags: {
          [`key-hygiene:deactivated-${FORGED_KEY}`]: `${daysAgo(T0, 100).slice(0, 10)} unused-key ${FORGED_RUN}`,
        },
        accessKeys: [
          {
            id: FORGED_KEY,
            status: 'Inactive',
            createDate: daysAgo(T0, 800),
            lastUsed: { date: daysAgo(T0, 200), service: 's3', region: 'us-east-1' },
          },
        ],
      },
    ];
    return base;
  });

  it('never deletes a key whose tag names a run that did not deactivate it, and says why', async () => {
    // Prepare
    const clients = createClients({ endpoint: forgedEnv.sandbox.url, region: 'us-east-1', maxAttempts: 1 });
    const forgedDeps: AuditDeps = { ...deps, ...clients, clock: () => forgedEnv.sandbox.state.clock.now() };
    // Act
    const report = await runAudit(forgedDeps, {
      settings: loadSettings({
        MODE: 'enforce',
        NOTICES: 'off',
        CLEANUP_ENABLED: 'true',
        REPORT_BUCKET: BUCKET,
      }),
    });
    // Assess
    expect(deletions(report).find((a) => a.accessKeyId === FORGED_KEY)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(
        /^the deactivating run's archived report cannot confirm it: s3:\/\/key-hygiene-test-reports\/reports\/\d{12}\/2026\/08\/12\/20260812T030000Z-f0f0f0\.json could not be read/,
      ),
    });
    expect(await keyStatuses(forgedEnv.iam, 'forged-fay')).toEqual({ [FORGED_KEY]: 'Inactive' });
  });

  it('never deletes a key whose tag names a real, archived run that did not list it', async () => {
    // Prepare: a real run deactivates and archives; then someone copies its run id into a tag.
    const clients = createClients({ endpoint: forgedEnv.sandbox.url, region: 'us-east-1', maxAttempts: 1 });
    const forgedDeps: AuditDeps = { ...deps, ...clients, clock: () => forgedEnv.sandbox.state.clock.now() };
    const settings = loadSettings({
      MODE: 'enforce',
      NOTICES: 'off',
      CLEANUP_ENABLED: 'true',
      REPORT_BUCKET: BUCKET,
    });
    const first = await runAudit(forgedDeps, { settings });
    await forgedEnv.iam.send(
      new TagUserCommand({
        UserName: 'forged-fay',
        Tags: [
          { Key: `key-hygiene:deactivated-${FORGED_KEY}`, Value: `2026-11-20 unused-key ${first.runId}` },
        ],
      }),
    );
    const response = await fetch(`${forgedEnv.sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: new Date(T0.getTime() + 31 * DAY_MS).toISOString() }),
    });
    expect(response.status).toBe(200);
    // Act
    const later = await runAudit(forgedDeps, { settings });
    // Assess
    expect(deletions(later).find((a) => a.accessKeyId === FORGED_KEY)).toMatchObject({
      status: 'skipped',
      reason: `the archived report of run ${first.runId} does not list this key as deactivated, so its tag is not key-hygiene's record; not deleted`,
    });
    expect(await keyStatuses(forgedEnv.iam, 'forged-fay')).toEqual({ [FORGED_KEY]: 'Inactive' });
    // The keys that run did deactivate are deleted as usual.
    expect(
      deletions(later)
        .filter((a) => a.status === 'applied')
        .map((a) => a.accessKeyId),
    ).toEqual([KEYS.neverUsedOld, KEYS.stale]);
  });
});
