import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { deliverReport } from '../../src/deliver.js';
import { auditReportSchema } from '../../src/report/schema.js';
import type { AuditDeps } from '../../src/run-start.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const FIXTURE = 'events/sandbox/acme.json';
const NOW = new Date('2026-11-20T00:00:00Z');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:key-hygiene-demo-reports';
const BUCKET = 'acme-key-hygiene-reports';

interface Published {
  bodies: Record<string, string>;
}

describe('Archive: an audit of the acme account with a report bucket', () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let deps: AuditDeps;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: FIXTURE });
    clients = createClients({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 2,
    });
    deps = {
      ...clients,
      region: 'us-east-1',
      clock: () => NOW,
      selfAccessKeyId: 'AKIAAUDITOR000000001',
      logger: { info: () => undefined, warn: () => undefined },
    };
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  const published = async () =>
    ((await (await fetch(`${sandbox.url}/_sandbox/published`)).json()) as { messages: Published[] }).messages;

  it('writes the full JSON and the CSV under reports/<account>/<yyyy>/<mm>/<dd>/<runId> before publishing links to them', async () => {
    // Prepare
    const settings = loadSettings({ MODE: 'report', REPORT_TOPIC_ARN: TOPIC_ARN, REPORT_BUCKET: BUCKET });
    // Act
    const report = await runAudit(deps, { settings });
    await deliverReport(deps, settings, report);
    // Assess: the objects, listed through the real SDK.
    const prefix = `reports/111111111111/2026/11/20/${report.runId}`;
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([
      `${prefix}.csv`,
      `${prefix}.html`,
      `${prefix}.json`,
      `${prefix}.ocsf.jsonl`,
    ]);
    expect(report.archive).toMatchObject({ bucket: BUCKET, prefix });
    expect(report.errors).toEqual([]);

    const json = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}.json` }));
    const archived = auditReportSchema.parse(JSON.parse((await json.Body?.transformToString()) ?? ''));
    expect(archived).toEqual(report);
    expect(archived.findings).toHaveLength(report.summary.findings);

    const csv = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}.csv` }));
    const lines = ((await csv.Body?.transformToString()) ?? '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(report.summary.keysAudited + 1);
    expect(lines.some((line) => line.startsWith('bob,AKIABOB0000000000001,Active,'))).toBe(true);

    const ocsf = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}.ocsf.jsonl` }));
    expect(ocsf.ContentType).toBe('application/x-ndjson; charset=utf-8');
    const findings = ((await ocsf.Body?.transformToString()) ?? '').trimEnd().split('\n');
    expect(findings.map((line) => JSON.parse(line).class_uid)).toEqual(report.findings.map(() => 2004));

    const html = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}.html` }));
    expect(html.ContentType).toBe('text/html; charset=utf-8');
    const page = (await html.Body?.transformToString()) ?? '';
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page).toContain('<svg');

    // The message links to the archive: the email text and the JSON for machines.
    const [message] = await published();
    expect(message?.bodies.email).toContain(`Full report (HTML):\n${report.archive?.html?.consoleUrl}\n`);
    expect(message?.bodies.email).toContain(`Full report (JSON):\n${report.archive?.json?.consoleUrl}\n`);
    expect(message?.bodies.email).toContain(`Every key (CSV):\n${report.archive?.csv?.consoleUrl}\n`);
    expect(JSON.parse(message?.bodies.sqs ?? '{}').archive).toEqual(report.archive);
    // One write per object, no retries.
    expect(sandbox.state.calls().services.s3?.actions.PutObject?.total).toBe(4);
  });

  it('records a missing bucket as errors and still publishes the report', async () => {
    // Prepare
    const settings = loadSettings({
      MODE: 'report',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      REPORT_BUCKET: 'acme-gone',
    });
    // Act
    const report = await runAudit(deps, { settings });
    const delivery = await deliverReport(deps, settings, report);
    // Assess
    expect(delivery.messageId).toBeTruthy();
    expect(report.archive).toEqual({
      bucket: 'acme-gone',
      prefix: expect.stringMatching(/^reports\/111111111111\//),
    });
    expect(report.errors.map((e) => [e.operation, e.code])).toEqual([
      ['PutObject', 'NoSuchBucket'],
      ['PutObject', 'NoSuchBucket'],
      ['PutObject', 'NoSuchBucket'],
      ['PutObject', 'NoSuchBucket'],
    ]);
    expect(report.summary.errors).toBe(4);
    const [message] = await published();
    const email = message?.bodies.email ?? '';
    expect(email).toContain('ERRORS (4)');
    expect(email).toContain('Account: PutObject failed');
    expect(email.replace(/\n\s*/g, ' ')).toContain(
      'Could not archive the CSV report to s3://acme-gone/reports/111111111111/',
    );
    expect(email).not.toContain('Full report (JSON):');
  });

  it('archives nothing when no bucket is set', async () => {
    const settings = loadSettings({ MODE: 'report', REPORT_TOPIC_ARN: TOPIC_ARN });
    const report = await runAudit(deps, { settings });
    expect(report.archive).toBeUndefined();
    expect(sandbox.state.calls().services.s3).toBeUndefined();
  });
});
