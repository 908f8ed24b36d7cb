import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import validator from 'asl-validator';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type OrganizationReport, organizationReportSchema } from '../../src/org/organization-report.js';
import {
  ANALYTICS,
  LEGACY,
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';
import { lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

// The organizationAudit state machine (deploy/organization-audit.asl.json): validated with
// asl-validator, then run here with its three Task states bound to the real handler code on the
// sandbox. The Distributed Map itself (ItemReader from S3, child executions, ResultWriter's
// manifest and result files, ToleratedFailurePercentage) is AWS's; `runMap` below stands in for it,
// writing results in the documented ResultWriter format, so the summary task reads what it would
// read on AWS.

const DEFINITION_FILE = new URL('../../deploy/organization-audit.asl.json', import.meta.url);
const definitionText = readFileSync(DEFINITION_FILE, 'utf8');

type State = Record<string, unknown> & { Type: string; Resource?: string; Next?: string; End?: boolean };
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

/** The definition as CloudFormation would deploy it, with example function ARNs. */
const substituted = (): Definition =>
  JSON.parse(
    definitionText.replace(
      /\$\{(\w+)FunctionArn\}/g,
      'arn:aws:lambda:us-east-1:100000000001:function:key-hygiene-test-$1',
    ),
  ) as Definition;

const env = useSandbox(() => organizationFixture());
const s3 = () => new S3Client({ region: 'us-east-1', endpoint: env.sandbox.url, forcePathStyle: true });

/** `$.a.b` of a value (the only JSONPath form the definition uses). */
function at(value: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

/** A payload template: `"x.$": "$.path"` takes the value at the path, other fields stay. */
function template(fields: Record<string, unknown>, input: unknown, item?: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) =>
      key.endsWith('.$')
        ? [key.slice(0, -2), value === '$$.Map.Item.Value' ? item : at(input, String(value))]
        : [key, value],
    ),
  );
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The handler module a Task's `${XFunctionArn}` names: OrganizationListAccounts -> organization-list-accounts. */
async function taskHandler(resource: string): Promise<Handler> {
  const name = /^arn:aws:lambda:[^:]+:\d+:function:key-hygiene-test-(\w+)$/.exec(resource)?.[1] ?? '';
  const file = name.replace(/[A-Z]/g, (c, i) => `${i === 0 ? '' : '-'}${c.toLowerCase()}`);
  vi.resetModules();
  const modules: Record<string, () => Promise<{ handler: unknown }>> = {
    'organization-list-accounts': () => import('../../handlers/organization-list-accounts.js'),
    'organization-audit-account': () => import('../../handlers/organization-audit-account.js'),
    'organization-summary': () => import('../../handlers/organization-summary.js'),
  };
  const load = modules[file];
  if (!load) throw new Error(`No handler for ${resource}`);
  return (await load()).handler as Handler;
}

/** What befalls a child: it crashes (a FAILED result), or its result is lost (none is written). */
interface ChildFate {
  crash: (item: unknown) => boolean;
  lose: (item: unknown) => boolean;
}

/** Stands in for the Distributed Map: reads the items, runs each child, writes ResultWriter's files. */
async function runMap(state: State, input: unknown, children: ChildFate): Promise<unknown> {
  const reader = state.ItemReader as { Parameters: Record<string, string> };
  const where = template(reader.Parameters, input) as { Bucket: string; Key: string };
  const object = await s3().send(new GetObjectCommand({ Bucket: where.Bucket, Key: where.Key }));
  const items = JSON.parse((await object.Body?.transformToString()) ?? '[]') as unknown[];
  const processor = state.ItemProcessor as { StartAt: string; States: Record<string, State> };
  const child = processor.States[processor.StartAt] as State;
  const handler = await taskHandler(child.Resource ?? '');
  const results: { SUCCEEDED: unknown[]; FAILED: unknown[] } = { SUCCEEDED: [], FAILED: [] };
  // The children run at once, as the Distributed Map runs them: the organization cap's ledger
  // must hold against accounts that start together.
  await Promise.all(
    items.map(async (item) => {
      const childInput = template(state.ItemSelector as Record<string, unknown>, input, item);
      const entry = {
        ExecutionArn: `arn:aws:states:us-east-1:100000000001:execution:x:${randomUUID()}`,
        Input: JSON.stringify(childInput),
      };
      try {
        if (children.crash(item)) throw new Error('Task timed out after 900.00 seconds');
        const output = await handler(childInput, lambdaContext);
        if (children.lose(item)) return;
        results.SUCCEEDED.push({ ...entry, Status: 'SUCCEEDED', Output: JSON.stringify(output) });
      } catch (error) {
        results.FAILED.push({
          ...entry,
          Status: 'FAILED',
          Error: 'Sandbox.Timedout',
          Cause: (error as Error).message,
        });
      }
    }),
  );
  const writer = template(
    (state.ResultWriter as { Parameters: Record<string, string> }).Parameters,
    input,
  ) as {
    Bucket: string;
    Prefix: string;
  };
  const base = `${writer.Prefix}/${randomUUID()}`;
  const resultFiles: Record<string, { Key: string; Size: number }[]> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    if (results[status].length === 0) continue;
    const body = JSON.stringify(results[status]);
    const key = `${base}/${status}_0.json`;
    await s3().send(new PutObjectCommand({ Bucket: writer.Bucket, Key: key, Body: body }));
    resultFiles[status]?.push({ Key: key, Size: body.length });
  }
  const manifestKey = `${base}/manifest.json`;
  await s3().send(
    new PutObjectCommand({
      Bucket: writer.Bucket,
      Key: manifestKey,
      Body: JSON.stringify({
        DestinationBucket: writer.Bucket,
        MapRunArn: 'arn:aws:states:x',
        ResultFiles: resultFiles,
      }),
    }),
  );
  return template(state.ResultSelector as Record<string, unknown>, {
    ResultWriterDetails: { Bucket: writer.Bucket, Key: manifestKey },
  });
}

