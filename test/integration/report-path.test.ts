import { IAMClient, ListAccessKeysCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TIME_BUDGET_SKIP_REASON } from '../../src/apply/apply.js';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, Finding, KeyFinding } from '../../src/model.js';
import { renderText } from '../../src/render/text.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { NOT_RESOLVED_IN_TIME } from '../../src/resolve/resolve-planned-users.js';
import type { AuditDeps } from '../../src/run-start.js';
import {
  CREDENTIAL_REPORT_COLUMNS,
  type FixtureInput,
  type RunningSandbox,
  startSandbox,
} from '../../src/sandbox/index.js';

const ACME = 'events/sandbox/acme.json';
const AUDITOR_KEY = 'AKIAAUDITOR000000001';
const DEACTIVATED_IN_ACME = [
  'bob/AKIABOB0000000000001',
  'carol/AKIACAROL00000000001',
  'erin/AKIAERIN000000000001',
  'frank/AKIAFRANK00000000001',
  'old-vendor/AKIAOLDVENDOR0000001',
  'svc-reporting/AKIAREPORTING0000001',
];

let acme: RunningSandbox;

function depsFor(sandbox: RunningSandbox, extra: Partial<AuditDeps> = {}): AuditDeps {
  const clients = createClients({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'not-checked' },
    maxAttempts: 3,
  });
  return {
    ...clients,
    region: 'us-east-1',
    clock: () => sandbox.state.clock.now(),
    selfAccessKeyId: AUDITOR_KEY,
    logger: { info: () => undefined, warn: () => undefined },
    // The credential-report polls pause on the sandbox clock: no real waiting.
    sleep: async (ms) => sandbox.state.clock.advance(ms),
    ...extra,
  };
}

const audit = (sandbox: RunningSandbox, env: Record<string, string>, extra: Partial<AuditDeps> = {}) =>
  runAudit(depsFor(sandbox, extra), { settings: loadSettings({ NOTICES: 'off', ...env }) });

/** What a finding says, whichever path found it: the root key has no creation date on the live path. */
const findingKey = (f: Finding) =>
  [
    f.ruleId,
    f.userName,
    f.severity,
    f.userName === null || f.userName === '<root_account>' ? '' : f.keyCreateDate,
  ].join(' | ');
const applied = (report: AuditReport) =>
  report.actions.filter((a) => a.status === 'applied').map((a) => `${a.userName}/${a.accessKeyId}`);
const iamActions = (sandbox: RunningSandbox) => sandbox.state.calls().services.iam?.actions ?? {};
const calls = (sandbox: RunningSandbox, action: string) => iamActions(sandbox)[action]?.total ?? 0;

const PRIVILEGE_READS = [
  'GetUser',
  'ListAttachedUserPolicies',
  'ListUserPolicies',
  'GetUserPolicy',
  'ListGroupsForUser',
  'ListAttachedGroupPolicies',
  'ListGroupPolicies',
  'GetGroupPolicy',
  'GetPolicy',
  'GetPolicyVersion',
];

