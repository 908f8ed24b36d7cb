import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const run = promisify(execFile);
let sandbox: RunningSandbox;

describe('Deployment: serverless invoke local', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('runs adhocAudit on the sandbox with no AWS account and returns the report', async () => {
    // Act
    const { stdout } = await run(
      'npx',
      [
        'serverless',
        'invoke',
        'local',
        '-f',
        'adhocAudit',
        '-p',
        'events/adhoc-report.json',
        '-e',
        `AWS_ENDPOINT_URL=${sandbox.url}`,
        '-e',
        'REPORT_TOPIC_ARN=arn:aws:sns:us-east-1:111111111111:key-hygiene-demo-reports',
      ],
      {
        env: {
          ...process.env,
          MODE: '',
          AWS_ACCESS_KEY_ID: 'AKIAAUDITOR000000001',
          AWS_SECRET_ACCESS_KEY: 'sandbox-placeholder',
          SLS_TELEMETRY_DISABLED: '1',
        },
        timeout: 120_000,
      },
    );
    // Assess: the function's return value is the last JSON document printed.
    const report = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as {
      accountId: string;
      mode: string;
      summary: { usersAudited: number; actionsApplied: number };
    };
    expect(report.accountId).toBe('111111111111');
    expect(report.mode).toBe('report');
    expect(report.summary.usersAudited).toBe(22);
    expect(report.summary.actionsApplied).toBe(0);
  }, 120_000);
});