/** Walks the definition from StartAt to its end, each Task bound to its real handler. */
async function execute(fate: Partial<ChildFate> = {}): Promise<unknown> {
  const children: ChildFate = { crash: () => false, lose: () => false, ...fate };
  const definition = substituted();
  let name: string | undefined = definition.StartAt;
  let data: unknown = { id: 'scheduled-event', 'detail-type': 'Scheduled Event', detail: {} };
  while (name) {
    const state = definition.States[name] as State;
    let result: unknown;
    if (state.Type === 'Map') result = await runMap(state, data, children);
    else {
      const input = state.Parameters ? template(state.Parameters as Record<string, unknown>, data) : data;
      result = await (await taskHandler(state.Resource ?? ''))(input, lambdaContext);
    }
    const path = state.ResultPath as string | undefined;
    data = path ? { ...(data as object), [path.replace(/^\$\./, '')]: result } : result;
    name = state.End ? undefined : state.Next;
  }
  return data;
}

function organizationMessage(): OrganizationReport {
  const messages = env.sandbox.state.published.filter(
    (m) => m.messageAttributes.scope?.StringValue === 'organization',
  );
  expect(messages).toHaveLength(1);
  return organizationReportSchema.parse(JSON.parse(messages[0]?.bodies.sqs ?? ''));
}