describe('Audit on the credential-report path', () => {
  beforeAll(async () => {
    acme = await startSandbox({ fixture: ACME });
  });
  afterAll(async () => {
    await acme.close();
  });
  beforeEach(() => {
    acme.state.reset();
    acme.faults.reset();
  });

  it('finds the same findings and plans the same actions as the live path, with far fewer calls', async () => {
    // Act
    // The privilege of users with a finding is read the same way on both paths: not counted here.
    const inventoryCalls = () =>
      (acme.state.calls().services.iam?.total ?? 0) -
      PRIVILEGE_READS.reduce((sum, action) => sum + calls(acme, action), 0);
    const live = await audit(acme, { INVENTORY_SOURCE: 'live' });
    const liveCalls = inventoryCalls();
    const liveKeyListings = calls(acme, 'ListAccessKeys');
    acme.state.reset();
    const viaReport = await audit(acme, {});
    const reportCalls = inventoryCalls();
    // Assess
    expect(live.source.kind).toBe('live-api');
    expect(viaReport.source).toEqual({
      kind: 'credential-report',
      reason: 'whole-account audit',
      generatedAt: '2026-11-20T00:00:00.000Z',
    });
    expect(auditReportSchema.parse(viaReport)).toEqual(viaReport);
    expect(viaReport.findings.map(findingKey).sort()).toEqual(live.findings.map(findingKey).sort());
    expect(viaReport.findings.length).toBeGreaterThan(10);
    const actionKey = (a: AuditReport['actions'][number]) => `${a.userName}/${a.accessKeyId}/${a.status}`;
    expect(viaReport.actions.map(actionKey)).toEqual(live.actions.map(actionKey));
    expect(viaReport.actions.map((a) => `${a.userName}/${a.accessKeyId}`)).toEqual(DEACTIVATED_IN_ACME);
    expect(viaReport.exempt.map((e) => e.userName).sort()).toEqual(live.exempt.map((e) => e.userName).sort());
    expect(viaReport.summary.usersAudited).toBe(live.summary.usersAudited);
    // The live path lists every user's keys; the report path reads the whole account in a fixed
    // handful of calls, then only the six users with a planned action, and no user's tags one by one.
    expect(liveKeyListings).toBe(22);
    expect(liveCalls).toBeGreaterThan(2 * 22);
    expect(calls(acme, 'ListAccessKeys')).toBe(6);
    expect(calls(acme, 'GetAccessKeyLastUsed')).toBe(6);
    expect(calls(acme, 'ListUserTags')).toBe(0);
    expect(reportCalls - 2 * 6).toBeLessThanOrEqual(4);
  });

  it('reads no user live when the blast-radius cap trips, and keeps the cap finding', async () => {
    // Act
    const report = await audit(acme, { MODE: 'enforce', MAX_ACTIONS_PER_RUN: '2' });
    // Assess
    expect(report.findings[0]?.ruleId).toBe('blast-radius-cap');
    expect(report.actions).toHaveLength(6);
    expect(
      report.actions.every((a) => a.status === 'skipped' && a.reason?.startsWith('blast-radius cap')),
    ).toBe(true);
    expect(calls(acme, 'ListAccessKeys')).toBe(0);
    expect(calls(acme, 'UpdateAccessKey')).toBe(0);
  });

  it('two enforce runs started at the same moment leave one record per key, and both reports are true', async () => {
    // Act
    const [a, b] = await Promise.all([audit(acme, { MODE: 'enforce' }), audit(acme, { MODE: 'enforce' })]);
    // Assess: every key is deactivated once, by the run its record names; the other run says so.
    const iam = new IAMClient({ region: 'us-east-1', endpoint: acme.url });
    const byRun = new Map([
      [a.runId, applied(a)],
      [b.runId, applied(b)],
    ]);
    expect([...applied(a), ...applied(b)].sort()).toEqual(DEACTIVATED_IN_ACME);
    for (const entry of DEACTIVATED_IN_ACME) {
      const [userName = '', keyId = ''] = entry.split('/');
      const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
      const record = Tags.find((tag) => tag.Key === `key-hygiene:deactivated-${keyId}`)?.Value ?? '';
      const runId = record.split(' ').at(-1) ?? '';
      expect(byRun.get(runId)).toContain(entry);
      const other = runId === a.runId ? b : a;
      expect(other.actions.find((x) => `${x.userName}/${x.accessKeyId}` === entry)).toMatchObject({
        status: 'skipped',
      });
    }
  });

  it('says which source was used, and when the report was made, in the text report', async () => {
    // Act
    const text = renderText(await audit(acme, {})).replace(/\s+/g, ' ');
    // Assess
    expect(text).toContain(
      'Inventory: credential report (whole-account audit), generated 2026-11-20T00:00:00Z.',
    );
    // A finding known only from the report names the user, the slot and the creation date.
    expect(text).toContain('- grace, access key 1 (created 2026-11-10) [never-used-key]');
  });

  it('uses the live path for named users, and when INVENTORY_SOURCE is live', async () => {
    // Act
    const targeted = await runAudit(depsFor(acme), { settings: loadSettings({}), users: ['bob'] });
    const forced = await audit(acme, { INVENTORY_SOURCE: 'live' });
    // Assess
    expect(targeted.source).toEqual({ kind: 'live-api', reason: 'targeted audit of named users' });
    expect(forced.source).toEqual({
      kind: 'live-api',
      reason: 'whole-account audit; INVENTORY_SOURCE is live',
    });
  });

  it.each([
    [
      'stuck INPROGRESS',
      { stuck: true },
      /^whole-account audit; credential report not used: the credential report was still INPROGRESS after 60 s \(CREDENTIAL_REPORT_WAIT_SECONDS\)/,
    ],
    [
      'ReportNotPresent',
      { refuseGeneration: true },
      /credential report not used: GenerateCredentialReport failed \(AccessDenied: .*\) and no credential report exists \(ReportNotPresent\)/,
    ],
    [
      'a garbled report',
      { csv: `${CREDENTIAL_REPORT_COLUMNS.join(',')}\n"<root_account>,arn:aws:iam::111111111111:root` },
      /credential report not used: the credential report cannot be used: The credential report is not valid CSV/,
    ],
  ])('falls back to the live path on %s and says why in source.reason', async (_case, aid, reason) => {
    // Prepare
    Object.assign(acme.state.credentialReportAid, aid);
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      warn: (_m: string, extra: Record<string, unknown>) => warnings.push(String(extra.message)),
    };
    // Act
    const report = await audit(acme, { CREDENTIAL_REPORT_WAIT_SECONDS: '60' }, { logger });
    // Assess
    expect(report.source.kind).toBe('live-api');
    expect(report.source.reason).toMatch(reason);
    expect(report.source.reason).toMatch(/fell back to the live IAM API$/);
    expect(report.complete).toBe(true);
    expect(report.actions.map((a) => `${a.userName}/${a.accessKeyId}`)).toEqual(DEACTIVATED_IN_ACME);
    expect(warnings).toEqual([expect.stringMatching(/falling back to the live IAM API$/)]);
  });

  it('still audits the whole account when GetAccountAuthorizationDetails is denied, and says how', async () => {
    // Prepare: both paths list users with it; an SCP may deny it.
    acme.faults.add({ operation: 'iam:GetAccountAuthorizationDetails', code: 'AccessDenied' });
    // Act
    const report = await audit(acme, {});
    // Assess
    expect(report.source.kind).toBe('live-api');
    expect(report.source.reason).toMatch(
      /^whole-account audit; credential report not used: GetAccountAuthorizationDetails failed \(AccessDenied: .*; GetAccountAuthorizationDetails failed \(AccessDenied: .*\); listed the users with ListUsers and read their tags with ListUserTags/,
    );
    expect(report.complete).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.actions.map((a) => `${a.userName}/${a.accessKeyId}`)).toEqual(DEACTIVATED_IN_ACME);
  });

  it('cut short by the time budget while applying, then rerun: finishes the job and repeats nothing', async () => {
    // Prepare: the Lambda "runs out of time" once two keys have been deactivated.
    const remainingTimeMs = () => (calls(acme, 'UpdateAccessKey') >= 2 ? 0 : 900_000);
    // Act
    const first = await audit(acme, { MODE: 'enforce' }, { remainingTimeMs });
    const second = await audit(acme, { MODE: 'enforce' });
    // Assess
    expect(first.complete).toBe(false);
    expect(applied(first)).toHaveLength(2);
    const postponed = first.actions.filter((a) => a.reason === TIME_BUDGET_SKIP_REASON);
    expect(postponed).toHaveLength(4);
    expect([...first.notReached].sort()).toEqual(postponed.map((a) => a.userName).sort());
    expect(second.complete).toBe(true);
    expect(second.notReached).toEqual([]);
    expect([...applied(first), ...applied(second)].sort()).toEqual(DEACTIVATED_IN_ACME);
    expect(calls(acme, 'UpdateAccessKey')).toBe(6);
    // The rerun read the same (now outdated) report, and the live check kept it from acting twice.
    expect(second.source.generatedAt).toBe(first.source.generatedAt);
  });

  it('cut short while reading users live, then rerun: lists who was not reached and finishes', async () => {
    // Prepare: time runs out after two users have been read live (one at a time).
    const remainingTimeMs = () => (calls(acme, 'ListAccessKeys') >= 2 ? 0 : 900_000);
    // Act
    const first = await audit(acme, { MODE: 'enforce', CONCURRENCY: '1' }, { remainingTimeMs });
    const second = await audit(acme, { MODE: 'enforce' });
    // Assess
    expect(first.complete).toBe(false);
    expect(applied(first)).toEqual([]);
    const unresolved = first.actions.filter((a) => a.reason === NOT_RESOLVED_IN_TIME);
    expect(unresolved).toHaveLength(4);
    expect(unresolved.every((a) => a.accessKeyId.startsWith('(slot'))).toBe(true);
    expect(first.notReached).toHaveLength(6);
    expect(second.complete).toBe(true);
    expect(applied(second)).toEqual(DEACTIVATED_IN_ACME);
    expect(calls(acme, 'UpdateAccessKey')).toBe(6);
  });
});

