import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_PERMISSIONS } from '../../src/archive/write-archive.js';
import { SETTINGS_DOC } from '../../src/config/settings.js';
import { CREDENTIAL_REPORT_PERMISSIONS } from '../../src/inventory/credential-report-collector.js';
import { LIVE_COLLECTOR_PERMISSIONS } from '../../src/inventory/live-collector.js';
import { APPLY_PERMISSIONS } from '../../src/remediation/apply.js';
import { UNDO_PERMISSIONS } from '../../src/undo/run-undo.js';

const run = promisify(execFile);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface TemplateResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  Properties: Record<string, unknown>;
}
type Template = { Resources: Record<string, TemplateResource>; Conditions: Record<string, unknown> };

/** The package is built with a report bucket, so the archive's resources are checked too. */
const REPORT_BUCKET = 'acme-key-hygiene-reports';

let dir: string;
let template: Template;

function resourcesOfType(type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every statement the function role gets: its inline policies and the policies attached to it. */
function roleStatements(): Statement[] {
  const roles = resourcesOfType('AWS::IAM::Role');
  const inline = roles.flatMap(([, role]) =>
    ((role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  );
  const attached = resourcesOfType('AWS::IAM::Policy').flatMap(
    ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
  return [...inline, ...attached];
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Deployment: serverless package', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'key-hygiene-package-'));
    await run(
      'npx',
      [
        'serverless',
        'package',
        '--stage',
        'test',
        '--region',
        'us-east-1',
        '--package',
        dir,
        '--param=alertEmails=secops@example.com',
        `--param=reportBucket=${REPORT_BUCKET}`,
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
          SLS_TELEMETRY_DISABLED: '1',
        },
        timeout: 240_000,
      },
    );
    template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 300_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('schedules the nightly audit at 03:00 UTC by default', () => {
    // Prepare
    const rules = resourcesOfType('AWS::Events::Rule');
    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
  });

  it('creates an encrypted report topic and subscribes the configured email', () => {
    // Prepare
    const topics = resourcesOfType('AWS::SNS::Topic');
    const subscriptions = resourcesOfType('AWS::SNS::Subscription');
    // Assess
    expect(topics).toHaveLength(1);
    expect(topics[0]?.[1].Properties.KmsMasterKeyId).toEqual({ Ref: 'ReportTopicKey' });
    expect(subscriptions.map(([, s]) => s.Properties)).toEqual([
      { TopicArn: { Ref: 'ReportTopic' }, Protocol: 'email', Endpoint: 'secops@example.com' },
    ]);
  });

  it('runs both functions on nodejs22.x arm64 with a timeout above the time-budget margin', () => {
    // Prepare
    const functions = resourcesOfType('AWS::Lambda::Function').map(([, f]) => f.Properties);
    // Assess
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Timeout).toBe(900);
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Number(env.TIME_BUDGET_MARGIN_SECONDS)).toBeLessThan(900);
      expect(env.MODE).toBe('report');
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('key-hygiene');
      // Every documented setting reaches the function, as a plain string (invoke local needs that).
      for (const { env: name } of SETTINGS_DOC) expect(typeof env[name], name).toBe('string');
    }
  });

  it('grants exactly the IAM actions the code calls, and no wildcard action', () => {
    // Prepare
    const statements = roleStatements();
    const iamActions = statements.flatMap(actionsOf).filter((a) => a.startsWith('iam:'));
    const expected = [
      ...new Set([
        ...LIVE_COLLECTOR_PERMISSIONS,
        ...CREDENTIAL_REPORT_PERMISSIONS,
        ...APPLY_PERMISSIONS,
        ...UNDO_PERMISSIONS,
      ]),
    ].sort();
    // Assess
    expect([...new Set(iamActions)].sort()).toEqual(expected);
    expect(
      statements.flatMap(actionsOf).filter((a) => a.includes('*') && !a.startsWith('kms:GenerateDataKey')),
    ).toEqual([]);
    for (const s of statements) expect(s.Effect).toBe('Allow');
  });

  it('lets the mutating IAM actions touch users only, never any resource', () => {
    // Prepare
    const mutating = roleStatements().filter((s) =>
      actionsOf(s).some((a) => a === 'iam:UpdateAccessKey' || a === 'iam:TagUser'),
    );
    // Assess
    expect(mutating).toHaveLength(1);
    expect(JSON.stringify(mutating[0]?.Resource)).toContain(':user/*');
  });

  it('allows publishing to the report topic only', () => {
    // Prepare
    const publish = roleStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    // Assess
    expect(publish).toHaveLength(1);
    expect(actionsOf(publish[0] as Statement)).toEqual(['sns:Publish']);
    expect(publish[0]?.Resource).toEqual({ 'Fn::If': ['UseExternalTopic', '', { Ref: 'ReportTopic' }] });
  });

  it('creates the report bucket only when reportBucket is set: encrypted, private, kept on stack removal', () => {
    // Prepare
    // (The other bucket is osls's deployment bucket.)
    const buckets = resourcesOfType('AWS::S3::Bucket').filter(([id]) => id !== 'ServerlessDeploymentBucket');
    // Assess: with an empty param the condition is Not(Equals('', '')), false, so no bucket.
    expect(template.Conditions.HasReportBucket).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [REPORT_BUCKET, ''] }],
    });
    expect(buckets.map(([id]) => id)).toEqual(['ReportBucket']);
    const bucket = template.Resources.ReportBucket as TemplateResource;
    expect(bucket.Condition).toBe('HasReportBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketName).toBe(REPORT_BUCKET);
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('expires archived reports after reportRetentionDays (400 by default)', () => {
    const bucket = template.Resources.ReportBucket as TemplateResource;
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'ExpireArchivedReports', Status: 'Enabled', Prefix: 'reports/', ExpirationInDays: 400 }],
    });
  });

  it('denies every request to the bucket and its objects that does not use TLS', () => {
    const policy = template.Resources.ReportBucketPolicy as TemplateResource;
    expect(policy.Properties.Bucket).toEqual({ Ref: 'ReportBucket' });
    expect(policy.Condition).toBe('HasReportBucket');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [
          { 'Fn::GetAtt': ['ReportBucket', 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/*']] },
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('lets the role put objects under reports/ of the report bucket, and nothing else in S3', () => {
    // Prepare
    const s3 = roleStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const [[, policy]] = resourcesOfType('AWS::IAM::Policy') as [[string, TemplateResource]];
    // Assess
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0] as Statement)).toEqual([...ARCHIVE_PERMISSIONS]);
    expect(s3[0]?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'ReportBucket' }, '/reports/*']],
    });
    expect(policy.Condition).toBe('HasReportBucket');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    const functions = resourcesOfType('AWS::Lambda::Function').map(([, f]) => f.Properties);
    for (const fn of functions) {
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.REPORT_BUCKET).toBe(
        REPORT_BUCKET,
      );
    }
  });
});
