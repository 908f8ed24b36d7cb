import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_DOC } from '../../src/config/settings.js';
import { CREDENTIAL_REPORT_PERMISSIONS } from '../../src/inventory/credential-report-collector.js';
import { LIVE_COLLECTOR_PERMISSIONS } from '../../src/inventory/live-collector.js';
import { APPLY_PERMISSIONS } from '../../src/remediation/apply.js';

const run = promisify(execFile);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

let dir: string;
let template: Template;

function resourcesOfType(type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function roleStatements(): Statement[] {
  const roles = resourcesOfType('AWS::IAM::Role');
  return roles.flatMap(([, role]) =>
    ((role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  );
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
      ...new Set([...LIVE_COLLECTOR_PERMISSIONS, ...CREDENTIAL_REPORT_PERMISSIONS, ...APPLY_PERMISSIONS]),
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
});