describe('Slot-to-key matching on the credential-report path', () => {
  let sandbox: RunningSandbox;
  const fixture: FixtureInput = {
    now: '2026-11-20T00:00:00Z',
    accounts: [
      {
        id: '111111111111',
        users: [
          {
            name: 'auditor',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [{ id: AUDITOR_KEY, status: 'Active', createDate: '2025-01-01T00:00:00Z' }],
          },
          {
            // Two keys created in the same second: their report slots cannot be told apart by date.
            name: 'twins',
            createDate: '2026-01-01T00:00:00Z',
            accessKeys: [
              {
                id: 'AKIATWINS00000000001',
                status: 'Active',
                createDate: '2026-01-01T10:00:00Z',
                lastUsed: { date: '2026-05-01T00:00:00Z', service: 's3', region: 'us-east-1' },
              },
              {
                id: 'AKIATWINS00000000002',
                status: 'Active',
                createDate: '2026-01-01T10:00:00Z',
                lastUsed: { date: '2026-11-19T00:00:00Z', service: 's3', region: 'us-east-1' },
              },
            ],
          },
          {
            // Two keys created the same day, hours apart.
            name: 'sameday',
            createDate: '2026-02-01T00:00:00Z',
            accessKeys: [
              {
                id: 'AKIASAMEDAY000000001',
                status: 'Active',
                createDate: '2026-02-01T08:00:00Z',
                lastUsed: { date: '2026-11-19T00:00:00Z', service: 'sts', region: 'us-east-1' },
              },
              {
                id: 'AKIASAMEDAY000000002',
                status: 'Active',
                createDate: '2026-02-01T17:30:00Z',
                lastUsed: { date: '2026-04-01T00:00:00Z', service: 'ec2', region: 'eu-west-1' },
              },
            ],
          },
        ],
      },
    ],
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  async function statuses(userName: string): Promise<Record<string, string | undefined>> {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url });
    const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
    return Object.fromEntries(AccessKeyMetadata.map((k) => [k.AccessKeyId, k.Status]));
  }

  it('deactivates only the unused key of two created the same day, decided on live data', async () => {
    // Act
    const report = await audit(sandbox, { MODE: 'enforce' });
    // Assess
    expect(report.source.kind).toBe('credential-report');
    expect(applied(report).sort()).toEqual(['sameday/AKIASAMEDAY000000002', 'twins/AKIATWINS00000000001']);
    expect(await statuses('twins')).toEqual({
      AKIATWINS00000000001: 'Inactive',
      AKIATWINS00000000002: 'Active',
    });
    expect(await statuses('sameday')).toEqual({
      AKIASAMEDAY000000001: 'Active',
      AKIASAMEDAY000000002: 'Inactive',
    });
    // Read live: both twins (no unique slot match) and the planned key of sameday; sameday's other
    // key matched an unplanned slot to the second and keeps the report's last use. Then one live
    // confirmation per deactivation.
    expect(calls(sandbox, 'GetAccessKeyLastUsed')).toBe(3 + 2);
    const unused = report.findings.filter(
      (f): f is KeyFinding => f.ruleId === 'unused-key' && f.userName !== null,
    );
    // The slot is a hint: matched to the second for "sameday", left out where two keys share it.
    expect(unused.map((f) => [f.userName, f.accessKeyId, f.slot])).toEqual([
      ['sameday', 'AKIASAMEDAY000000002', 2],
      ['twins', 'AKIATWINS00000000001', null],
    ]);
  });

  it('does not act on a key the report calls unused when the live check shows it in use', async () => {
    // Prepare: the report is made, then the "unused" key is used; the report (under 4 hours old) does not know.
    await audit(sandbox, {});
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      credentials: { accessKeyId: 'AKIASAMEDAY000000002', secretAccessKey: 'not-checked' },
    });
    await sts.send(new GetCallerIdentityCommand({}));
    // Act
    const report = await audit(sandbox, { MODE: 'enforce' });
    // Assess
    expect(applied(report)).toEqual(['twins/AKIATWINS00000000001']);
    expect(await statuses('sameday')).toEqual({
      AKIASAMEDAY000000001: 'Active',
      AKIASAMEDAY000000002: 'Active',
    });
    expect(
      report.findings.some(
        (f) => f.userName !== null && f.accessKeyId === 'AKIASAMEDAY000000002' && f.ruleId === 'unused-key',
      ),
    ).toBe(false);
  });
});

