import { DeleteAccessKeyCommand, TagUserCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import {
  type AwsSecurityFinding,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const FIXTURE = 'events/sandbox/acme.json';
const PROD = '111111111111';
const DEV = '222222222222';
const REGION = 'eu-west-1';
const AUDITOR_KEY = 'AKIAAUDITOR000000001';
const PRODUCT = (account: string) => `arn:aws:securityhub:${REGION}:${account}:product/${account}/default`;
const NIGHT = (day: number) => `2026-11-${String(day).padStart(2, '0')}T03:00:00.000Z`;
const id = (rule: string, subject: string) => `key-hygiene/${PROD}/${rule}/${subject}`;
const BOB_UNUSED = id('unused-key', 'bob/2025-03-10T12:00:00.000Z');
const BOB_ROTATION = id('rotation-overdue', 'bob/2025-03-10T12:00:00.000Z');
const CAROL_UNUSED = id('unused-key', 'carol/2024-11-02T16:20:00.000Z');
const ERIN_UNUSED = id('unused-key', 'erin/2026-06-01T09:00:00.000Z');
const DAVE_UNUSED = id('unused-key', 'dave/2026-01-15T10:00:00.000Z');

describe('Security Hub export: nightly runs against the sandbox', () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: FIXTURE });
    clients = createClients({
      endpoint: sandbox.url,
      region: REGION,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 2,
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.reset();
  });

  const depsFor = (c: AwsClients, selfKey: string | null = AUDITOR_KEY): AuditDeps => ({
    ...c,
    region: REGION,
    clock: () => sandbox.state.clock.now(),
    selfAccessKeyId: selfKey,
    logger: { info: () => undefined, warn: () => undefined },
  });

  /** One nightly run at `night` (the sandbox clock), with the export on. */
  async function nightly(night: string, env: Record<string, string> = {}, c = clients): Promise<AuditReport> {
    sandbox.state.clock.set(night);
    // The rules' own severities: privilege weighting is tested on its own (test/privilege).
    return runAudit(depsFor(c), {
      settings: loadSettings({ SECURITY_HUB: 'on', PRIVILEGE_WEIGHTING: 'off', NOTICES: 'off', ...env }),
    });
  }

  /** Every finding of the account's Security Hub, as GetFindings returns them, by Id. */
  async function hub(c = clients): Promise<Map<string, AwsSecurityFinding>> {
    const found = new Map<string, AwsSecurityFinding>();
    let token: string | undefined;
    do {
      const page = await c.securityHub.send(new GetFindingsCommand({ NextToken: token }));
      for (const f of page.Findings ?? []) found.set(f.Id ?? '', f);
      token = page.NextToken;
    } while (token);
    return found;
  }

  it('creates the findings on the first night, updates them in place on the second, archives the fixed ones on the third', async () => {
    // Prepare: night 1
    const first = await nightly(NIGHT(20));
    const night1 = await hub();
    // Act: bob's key is deactivated by hand before night 2; carol's deleted and erin exempted before night 3
    await clients.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'bob',
        AccessKeyId: 'AKIABOB0000000000001',
        Status: 'Inactive',
      }),
    );
    const second = await nightly(NIGHT(21));
    const night2 = await hub();
    await clients.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'carol', AccessKeyId: 'AKIACAROL00000000001' }),
    );
    await clients.iam.send(
      new TagUserCommand({ UserName: 'erin', Tags: [{ Key: 'key-hygiene:exempt', Value: 'true' }] }),
    );
    const third = await nightly(NIGHT(22));
    const night3 = await hub();

    // Assess night 1: one active, failing finding per report finding, under the account's product
    expect(first.errors).toEqual([]);
    expect(night1.size).toBe(first.findings.length);
    for (const finding of night1.values()) {
      expect(finding).toMatchObject({
        ProductArn: PRODUCT(PROD),
        AwsAccountId: PROD,
        RecordState: 'ACTIVE',
        Compliance: { Status: 'FAILED' },
        CreatedAt: NIGHT(20),
        UpdatedAt: NIGHT(20),
        Workflow: { Status: 'NEW' },
      });
      expect(finding.GeneratorId).toMatch(/^key-hygiene\/[a-z-]+$/);
      expect(finding.ProductFields?.['key-hygiene/RunId']).toBe(first.runId);
    }
    expect(night1.get(BOB_UNUSED)?.FirstObservedAt).toBe('2026-10-06T14:30:00.000Z');

    // Assess night 2: bob's two findings archived and passed; the others updated in place
    expect(second.errors).toEqual([]);
    for (const bobs of [BOB_UNUSED, BOB_ROTATION]) {
      expect(night2.get(bobs)).toMatchObject({
        RecordState: 'ARCHIVED',
        Compliance: { Status: 'PASSED' },
        UpdatedAt: NIGHT(21),
      });
      expect(night2.get(bobs)?.ProductFields?.['key-hygiene/Resolution']).toContain(second.runId);
    }
    const stillActive = [...night2.values()].filter((f) => f.RecordState === 'ACTIVE');
    expect(stillActive.length).toBe(second.findings.length);
    for (const finding of stillActive) {
      const before = night1.get(finding.Id ?? '');
      expect(before, `${finding.Id} was already there on night 1`).toBeDefined();
      expect(finding.FirstObservedAt).toBe(before?.FirstObservedAt);
      expect(finding.CreatedAt).toBe(NIGHT(20));
      expect(finding.UpdatedAt).toBe(NIGHT(21));
      expect(finding.ProductFields?.['key-hygiene/RunId']).toBe(second.runId);
    }

    // Assess night 3: carol's and erin's findings archived; nothing else changed state
    expect(third.errors).toEqual([]);
    for (const closed of [CAROL_UNUSED, ERIN_UNUSED]) {
      expect(night3.get(closed)).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
    }
    const archived = [...night3.values()].filter((f) => f.RecordState === 'ARCHIVED').map((f) => f.Id);
    expect(archived.length).toBe(night1.size - third.findings.length);
    expect(night3.get(DAVE_UNUSED)).toMatchObject({
      RecordState: 'ACTIVE',
      CreatedAt: NIGHT(20),
      UpdatedAt: NIGHT(22),
    });
  });

  it('keeps the same finding whichever inventory path a night takes (credential report, then live API)', async () => {
    // Act
    const first = await nightly(NIGHT(20));
    const second = await nightly(NIGHT(21), { INVENTORY_SOURCE: 'live' });
    const found = await hub();
    // Assess
    expect(first.source.kind).toBe('credential-report');
    expect(second.source.kind).toBe('live-api');
    expect([...found.values()].filter((f) => f.RecordState === 'ARCHIVED')).toEqual([]);
    expect(found.size).toBe(first.findings.length);
    for (const finding of found.values()) expect(finding.UpdatedAt, finding.Id).toBe(NIGHT(21));
  });

  it('sends a changed severity in FindingProviderFields and leaves the first-observed date alone', async () => {
    // Prepare: dave's key is in the warning window (low) on the 20th and due (high) on the 30th
    await nightly(NIGHT(20));
    const before = (await hub()).get(DAVE_UNUSED);
    // Act
    await nightly(NIGHT(30));
    const after = (await hub()).get(DAVE_UNUSED);
    // Assess
    expect(before).toMatchObject({ Severity: { Label: 'LOW' }, FirstObservedAt: '2026-11-15T11:00:00.000Z' });
    expect(after).toMatchObject({
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' } },
      Severity: { Label: 'HIGH' },
      FirstObservedAt: '2026-11-15T11:00:00.000Z',
      CreatedAt: NIGHT(20),
    });
  });

  it("keeps an analyst's triaged severity (BatchUpdateFindings) through the next nights' imports", async () => {
    // Prepare: night 1; the analyst lowers bob's unused key to LOW and raises dave's to CRITICAL
    await nightly(NIGHT(20));
    const before = await hub();
    await clients.securityHub.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: BOB_UNUSED, ProductArn: PRODUCT(PROD) }],
        Severity: { Label: 'LOW' },
        Note: { Text: 'SEC-7: bob leaves on Friday', UpdatedBy: 'analyst' },
      }),
    );
    await clients.securityHub.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: DAVE_UNUSED, ProductArn: PRODUCT(PROD) }],
        Severity: { Label: 'CRITICAL' },
      }),
    );
    // Act: the next night, and the 30th, when dave's key is due and the rule says HIGH
    const second = await nightly(NIGHT(21));
    const night2 = await hub();
    await nightly(NIGHT(30));
    const night30 = await hub();
    // Assess
    expect(second.errors).toEqual([]);
    expect(before.get(BOB_UNUSED)?.Severity?.Label).toBe('HIGH');
    expect(before.get(DAVE_UNUSED)?.Severity?.Label).toBe('LOW');
    expect(night2.get(BOB_UNUSED)).toMatchObject({
      Severity: { Label: 'LOW' },
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
      Note: { Text: 'SEC-7: bob leaves on Friday' },
      UpdatedAt: NIGHT(21),
    });
    expect(night30.get(DAVE_UNUSED)).toMatchObject({
      Severity: { Label: 'CRITICAL' },
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' } },
      UpdatedAt: NIGHT(30),
    });
  });

  it("never touches the people's triage: Note and Workflow survive every night", async () => {
    // Prepare
    await nightly(NIGHT(20));
    const stored = sandbox.state.securityHub.find(PROD, PRODUCT(PROD), CAROL_UNUSED);
    if (!stored) throw new Error('carol has no finding');
    stored.Workflow = { Status: 'NOTIFIED' };
    stored.Note = { Text: 'SEC-42: carol is on leave', UpdatedBy: 'analyst', UpdatedAt: NIGHT(20) };
    // Act
    const report = await nightly(NIGHT(21));
    const after = (await hub()).get(CAROL_UNUSED);
    // Assess
    expect(report.errors).toEqual([]);
    expect(after).toMatchObject({
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: 'SEC-42: carol is on leave' },
      UpdatedAt: NIGHT(21),
    });
  });

  it('records a deactivation by key-hygiene in ProductFields and the description, then archives the finding', async () => {
    // Act
    const enforced = await nightly(NIGHT(20), { MODE: 'enforce' });
    const deactivatedNight = (await hub()).get(BOB_UNUSED);
    await nightly(NIGHT(21), { MODE: 'enforce' });
    const nextNight = (await hub()).get(BOB_UNUSED);
    // Assess
    expect(enforced.actions.find((a) => a.userName === 'bob')?.status).toBe('applied');
    expect(deactivatedNight?.ProductFields).toMatchObject({
      'key-hygiene/ActionTaken': 'deactivated',
      'key-hygiene/Mode': 'enforce',
    });
    expect(deactivatedNight?.Description).toContain(
      `key-hygiene deactivated this key in run ${enforced.runId}.`,
    );
    expect(deactivatedNight?.Note).toBeUndefined();
    expect(nextNight).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
  });

  it('retries the findings Security Hub did not take once, and reports those refused twice', async () => {
    // Prepare: bob's unused-key finding fails twice, carol's once
    sandbox.state.securityHub.failImports({ ids: [BOB_UNUSED], times: 2, errorCode: 'InternalException' });
    sandbox.state.securityHub.failImports({ ids: [CAROL_UNUSED], times: 1 });
    // Act
    const report = await nightly(NIGHT(20));
    const found = await hub();
    // Assess
    expect(found.has(CAROL_UNUSED)).toBe(true);
    expect(found.has(BOB_UNUSED)).toBe(false);
    expect(found.size).toBe(report.findings.length - 1);
    expect(report.errors).toEqual([
      expect.objectContaining({
        operation: 'BatchImportFindings',
        code: 'InternalException',
        userName: 'bob',
        accessKeyId: 'AKIABOB0000000000001',
      }),
    ]);
    expect(report.errors[0]?.message).toContain(BOB_UNUSED);
    expect(report.summary.errors).toBe(1);
  });

  it('keeps the run and its report when Security Hub is not enabled, and says so in the report', async () => {
    // Prepare
    sandbox.state.securityHub.disabledAccounts.add(PROD);
    // Act
    const report = await nightly(NIGHT(20));
    // Assess
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.errors).toEqual([
      expect.objectContaining({ operation: 'GetFindings', code: 'InvalidAccessException' }),
    ]);
    expect(sandbox.state.calls().services.securityhub?.actions.BatchImportFindings).toBeUndefined();
  });

  it("archives only what the run looked at: a targeted audit closes its own users' findings, not the others'", async () => {
    // Prepare
    await nightly(NIGHT(20));
    for (const [user, key] of [
      ['bob', 'AKIABOB0000000000001'],
      ['carol', 'AKIACAROL00000000001'],
    ]) {
      await clients.iam.send(
        new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: key, Status: 'Inactive' }),
      );
    }
    sandbox.state.clock.set(NIGHT(21));
    // Act: an ad-hoc audit of bob alone
    const targeted = await runAudit(depsFor(clients), {
      settings: loadSettings({ SECURITY_HUB: 'on', PRIVILEGE_WEIGHTING: 'off' }),
      users: ['bob'],
    });
    const found = await hub();
    // Assess
    expect(targeted.errors).toEqual([]);
    expect(found.get(BOB_UNUSED)?.RecordState).toBe('ARCHIVED');
    expect(found.get(CAROL_UNUSED)?.RecordState).toBe('ACTIVE');
    expect([...found.values()].filter((f) => f.RecordState === 'ARCHIVED').map((f) => f.Id)).toEqual([
      BOB_UNUSED,
      BOB_ROTATION,
    ]);
  });

  it('closes nothing when the run stopped short or could not read a user', async () => {
    // Prepare
    const first = await nightly(NIGHT(20));
    await clients.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'carol',
        AccessKeyId: 'AKIACAROL00000000001',
        Status: 'Inactive',
      }),
    );
    // Act: a run out of time before it read anyone, then a run that cannot list carol's keys
    sandbox.state.clock.set(NIGHT(21));
    const stopped = await runAudit(
      { ...depsFor(clients), remainingTimeMs: () => 0 },
      { settings: loadSettings({ SECURITY_HUB: 'on', PRIVILEGE_WEIGHTING: 'off' }) },
    );
    const afterStopped = await hub();
    sandbox.faults.add({
      operation: 'iam:ListAccessKeys',
      params: { UserName: 'carol' },
      code: 'AccessDenied',
      times: 5,
    });
    const unread = await nightly(NIGHT(22), { INVENTORY_SOURCE: 'live' });
    const afterUnread = await hub();
    // Assess
    expect(stopped.complete).toBe(false);
    expect([...afterStopped.values()].every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    expect(afterStopped.size).toBeGreaterThanOrEqual(first.findings.length);
    expect(afterStopped.get(CAROL_UNUSED)?.UpdatedAt).toBe(NIGHT(20));
    expect(unread.errors.some((e) => e.userName === 'carol')).toBe(true);
    expect(afterUnread.get(CAROL_UNUSED)?.RecordState).toBe('ACTIVE');
  });

  it('sends nothing for a preview of another date (asOf): it is not the present state', async () => {
    // Act
    sandbox.state.clock.set(NIGHT(20));
    await runAudit(depsFor(clients), {
      settings: loadSettings({
        SECURITY_HUB: 'on',
        PRIVILEGE_WEIGHTING: 'off',
        AS_OF: '2027-03-01T00:00:00Z',
      }),
    });
    // Assess
    expect(sandbox.state.calls().services.securityhub).toBeUndefined();
  });

  it('makes no Security Hub call with the setting off (the default)', async () => {
    // Act
    sandbox.state.clock.set(NIGHT(20));
    await runAudit(depsFor(clients), { settings: loadSettings({}) });
    // Assess
    expect(sandbox.state.calls().services.securityhub).toBeUndefined();
  });

  it("exports each account of an organization run with that account's own client, into its own hub", async () => {
    // Prepare: a role session in the dev account, as an organization run assumes one per account
    const { Credentials: session } = await clients.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${DEV}:role/key-hygiene-auditor`,
        RoleSessionName: 'org',
      }),
    );
    const devClients = createClients({
      endpoint: sandbox.url,
      region: REGION,
      credentials: {
        accessKeyId: session?.AccessKeyId ?? '',
        secretAccessKey: session?.SecretAccessKey ?? '',
        sessionToken: session?.SessionToken ?? '',
      },
      maxAttempts: 2,
    });
    // Act
    const [prod, dev] = await Promise.all([nightly(NIGHT(20)), nightly(NIGHT(20), {}, devClients)]);
    const [prodHub, devHub] = await Promise.all([hub(), hub(devClients)]);
    // Assess
    expect(prod.accountId).toBe(PROD);
    expect(dev.accountId).toBe(DEV);
    expect([prod.errors, dev.errors]).toEqual([[], []]);
    expect(devHub.size).toBe(dev.findings.length);
    expect(devHub.size).toBeGreaterThan(0);
    for (const f of devHub.values()) expect(f).toMatchObject({ AwsAccountId: DEV, ProductArn: PRODUCT(DEV) });
    for (const f of prodHub.values())
      expect(f).toMatchObject({ AwsAccountId: PROD, ProductArn: PRODUCT(PROD) });
  });
});
