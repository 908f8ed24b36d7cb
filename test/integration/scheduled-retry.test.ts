import { ListUserTagsCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { auditOnce } from '../../src/audit-once.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import { auditReportSchema } from '../../src/report/schema.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import type { FixtureInput } from '../../src/sandbox/fixture.js';
import { ACCOUNT_ID, AUDITOR_KEY, KEYS, relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { coldStart, keyStatuses, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

// Lambda retries a failed nightly invocation with the same EventBridge event. These run the real
// handler on the sandbox; the sandbox's deny window makes SNS refuse a publish mid-delivery, as a
// topic policy or KMS key changed during the run would.

const BUCKET = 'key-hygiene-test-archive';
const EVENT_ID = '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa';
const RECORD_KEY = `deliveries/${EVENT_ID}.json`;

function fixtureWithBucket(): FixtureInput {
  const fixture = relativeFixture();
  return { accounts: fixture.accounts.map((account) => ({ ...account, buckets: [{ name: BUCKET }] })) };
}

const env = useSandbox(fixtureWithBucket);

/** The nightly schedule's event, as EventBridge sends it (the same `id` on every retry). */
const nightlyEvent = (id: string) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT_ID,
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/nightly`],
  detail: {},
});

interface Summary {
  runId: string;
  summary: AuditReport['summary'];
  resumed: boolean;
}

const nightly = async (extraEnv: Record<string, string> = {}) => {
  const handler = await coldStart(env.sandbox, 'scheduled-audit', {
    MODE: 'enforce',
    REPORT_BUCKET: BUCKET,
    ...extraEnv,
  });
  return (id: string) => handler(nightlyEvent(id), lambdaContext) as Promise<Summary>;
};

const iamCalls = () => env.sandbox.state.calls().services.iam?.total ?? 0;
const iamMutations = () => {
  const actions = env.sandbox.state.calls().services.iam?.actions ?? {};
  return ['UpdateAccessKey', 'TagUser', 'UntagUser', 'DeleteAccessKey']
    .map((action) => actions[action]?.total ?? 0)
    .reduce((a, b) => a + b, 0);
};
const published = () => env.sandbox.state.published;
const team = (message: { messageAttributes: Record<string, { StringValue?: string }> }) =>
  message.messageAttributes.team?.StringValue;

const s3 = () =>
  new S3Client({ region: 'us-east-1', endpoint: env.sandbox.url, forcePathStyle: true, maxAttempts: 1 });

async function readObject(key: string): Promise<string> {
  const object = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

/**
 * The first attempt of the nightly event: it deactivates the two stale keys, publishes the full
 * report, then SNS refuses the team copy and the invocation fails.
 */
async function failedFirstAttempt(
  run: (id: string) => Promise<Summary>,
  publishesAllowed = 1,
  alsoDenied: FaultRule[] = [],
) {
  env.sandbox.faults.add(
    { operation: 'sns:Publish', code: 'AccessDenied', after: publishesAllowed },
    ...alsoDenied,
  );
  await expect(run(EVENT_ID)).rejects.toThrow(/publish|topic|Authorization/i);
  env.sandbox.faults.clearRules();
}

describe('Function: scheduledAudit, retried with the same event', () => {
  it('records the run before delivering, so a delivery failing after the full report leaves a record of what is out', async () => {
    // Prepare
    const run = await nightly();
    // Act
    await failedFirstAttempt(run);
    // Assess: the keys were acted on, the full report is out, the team copy is not
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Inactive' });
    expect(published().map(team)).toEqual([undefined]);
    expect(published()[0]?.subject).toMatch(/2 deactivated/);
    const record = JSON.parse(await readObject(RECORD_KEY));
    // Small, and no copy of the report: it points at the archived JSON.
    expect(JSON.stringify(record).length).toBeLessThan(1000);
    expect(record).toMatchObject({
      eventId: EVENT_ID,
      report: { archivedKey: expect.stringMatching(/^reports\/111111111111\/.*\.json$/) },
      published: { report: published()[0]?.messageId, teams: [] },
    });
    const archived = auditReportSchema.parse(JSON.parse(await readObject(record.report.archivedKey)));
    expect(archived.runId).toBe(record.runId);
  });

  it('delivers the original report on retry: no audit, only the team copies not yet sent, and they say what was deactivated', async () => {
    // Prepare
    const run = await nightly();
    await failedFirstAttempt(run);
    const [fullReport] = published();
    const firstRunId = JSON.parse(await readObject(RECORD_KEY)).runId as string;
    const iamBefore = iamCalls();
    // Act
    const retry = await run(EVENT_ID);
    // Assess: no IAM call at all, the same run, its deactivations
    expect(iamCalls()).toBe(iamBefore);
    expect(retry).toMatchObject({ runId: firstRunId, resumed: true });
    expect(retry.summary.actionsApplied).toBe(2);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    // Only the payments copy is new; the full report is not sent twice.
    expect(published().map(team)).toEqual([undefined, 'payments']);
    expect(published()[0]?.messageId).toBe(fullReport?.messageId);
    const copy = published()[1];
    expect(copy?.subject).toMatch(/team payments: 1 deactivated/);
    expect(copy?.bodies.email).toContain(KEYS.stale);
    const teamReport = auditReportSchema.parse(JSON.parse(copy?.bodies.sqs ?? '{}'));
    expect(teamReport.runId).toBe(firstRunId);
    expect(teamReport.actions).toEqual([
      expect.objectContaining({ userName: 'stale-sam', accessKeyId: KEYS.stale, status: 'applied' }),
    ]);

    // A further retry (the record says everything is out) sends nothing.
    const iamBeforeAgain = iamCalls();
    const again = await run(EVENT_ID);
    expect(again).toMatchObject({ runId: firstRunId, resumed: true });
    expect(published()).toHaveLength(2);
    expect(iamCalls()).toBe(iamBeforeAgain);
  });

  it('delivers the full report and the team copies on retry when the first message failed', async () => {
    // Prepare: SNS refuses the very first publish
    const run = await nightly();
    await failedFirstAttempt(run, 0);
    expect(published()).toEqual([]);
    const mutations = iamMutations();
    // Act
    const retry = await run(EVENT_ID);
    // Assess
    expect(iamMutations()).toBe(mutations);
    expect(retry.resumed).toBe(true);
    expect(published().map(team)).toEqual([undefined, 'payments']);
    expect(published()[0]?.subject).toMatch(/2 deactivated/);
  });

  it('runs a new audit for a new event', async () => {
    // Prepare
    const run = await nightly();
    await failedFirstAttempt(run);
    await run(EVENT_ID);
    const firstRunId = JSON.parse(await readObject(RECORD_KEY)).runId as string;
    const iamBefore = iamCalls();
    // Act
    const next = await run('7bf73129-1428-4cd3-a780-95db273d1602');
    // Assess: a new run that audits (the keys it finds are already inactive) and publishes
    expect(iamCalls()).toBeGreaterThan(iamBefore);
    expect(next.resumed).toBe(false);
    expect(next.runId).not.toBe(firstRunId);
    expect(next.summary.actionsApplied).toBe(0);
    expect(published().map(team)).toEqual([undefined, 'payments', undefined]);
  });

  it('keeps the report itself in the record when the archive could not take it, and delivers it on retry', async () => {
    // Prepare: the JSON archive (the fifth PutObject, after the record written before the audit,
    // the CSV, the HTML and the OCSF findings) is refused too
    const run = await nightly();
    await failedFirstAttempt(run, 1, [
      { operation: 's3:PutObject', code: 'AccessDenied', after: 4, times: 1 },
    ]);
    const record = JSON.parse(await readObject(RECORD_KEY));
    expect(record.report.inline.summary.actionsApplied).toBe(2);
    // Act
    const retry = await run(EVENT_ID);
    // Assess
    expect(retry).toMatchObject({ runId: record.runId, resumed: true });
    expect(published().map(team)).toEqual([undefined, 'payments']);
    expect(published()[1]?.subject).toMatch(/team payments: 1 deactivated/);
  });

  it('refuses to run, before any IAM call, when the record of the event cannot be looked up', async () => {
    // Prepare
    env.sandbox.faults.add({ operation: 's3:ListObjectsV2', code: 'AccessDenied' });
    const run = await nightly();
    // Act
    const attempt = run(EVENT_ID);
    // Assess
    await expect(attempt).rejects.toThrow(/delivery record.*AccessDenied/);
    expect(iamCalls()).toBe(0);
    expect(published()).toEqual([]);
  });

  it('refuses to run when the object under the event is the record of another event', async () => {
    // Prepare
    const run = await nightly();
    await failedFirstAttempt(run);
    const record = JSON.parse(await readObject(RECORD_KEY));
    await s3().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: RECORD_KEY,
        Body: JSON.stringify({ ...record, eventId: 'another-event' }),
      }),
    );
    const iamBefore = iamCalls();
    // Act
    const attempt = run(EVENT_ID);
    // Assess
    await expect(attempt).rejects.toThrow(/not the delivery record of event/);
    expect(iamCalls()).toBe(iamBefore);
    expect(published()).toHaveLength(1);
  });

  it('refuses to deliver an archived report of another run', async () => {
    // Prepare
    const run = await nightly();
    await failedFirstAttempt(run);
    const record = JSON.parse(await readObject(RECORD_KEY));
    await s3().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: RECORD_KEY,
        Body: JSON.stringify({ ...record, runId: '20261120T030000Z-000000' }),
      }),
    );
    // Act
    const attempt = run(EVENT_ID);
    // Assess
    await expect(attempt).rejects.toThrow(/is not the archived report of run 20261120T030000Z-000000/);
    expect(published()).toHaveLength(1);
  });

  it('still delivers when the record cannot be written', async () => {
    // Prepare: every PutObject after the record written before the audit and the archive's first
    // three is refused
    env.sandbox.faults.add({ operation: 's3:PutObject', code: 'AccessDenied', after: 4 });
    const run = await nightly();
    // Act
    const result = await run(EVENT_ID);
    // Assess
    expect(result.summary.actionsApplied).toBe(2);
    expect(published().map(team)).toEqual([undefined, 'payments']);
  });
});

describe('Function: scheduledAudit, cold start', () => {
  it('refuses enforce mode without a report bucket, naming REPORT_BUCKET, before any AWS call', async () => {
    // Act
    const attempt = coldStart(env.sandbox, 'scheduled-audit', { MODE: 'enforce' });
    // Assess
    await expect(attempt).rejects.toThrow(
      /REPORT_BUCKET \(reportBucket\): is required when MODE is "enforce"/,
    );
    expect(env.sandbox.state.calls().total).toBe(0);
  });

  it('runs in report mode without a report bucket (every attempt audits)', async () => {
    // Prepare
    const handler = await coldStart(env.sandbox, 'scheduled-audit', { MODE: 'report' });
    // Act
    const result = (await handler(nightlyEvent(EVENT_ID), lambdaContext)) as Summary;
    // Assess
    expect(result.resumed).toBe(false);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });
});

describe('Function: auditOnce', () => {
  it('counts the audit of an attempt whose delivery fails, and not the retry that delivers it', async () => {
    // Prepare
    const clients = createClients({
      endpoint: env.sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 1,
    });
    const deps = {
      ...clients,
      region: 'us-east-1',
      clock: () => new Date(),
      selfAccessKeyId: AUDITOR_KEY,
      logger: { info: () => undefined, warn: () => undefined },
    };
    const settings = loadSettings({
      MODE: 'enforce',
      NOTICES: 'off',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      REPORT_BUCKET: BUCKET,
    });
    const audited: string[] = [];
    const count = (report: AuditReport) => audited.push(report.runId);
    env.sandbox.faults.add({ operation: 'sns:Publish', code: 'AccessDenied' });
    // Act
    await expect(auditOnce(deps, settings, EVENT_ID, count)).rejects.toThrow();
    env.sandbox.faults.clearRules();
    const retry = await auditOnce(deps, settings, EVENT_ID, count);
    // Assess
    expect(audited).toEqual([retry.report.runId]);
    expect(retry.resumed).toBe(true);
  });

  it('reports, on retry, the deactivations of an attempt killed after acting and before it delivered', async () => {
    // Prepare: the first attempt acts and archives, then dies before any delivery record or message
    // (as a Lambda killed at its timeout does): here, at the moment it logs that the audit finished.
    const clients = createClients({
      endpoint: env.sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 1,
    });
    let killed = false;
    const deps = {
      ...clients,
      region: 'us-east-1',
      clock: () => new Date(),
      selfAccessKeyId: AUDITOR_KEY,
      logger: {
        info: (message: string) => {
          if (!killed && message === 'audit finished') {
            killed = true;
            throw new Error('the invocation was killed');
          }
        },
        warn: () => undefined,
      },
    };
    const settings = loadSettings({
      MODE: 'enforce',
      NOTICES: 'off',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      REPORT_BUCKET: BUCKET,
    });
    await expect(auditOnce(deps, settings, EVENT_ID)).rejects.toThrow(/killed/);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Inactive' });
    expect(published()).toEqual([]);
    // Act
    const retry = await auditOnce(deps, settings, EVENT_ID);
    // Assess: the retry's report says what the event's run deactivated, under the run id the
    // deactivation tags name, and the team hears of it
    expect(retry.report.summary.actionsApplied).toBe(2);
    expect(retry.report.actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userName: 'stale-sam', accessKeyId: KEYS.stale, status: 'applied' }),
        expect.objectContaining({
          userName: 'never-nina',
          accessKeyId: KEYS.neverUsedOld,
          status: 'applied',
        }),
      ]),
    );
    const tags = await env.iam.send(new ListUserTagsCommand({ UserName: 'stale-sam' }));
    const record = tags.Tags?.find((t) => t.Key === `key-hygiene:deactivated-${KEYS.stale}`)?.Value ?? '';
    expect(record.endsWith(` ${retry.report.runId}`)).toBe(true);
    expect(published()[0]?.subject).toMatch(/2 deactivated/);
  });
});