describe('The blast-radius cap on the credential-report path', () => {
  let sandbox: RunningSandbox;
  const stale = (name: string, id: string) => ({
    name,
    createDate: '2025-01-01T00:00:00Z',
    accessKeys: [
      {
        id,
        status: 'Active' as const,
        createDate: '2025-01-01T00:00:00Z',
        lastUsed: { date: '2026-01-01T00:00:00Z', service: 's3', region: 'us-east-1' },
      },
    ],
  });
  const fixture: FixtureInput = {
    now: '2026-11-20T00:00:00Z',
    accounts: [
      {
        id: '111111111111',
        users: [
          {
            name: 'auditor',
            createDate: '2025-01-01T00:00:00Z',
            accessKeys: [{ id: AUDITOR_KEY, status: 'Active', createDate: '2025-01-01T00:00:00Z' }],
          },
          stale('stale-1', 'AKIASTALEONE00000001'),
          stale('stale-2', 'AKIASTALETWO00000001'),
          stale('stale-3', 'AKIASTALETHREE000001'),
          {
            // Its deactivated key was deleted by hand: more records than inactive keys, so the
            // user is read live whatever the plan says.
            name: 'rotated',
            createDate: '2025-01-01T00:00:00Z',
            tags: {
              'key-hygiene:deactivated-AKIAGONE000000000001': '2026-06-01 unused-key 20260601T030000Z-abcdef',
            },
            accessKeys: [
              {
                id: 'AKIAROTATED000000001',
                status: 'Active',
                createDate: '2026-06-02T00:00:00Z',
                lastUsed: { date: '2026-11-19T00:00:00Z', service: 's3', region: 'us-east-1' },
              },
            ],
          },
        ],
      },
    ],
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('keeps the critical cap finding and applies nothing, whatever the second plan on live data counts', async () => {
    // Act
    const report = await audit(sandbox, { MODE: 'enforce', MAX_ACTIONS_PER_RUN: '2' });
    // Assess
    expect(report.findings[0]).toMatchObject({ ruleId: 'blast-radius-cap', severity: 'critical' });
    expect(report.summary.actionsApplied).toBe(0);
    expect(calls(sandbox, 'UpdateAccessKey')).toBe(0);
  });
});
