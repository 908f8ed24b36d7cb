// Vitest globalSetup of the `deploy` project: runs `serverless package` once per test run (it is the
// slow part) and hands the generated CloudFormation to every test file through `inject`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { TEST_DEPLOYMENT } from './cfn-resolver.js';

const run = promisify(execFile);

/** The params of the packaged stage: the package test expects this subscription; the bucket and the webhook parameter turn the archive's and the Slack notifier's resources on. */
const PACKAGE_PARAMS = [
  'alertEmails=secops@example.com',
  'reportBucket=acme-key-hygiene-reports',
  'slackWebhookParameter=/key-hygiene/slack-webhook',
];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'key-hygiene-package-'));
  const { stage, region } = TEST_DEPLOYMENT;
  await run(
    'npx',
    [
      'serverless',
      'package',
      '--stage',
      stage,
      '--region',
      region,
      '--package',
      dir,
      ...PACKAGE_PARAMS.map((param) => `--param=${param}`),
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
  const template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  project.provide('packagedTemplate', template);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
