import { IAMClient, ListAccessKeysCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { SKIP_REASONS } from '../../src/plan/skip-reasons.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { AUDITOR_KEY, KEYS, relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { coldStart as coldStartOn, type Handler, lambdaContext } from '../support/sandbox-lifecycle.js';

let sandbox: RunningSandbox;
let iam: IAMClient;

const context = lambdaContext;

/** Imports a handler fresh, as a cold start with this environment would. */
const coldStart = (
  name: 'adhoc-audit' | 'scheduled-audit',
  env: Record<string, string> = {},
): Promise<Handler> => coldStartOn(sandbox, name, env);

async function keyStatuses(userName: string): Promise<Record<string, string>> {
  const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return Object.fromEntries(AccessKeyMetadata.map((k) => [k.AccessKeyId, k.Status]));
}

async function userTags(userName: string): Promise<Record<string, string>> {
  const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries(Tags.map((t) => [t.Key, t.Value]));
}

interface Published {
  topicArn: string;
  subject: string;
  messageAttributes: Record<string, { DataType: string; StringValue: string }>;
  bodies: Record<string, string>;
}

async function published(): Promise<Published[]> {
  const response = await fetch(`${sandbox.url}/_sandbox/published`);
  return ((await response.json()) as { messages: Published[] }).messages;
}

async function iamCalls(): Promise<number> {
  const response = await fetch(`${sandbox.url}/_sandbox/calls`);
  const calls = (await response.json()) as { services: Record<string, { total: number }> };
  return calls.services.iam?.total ?? 0;
}

describe('Handlers against the sandbox', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: relativeFixture() });
    iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reports in report mode without changing IAM or publishing', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit');
    // Act
    const report = auditReportSchema.parse(await handler({ mode: 'report' }, context)) as AuditReport;
    // Assess
    expect(report.mode).toBe('report');
    expect(report.complete).toBe(true);
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const rule of [
      'unused-key',
      'never-used-key',
      'rotation-overdue',
      'two-active-keys',
      'root-access-key',
    ]) {
      expect(rules, rule).toContain(rule);
    }
    const planned = report.actions.filter((a) => a.status === 'planned').map((a) => a.accessKeyId);
    expect(planned.sort()).toEqual([KEYS.neverUsedOld, KEYS.stale].sort());
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
    expect(await published()).toEqual([]);
    expect(report.exempt.map((e) => e.userName)).toContain('exempt-erin');
    expect(report.findings.some((f) => f.userName === 'exempt-erin')).toBe(false);
    expect(report.findings.some((f) => f.userName !== null && f.accessKeyId === KEYS.brandNew)).toBe(false);
  });

  it('spares only the key it signs with in a preview where every key is stale, saying why', async () => {
    // Prepare: three years on, every key is unused past the threshold, the auditor's own included
    // (the sandbox records its use as it signs this very audit, so only a preview makes it stale).
    const handler = await coldStart('adhoc-audit');
    const asOf = new Date(sandbox.state.clock.now().getTime() + 3 * 365 * 86_400_000).toISOString();
    // Act
    const report = auditReportSchema.parse(await handler({ mode: 'report', asOf }, context)) as AuditReport;
    // Assess
    const byKey = new Map(report.actions.map((action) => [action.accessKeyId, action]));
    expect(byKey.get(AUDITOR_KEY)).toMatchObject({
      userName: 'auditor',
      action: 'deactivate',
      status: 'skipped',
      reason: SKIP_REASONS.selfKey,
    });
    expect(SKIP_REASONS.selfKey).toBe('the auditor is signed with this key');
    const planned = report.actions.filter((action) => action.status === 'planned');
    expect(planned.map((action) => action.accessKeyId).sort()).toEqual(
      Object.values(KEYS)
        .filter((key) => key !== KEYS.exempt)
        .sort(),
    );
    expect(report.actions.filter((action) => action.status === 'skipped')).toHaveLength(1);
    expect(await keyStatuses('auditor')).toEqual({ [AUDITOR_KEY]: 'Active' });
  });

  it('deactivates only stale keys in enforce mode, tags the user, and publishes the report', async () => {
    // Prepare: in enforce mode the nightly function needs the report bucket (its delivery records)
    sandbox.state.addBucket('111111111111', { name: 'key-hygiene-test-archive' });
    const handler = await coldStart('scheduled-audit', {
      MODE: 'enforce',
      REPORT_BUCKET: 'key-hygiene-test-archive',
    });
    // Act
    const result = (await handler(
      {
        version: '0',
        id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '111111111111',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:111111111111:rule/nightly'],
        detail: {},
      },
      context,
    )) as { summary: AuditReport['summary']; messageId: string; runId: string };
    // Assess
    expect(result.summary.actionsApplied).toBe(2);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses('never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Inactive' });
    expect(await keyStatuses('fresh-fred')).toEqual({ [KEYS.fresh]: 'Active' });
    expect(await keyStatuses('exempt-erin')).toEqual({ [KEYS.exempt]: 'Active' });
    expect(await keyStatuses('rotate-rita')).toEqual({ [KEYS.rotation]: 'Active' });
    expect(await keyStatuses('auditor')).toEqual({ AKIAIOSFODNN7EXAMPLE: 'Active' });
    const tags = await userTags('stale-sam');
    // The record is dated the day the run started (its id says which), not the day the test ends.
    const runDay = result.runId.replace(/^(\d{4})(\d{2})(\d{2})T.*$/, '$1-$2-$3');
    expect(tags[`key-hygiene:deactivated-${KEYS.stale}`]).toBe(`${runDay} unused-key ${result.runId}`);

    const messages = await published();
    // The full report, then the copy for the one team the fixture tags (stale-sam's `payments`).
    expect(messages.map((m) => m.messageAttributes.team?.StringValue)).toEqual([undefined, 'payments']);
    expect(messages[1]?.subject).toMatch(/^\[key-hygiene\] 111111111111 team payments: 1 deactivated/);
    const [message] = messages;
    expect(message?.topicArn).toBe(TOPIC_ARN);
    expect(message?.subject).toMatch(/^\[key-hygiene\] 111111111111: .*2 deactivated/);
    expect(message?.subject.length).toBeLessThanOrEqual(99);
    expect(message?.messageAttributes.accountId?.StringValue).toBe('111111111111');
    expect(message?.messageAttributes.highestSeverity?.StringValue).toBe('critical');
    expect(message?.messageAttributes.actionsApplied).toEqual({ DataType: 'Number', StringValue: '2' });
    expect(message?.bodies.email).toContain(KEYS.stale);
    const machineCopy = auditReportSchema.parse(JSON.parse(message?.bodies.sqs ?? '{}'));
    expect(machineCopy.summary.actionsApplied).toBe(2);
  });

  it('repeats nothing when the same run is retried', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit', { MODE: 'enforce' });
    await handler({}, context);
    // Act
    const second = (await handler({}, context)) as AuditReport;
    // Assess
    expect(second.summary.actionsApplied).toBe(0);
    expect(second.actions.filter((a) => a.status === 'planned' || a.status === 'applied')).toEqual([]);
  });

  it('audits named users and reports an unknown one as an error while auditing the others', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit');
    // Act
    const report = (await handler(
      { mode: 'enforce', users: ['stale-sam', 'no-such-user', 'fresh-fred'], notify: true },
      context,
    )) as AuditReport;
    // Assess
    expect(report.summary.usersAudited).toBe(2);
    expect(report.errors).toEqual([
      expect.objectContaining({
        userName: 'no-such-user',
        operation: 'GetUser',
        code: 'NoSuchEntity',
      }),
    ]);
    expect(report.actions).toEqual([
      expect.objectContaining({ userName: 'stale-sam', accessKeyId: KEYS.stale, status: 'applied' }),
    ]);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses('never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Active' });
    expect((await published()).filter((m) => m.messageAttributes.team === undefined)).toHaveLength(1);
  });

  it('applies nothing when more keys would be deactivated than the cap allows', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit', { MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1' });
    // Act
    const report = (await handler({}, context)) as AuditReport;
    // Assess
    expect(report.summary.actionsApplied).toBe(0);
    expect(report.actions.every((a) => a.status === 'skipped')).toBe(true);
    expect(report.findings[0]).toMatchObject({ ruleId: 'blast-radius-cap', severity: 'critical' });
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });

  it('refuses a malformed event before any AWS call, naming the field', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit');
    const before = await iamCalls();
    // Act
    const attempt = handler({ mode: 'enforse' }, context);
    // Assess
    await expect(attempt).rejects.toThrow(/mode/);
    await expect(handler({ asOf: 'yesterday' }, context)).rejects.toThrow(/asOf/);
    await expect(handler({ mode: 'report', dryRun: true }, context)).rejects.toThrow(/dryRun/);
    expect(await iamCalls()).toBe(before);
  });

  it('refuses an enforce event looser than the deployed settings before any IAM call, naming field and deployed value', async () => {
    // Prepare: deployed in report mode with the default thresholds and cap.
    const handler = await coldStart('adhoc-audit');
    const before = await iamCalls();
    // Act
    const attempt = handler(
      { mode: 'enforce', maxActionsPerRun: 1000, thresholds: { unusedKeyDays: 2 } },
      context,
    );
    // Assess
    await expect(attempt).rejects.toThrow(
      'thresholds.unusedKeyDays: unusedKeyDays 2 is more aggressive than the deployed 90: an enforce event may only raise it; use mode "report" to preview',
    );
    await expect(attempt).rejects.toThrow(
      'maxActionsPerRun: maxActionsPerRun 1000 is more aggressive than the deployed 25: an enforce event may only lower it',
    );
    expect(await iamCalls()).toBe(before);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
    expect(await keyStatuses('idle-ida')).toEqual({ [KEYS.idle]: 'Active' });
  });

  it('runs an enforce event more cautious than the deployed settings, acting only within its tighter bounds', async () => {
    // Prepare: stale-sam's key is unused for 200 days, never-nina's for 120.
    const handler = await coldStart('adhoc-audit');
    // Act
    const report = (await handler(
      { mode: 'enforce', maxActionsPerRun: 5, thresholds: { unusedKeyDays: 150 } },
      context,
    )) as AuditReport;
    // Assess
    expect(report.actions.map((a) => [a.accessKeyId, a.status])).toEqual([[KEYS.stale, 'applied']]);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses('never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Active' });
  });

  it('previews a looser event in report mode, acting on nothing', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit', { MODE: 'enforce' });
    // Act
    const report = (await handler(
      { mode: 'report', maxActionsPerRun: 1000, thresholds: { unusedKeyDays: 2 } },
      context,
    )) as AuditReport;
    // Assess: more keys than the deployed thresholds would touch, all only planned.
    const planned = report.actions.filter((a) => a.status === 'planned').map((a) => a.accessKeyId);
    expect(planned).toEqual(expect.arrayContaining([KEYS.stale, KEYS.neverUsedOld, KEYS.idle]));
    expect(report.actions.every((a) => a.status === 'planned')).toBe(true);
    expect(await keyStatuses('idle-ida')).toEqual({ [KEYS.idle]: 'Active' });
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });

  it('refuses to combine a preview date with enforce mode', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit');
    // Act
    const attempt = handler({ mode: 'enforce', asOf: '2030-01-01T00:00:00Z' }, context);
    // Assess
    await expect(attempt).rejects.toThrow(/asOf .* cannot be combined with mode "enforce"/);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });

  it('fails at cold start on an invalid setting, naming it', async () => {
    // Act
    const attempt = coldStart('scheduled-audit', { UNUSED_KEY_DAYS: 'ninety' });
    // Assess
    await expect(attempt).rejects.toThrow(/UNUSED_KEY_DAYS/);
  });

  it('fails the invocation when the report cannot be published, after the IAM work is done', async () => {
    // Prepare
    const handler = await coldStart('adhoc-audit', {
      MODE: 'enforce',
      REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:no-such-topic',
    });
    // Act
    const attempt = handler({ notify: true }, context);
    // Assess
    await expect(attempt).rejects.toThrow(/no-such-topic/);
    expect(await keyStatuses('stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
  });

  it('archives the report to the REPORT_BUCKET before publishing, and the message links to it', async () => {
    // Prepare
    sandbox.state.addBucket('111111111111', { name: 'acme-test-reports', region: 'us-east-1' });
    const handler = await coldStart('adhoc-audit', { REPORT_BUCKET: 'acme-test-reports' });
    // Act
    const report = auditReportSchema.parse(await handler({ notify: true }, context)) as AuditReport;
    // Assess
    const objects = [...(sandbox.state.buckets.get('acme-test-reports')?.objects.keys() ?? [])].sort();
    expect(objects).toEqual([
      `${report.archive?.prefix}.csv`,
      `${report.archive?.prefix}.html`,
      `${report.archive?.prefix}.json`,
      `${report.archive?.prefix}.ocsf.jsonl`,
    ]);
    expect(report.archive?.prefix).toMatch(/^reports\/111111111111\/\d{4}\/\d{2}\/\d{2}\//);
    const [message] = await published();
    expect(JSON.parse(message?.bodies.sqs ?? '{}').archive).toEqual(report.archive);
  });
});
