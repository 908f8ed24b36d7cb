import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveFile } from '../../src/archive/archive-files.js';
import { writeArchive } from '../../src/archive/write-archive.js';
import type { AuditReport } from '../../src/model.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { sampleReport } from '../report/sample-report.js';
import { ACME_FIXTURE, DEV, s3Client } from '../sandbox/helpers.js';

const BUCKET = 'acme-key-hygiene-reports';
const TARGET = { bucket: BUCKET, region: 'us-east-1' };

describe('Function: writeArchive (against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let s3: S3Client;
  let warnings: Record<string, unknown>[];
  const deps = () => ({
    s3,
    logger: { warn: (_: string, extra: Record<string, unknown>) => warnings.push(extra) },
  });
  const report: AuditReport = sampleReport();
  const prefix = `reports/${report.accountId}/${report.startedAt.slice(0, 10).replace(/-/g, '/')}/${report.runId}`;
  const files: ArchiveFile[] = [
    { suffix: 'csv', contentType: 'text/csv; charset=utf-8', render: () => 'user\r\nalice\r\n' },
    {
      suffix: 'html',
      contentType: 'text/html; charset=utf-8',
      render: () => '<!doctype html><title>r</title>',
    },
  ];
  const read = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { object, text: (await object.Body?.transformToString()) ?? '' };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE });
    s3 = s3Client(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    warnings = [];
  });

  it('writes each rendering and then the full JSON report, encrypted, and links to all of them', async () => {
    // Act
    const archived = await writeArchive(deps(), TARGET, report, files);
    // Assess
    const keys = [...(sandbox.state.buckets.get(BUCKET)?.objects.keys() ?? [])].sort();
    expect(keys).toEqual([`${prefix}.csv`, `${prefix}.html`, `${prefix}.json`]);
    expect(archived.archive).toMatchObject({
      bucket: BUCKET,
      prefix,
      csv: { s3Uri: `s3://${BUCKET}/${prefix}.csv` },
      html: { s3Uri: `s3://${BUCKET}/${prefix}.html` },
      json: { s3Uri: `s3://${BUCKET}/${prefix}.json` },
    });
    const csv = await read(`${prefix}.csv`);
    expect(csv.text).toBe('user\r\nalice\r\n');
    expect(csv.object.ContentType).toBe('text/csv; charset=utf-8');
    const json = await read(`${prefix}.json`);
    expect(json.object.ContentType).toBe('application/json; charset=utf-8');
    expect(auditReportSchema.parse(JSON.parse(json.text))).toEqual(archived);
    for (const object of sandbox.state.buckets.get(BUCKET)?.objects.values() ?? []) {
      expect(object.sseRequested).toBe('AES256');
    }
    expect(archived.errors).toEqual(report.errors);
    expect(warnings).toEqual([]);
  });

  it('records a renderer that throws as an error and still writes the rest', async () => {
    const broken: ArchiveFile = {
      suffix: 'html',
      contentType: 'text/html',
      render: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const archived = await writeArchive(deps(), TARGET, report, [files[0] as ArchiveFile, broken]);
    expect(archived.archive?.html).toBeUndefined();
    expect(archived.archive?.csv).toBeDefined();
    expect(archived.archive?.json).toBeDefined();
    const entry = archived.errors.at(-1);
    expect(entry).toMatchObject({ userName: null, operation: 'RenderArchive', code: 'TypeError' });
    expect(entry?.message).toContain(`Could not render the HTML report for s3://${BUCKET}/${prefix}.html`);
    expect(archived.summary.errors).toBe(report.errors.length + 1);
    // The archived JSON knows about the failure too.
    expect(JSON.parse((await read(`${prefix}.json`)).text).errors).toEqual(archived.errors);
  });

  it('turns a missing bucket into error entries that say what to do, without throwing', async () => {
    const archived = await writeArchive(deps(), { ...TARGET, bucket: 'no-such-reports' }, report, files);
    expect(archived.archive).toEqual({ bucket: 'no-such-reports', prefix });
    const added = archived.errors.slice(report.errors.length);
    expect(added.map((e) => [e.operation, e.code])).toEqual([
      ['PutObject', 'NoSuchBucket'],
      ['PutObject', 'NoSuchBucket'],
      ['PutObject', 'NoSuchBucket'],
    ]);
    expect(added[0]?.message).toContain('deploy with --param="reportBucket=no-such-reports"');
    expect(added[0]?.message).toContain('The audit and its delivery are not affected');
    expect(archived.summary.errors).toBe(archived.errors.length);
    expect(warnings).toHaveLength(3);
  });

  it("refuses to write into another account's bucket", async () => {
    sandbox.state.addBucket(DEV, { name: 'acme-dev-reports' });
    const archived = await writeArchive(deps(), { ...TARGET, bucket: 'acme-dev-reports' }, report, []);
    expect(archived.errors.at(-1)).toMatchObject({ operation: 'PutObject', code: 'AccessDenied' });
    expect(archived.errors.at(-1)?.message).toContain(
      's3:PutObject on arn:aws:s3:::acme-dev-reports/reports/*',
    );
    expect(sandbox.state.buckets.get('acme-dev-reports')?.objects.size).toBe(0);
  });
});
