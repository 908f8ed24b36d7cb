// Vitest globalSetup of the `deploy` project: runs `serverless package` once per test run for a
// configured stage and once with every param at its default (it is the slow part), and hands the
// generated CloudFormation and what each function's zip holds to every test file through `inject`.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { TEST_DEPLOYMENT } from './cfn-resolver.js';
import type { PackagedArtifacts } from './packaged-template.js';
import { zipEntries } from './zip-entries.js';

const run = promisify(execFile);

/**
 * The params of the configured stage: the package test expects this subscription; the bucket, the
 * webhook parameter, cleanup and Security Hub turn the archive's, the Slack notifier's, deletion's
 * and the Security Hub export's resources on; the exemptions and the reserved concurrency are
 * checked in the template. The exemption entries carry the spaces and the missing trailing slash
 * the settings accept. organizationAudit deploys the organization state machine, its functions and
 * roles; organizationUnitIds the member role's StackSet; organizationRoleArn the listing's grant to
 * assume that one role; organizationId the event bus policy that admits the members' forwarded AWS
 * Health events; evidence the CloudTrail lookups of the usage evidence; sourceMaps ships the source maps, whose sources say which packages each bundle
 * carries.
 */
export const PACKAGE_PARAMS = {
  alertEmails: 'secops@example.com',
  reportBucket: 'acme-key-hygiene-reports',
  slackWebhookParameter: '/key-hygiene/slack-webhook',
  cleanupEnabled: 'true',
  exemptUsers: 'backup, ci-*,svc-??',
  exemptPaths: '/system, /break-glass/',
  reservedConcurrency: '1',
  securityHub: 'on',
  evidence: 'on',
  organizationAudit: 'true',
  organizationUnitIds: 'ou-ab12-cdefgh34,ou-ab12-ijklmn56',
  sourceMaps: 'true',
  organizationRoleArn: 'arn:aws:iam::123456789012:role/key-hygiene/KeyHygieneOrganizationRole',
  organizationId: 'o-a1b2c3d4e5',
} as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // One after the other: serverless-esbuild builds in the service's own `.esbuild` folder.
  const configured = await packageService(
    Object.entries(PACKAGE_PARAMS).map(([name, value]) => `${name}=${value}`),
  );
  const defaults = await packageService([]);
  project.provide('packagedTemplate', configured.template);
  project.provide('defaultTemplate', defaults.template);
  project.provide('packagedArtifacts', configured.artifacts);
  project.provide('defaultArtifacts', defaults.artifacts);
  return async () => {
    await Promise.all([configured.cleanup(), defaults.cleanup()]);
  };
}

async function packageService(params: string[]) {
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
      ...params.map((param) => `--param=${param}`),
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
  return {
    template,
    artifacts: await readArtifacts(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Each zip of the package: its size, its files, and the npm packages and files its source maps name. */
async function readArtifacts(dir: string): Promise<PackagedArtifacts> {
  const artifacts: PackagedArtifacts = {};
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.zip'))) {
    const zip = await readFile(join(dir, name));
    const entries = zipEntries(zip);
    const packages = new Set<string>();
    const packageFiles = new Set<string>();
    for (const map of entries.filter((entry) => entry.name.endsWith('.map'))) {
      for (const source of (JSON.parse(map.text()) as { sources: string[] }).sources) {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
        if (match?.[1]) packages.add(match[1]);
        const file = /.*node_modules\/(.+)$/.exec(source)?.[1];
        if (file) packageFiles.add(file);
      }
    }
    artifacts[name] = {
      bytes: zip.length,
      files: entries.map(({ name: file, size }) => ({ name: file, size })),
      packages: [...packages].sort(),
      packageFiles: [...packageFiles].sort(),
    };
  }
  return artifacts;
}