describe('The organizationAudit state machine (deploy/organization-audit.asl.json)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', ORG_AUDITOR_KEY);
    vi.stubEnv('REPORT_TOPIC_ARN', ORG_TOPIC_ARN);
    vi.stubEnv('REPORT_BUCKET', ORG_BUCKET);
    // Written before notices: enforce acts on the first night (the notice loop: test/notices/).
    vi.stubEnv('NOTICES', 'off');
    vi.stubEnv('NOTIFY_ACCOUNTS', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('MODE', 'enforce');
  });

  it('is valid Amazon States Language (asl-validator), and the validator does catch a broken one', () => {
    // Act
    const result = validator(substituted());
    const broken = substituted();
    (broken.States.ListAccounts as State).Next = 'NoSuchState';
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    expect(validator(broken).isValid).toBe(false);
  });

  it('fans out in a Distributed Map that reads from and writes to S3 and tolerates failed children', () => {
    // Prepare
    const map = substituted().States.AuditAccounts as State;
    // Assess
    expect(map.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    });
    expect(map.ItemReader).toMatchObject({ Resource: 'arn:aws:states:::s3:getObject' });
    expect(map.ResultWriter).toMatchObject({ Resource: 'arn:aws:states:::s3:putObject' });
    expect(map.MaxConcurrencyPath).toBe('$.maxConcurrency');
    expect(map.ToleratedFailurePercentage).toBe(100);
  });

  it('audits the organization end to end with the real handlers, in enforce mode', async () => {
    // Act
    const output = await execute();
    // Assess
    expect(output).toMatchObject({
      totals: { accounts: 4, audited: 2, failed: 1, skipped: 1, keysDeactivated: 3 },
    });
    expect(env.sandbox.state.findKey('AKIAPAYSTALE00000001')?.status).toBe('Inactive');
    expect(env.sandbox.state.findKey('AKIAMGMTSTALE0000001')?.status).toBe('Inactive');
    const report = organizationMessage();
    expect(report.accounts.find((a) => a.accountId === ANALYTICS)?.status).toBe('failed');
    expect(report.accounts.find((a) => a.accountId === LEGACY)?.status).toBe('skipped');
    // Each account's own message, on the same topic, with its accountId attribute.
    const accountIds = env.sandbox.state.published
      .filter((m) => m.messageAttributes.scope === undefined && m.messageAttributes.team === undefined)
      .map((m) => m.messageAttributes.accountId?.StringValue)
      .sort();
    expect(accountIds).toEqual([MANAGEMENT, PAYMENTS]);
  });

  it("with notices on, the first night tells the owners of every account on the auditor's topic and deactivates nothing", async () => {
    // Prepare: the children run at once (as the Distributed Map runs them), every answer a bit late
    vi.stubEnv('NOTICES', 'on');
    env.sandbox.faults.configure({ latencyMs: 5 });
    // Act
    const output = await execute().finally(() => env.sandbox.faults.configure({ latencyMs: 0 }));
    // Assess
    expect(output).toMatchObject({ totals: { audited: 2, keysDeactivated: 0 } });
    expect(env.sandbox.state.findKey('AKIAPAYSTALE00000001')?.status).toBe('Active');
    expect(env.sandbox.state.findKey('AKIAMGMTSTALE0000001')?.status).toBe('Active');
    // No owner tags here: each account's notice goes to the security team on the auditor's topic.
    const notices = env.sandbox.state.published.filter(
      (m) => m.messageAttributes.kind?.StringValue === 'owner-notice',
    );
    expect(notices.map((m) => m.topicArn)).toEqual([ORG_TOPIC_ARN, ORG_TOPIC_ARN]);
    expect(notices.map((m) => /AWS account (\d{12})/.exec(m.bodies.default ?? '')?.[1]).sort()).toEqual([
      MANAGEMENT,
      PAYMENTS,
    ]);
    // The ledger: the auditor's bucket, each account under its own prefix.
    for (const [accountId, keyId] of [
      [PAYMENTS, 'AKIAPAYSTALE00000001'],
      [MANAGEMENT, 'AKIAMGMTSTALE0000001'],
    ]) {
      const object = await s3().send(
        new GetObjectCommand({ Bucket: ORG_BUCKET, Key: `notices/${accountId}/${keyId}.json` }),
      );
      expect(JSON.parse((await object.Body?.transformToString()) ?? '')).toMatchObject({
        accountId,
        accessKeyId: keyId,
        current: { stages: { notice: { state: 'sent', channel: 'report-topic' } } },
      });
    }
  });

  it('records a child that crashed as a failed account and keeps every other account', async () => {
    // Act: the payments account's child fails (a Lambda timeout) after its retries.
    const output = await execute({ crash: (item) => (item as { accountId: string }).accountId === PAYMENTS });
    // Assess
    expect(output).toMatchObject({ totals: { accounts: 4, audited: 1, failed: 2, skipped: 1 } });
    const report = organizationMessage();
    expect(report.accounts.find((a) => a.accountId === PAYMENTS)).toMatchObject({
      status: 'failed',
      reason:
        "the account's audit failed on Step Functions: Sandbox.Timedout: Task timed out after 900.00 seconds",
    });
    expect(report.accounts.find((a) => a.accountId === MANAGEMENT)).toMatchObject({
      status: 'audited',
      keysDeactivated: 1,
    });
    expect(
      report.findings
        .filter((f) => f.ruleId === 'not-covered')
        .map((f) => f.accountId)
        .sort(),
    ).toEqual([PAYMENTS, ANALYTICS]);
  });

  it('reports an account the map returned no result for as not covered, never as a silent gap', async () => {
    // Act: the payments account's audit ran, but its result is missing from ResultWriter's files.
    const output = await execute({ lose: (item) => (item as { accountId: string }).accountId === PAYMENTS });
    // Assess
    expect(output).toMatchObject({ totals: { accounts: 4, audited: 1, failed: 2, skipped: 1 } });
    const report = organizationMessage();
    expect(report.accounts.find((a) => a.accountId === PAYMENTS)).toMatchObject({
      status: 'failed',
      reason: 'the Distributed Map returned no result for this account',
    });
    expect(report.findings.find((f) => f.accountId === PAYMENTS)).toMatchObject({
      ruleId: 'not-covered',
      severity: 'critical',
    });
  });

  it('fails an account whose share of the organization cap cannot be read, and deactivates nothing there', async () => {
    // Prepare: the map's ItemReader reads the account list; then the two audited accounts' reads
    // of the cap's ledger are refused.
    env.sandbox.faults.add({ operation: 's3:GetObject', code: 'AccessDenied', after: 1, times: 2 });
    // Act
    const output = await execute().finally(() => env.sandbox.faults.clearRules());
    // Assess
    expect(output).toMatchObject({ totals: { accounts: 4, audited: 0, failed: 3, keysDeactivated: 0 } });
    const report = organizationMessage();
    for (const accountId of [MANAGEMENT, PAYMENTS]) {
      expect(report.accounts.find((a) => a.accountId === accountId)?.reason).toMatch(
        new RegExp(
          `^could not take its share of the organization cap: Error: Could not read the organization cap's ledger s3://${ORG_BUCKET}/organization-runs/[^/]+/budget/ledger\\.json \\(account ${accountId}\\): Access Denied`,
        ),
      );
    }
    expect(env.sandbox.state.findKey('AKIAPAYSTALE00000001')?.status).toBe('Active');
    expect(env.sandbox.state.findKey('AKIAMGMTSTALE0000001')?.status).toBe('Active');
  });

  it('holds the organization cap across the map’s children through the budget ledger in S3', async () => {
    // Prepare
    vi.stubEnv('MAX_ACTIONS_PER_ORGANIZATION_RUN', '1');
    // Act
    const output = await execute();
    // Assess
    expect(output).toMatchObject({ cap: { limit: 1, keysDeactivated: 1, reached: true } });
    const stillActive = ['AKIAMGMTSTALE0000001', 'AKIAPAYSTALE00000001', 'AKIAPAYUNUSED0000001'].filter(
      (id) => env.sandbox.state.findKey(id)?.status === 'Active',
    );
    expect(stillActive).toHaveLength(2);
  });
});
