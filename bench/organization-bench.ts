/**
 * `npm run bench -- --only organization`: an organization of 100 accounts x 1,000 synthetic users
 * on one sandbox in a process of its own (a per-account throttle of 20 requests/s, 20 ms latency;
 * on AWS, IAM's work is not on the auditor's CPU either), audited in report mode
 * by the local runner (`runOrganizationAudit`, the same steps as the state machine) at
 * concurrency 1, 5, 10 and 20. Writes bench/organization-results.md, with the time and cost it
 * models for 1,000 accounts x 5,000 users on Step Functions from the measured per-account cost.
 * `--accounts N` and `--concurrency 1,20` shrink the run; `--quick` is 20 accounts at 1 and 20,
 * written to bench/organization-results-quick.md, with no target enforced.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClients } from '../src/aws/clients.js';
import { loadSettings } from '../src/config/settings.js';
import { runOrganizationAudit } from '../src/org/run-organization.js';
import { organizationRunDeps } from '../src/runtime/organization-deps.js';
import type { CallStats } from '../src/sandbox/call-stats.js';
import { type FixtureInput, generateSyntheticAccount } from '../src/sandbox/index.js';
import { SYNTHETIC_DEFAULT_NOW } from '../src/sandbox/synthetic.js';
import { REPORT_MODE_SETTINGS } from './audit-strategies.js';
import { withSection } from './results-sections.js';
import { startSandboxProcess } from './sandbox-process.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NOW = new Date(SYNTHETIC_DEFAULT_NOW);
const USERS = 1000;
const AUDITOR = { accessKeyId: 'AKIABENCHORGAUDIT001', secretAccessKey: 'sandbox-placeholder' };
const accountId = (i: number) => String(100_000_000_000 + i);

function organization(accounts: number): FixtureInput {
  const list = Array.from({ length: accounts }, (_, i) =>
    generateSyntheticAccount(
      { users: USERS, seed: `org-bench-${i}`, accountId: accountId(i), alias: `bench-${i}` },
      NOW,
    ),
  );
  list[0]?.users.push({
    name: 'bench-auditor',
    path: '/',
    createDate: '2026-01-01T00:00:00Z',
    tags: {},
    groups: [],
    attachedPolicies: [],
    inlinePolicies: {},
    accessKeys: [
      { id: AUDITOR.accessKeyId, status: 'Active', createDate: '2026-01-01T00:00:00Z', lastUsed: null },
    ],
  });
  return { now: SYNTHETIC_DEFAULT_NOW, organization: { managementAccountId: accountId(0) }, accounts: list };
}

interface Row {
  concurrency: number;
  wallMs: number;
  /** CPU time of the auditor's process (the sandbox runs in another). */
  auditorCpuMs: number;
  iamCalls: number;
  throttled: number;
  audited: number;
  keys: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string' }, concurrency: { type: 'string' }, quick: { type: 'boolean' } },
  });
  // --quick: a smoke run (20 accounts at 1 and 20) whose figures go to a file of their own; the
  // targets are for the full organization only.
  const quick = values.quick === true;
  const accounts = Number(values.accounts ?? (quick ? 20 : 100));
  const levels = (values.concurrency ?? (quick ? '1,20' : '1,5,10,20')).split(',').map(Number);
  const load = loadavg();
  const dir = await mkdtemp(join(tmpdir(), 'key-hygiene-org-bench-'));
  const fixturePath = join(dir, 'organization.json');
  await writeFile(fixturePath, JSON.stringify(organization(accounts)));
  const sandbox = await startSandboxProcess([
    '--fixture',
    fixturePath,
    '--latency-ms',
    '20',
    '--throttle-rps',
    '20',
  ]);
  const rows: Row[] = [];
  try {
    for (const concurrency of levels) {
      await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
      const options = { endpoint: sandbox.url, region: 'us-east-1', credentials: AUDITOR };
      const clients = createClients(options);
      const settings = loadSettings({
        ...REPORT_MODE_SETTINGS,
        INVENTORY_SOURCE: 'credential-report',
        ORGANIZATION_CONCURRENCY: String(concurrency),
      });
      const deps = organizationRunDeps(
        {
          ...clients,
          region: 'us-east-1',
          clock: () => NOW,
          selfAccessKeyId: null,
          logger: { info: () => {}, warn: () => {} },
        },
        options,
      );
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const { report } = await runOrganizationAudit(deps, settings, { notify: false });
      const wallMs = Math.round(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as CallStats;
      const iam = calls.services.iam;
      const row = {
        concurrency,
        wallMs,
        auditorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        iamCalls: iam?.total ?? 0,
        throttled: iam?.throttled ?? 0,
        audited: report.totals.audited,
        keys: report.accounts.reduce((sum, a) => sum + (a.summary?.keysAudited ?? 0), 0),
      };
      rows.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
  } finally {
    sandbox.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
  await writeFile(
    quick ? 'bench/organization-results-quick.md' : 'bench/organization-results.md',
    markdown(rows, accounts, load),
  );
  if (quick) return;
  // The model also goes to bench/results.md, the audit benchmark's file, in a section of its own.
  const results = new URL('./results.md', import.meta.url);
  const current = await readFile(results, 'utf8').catch(() => '');
  await writeFile(results, withSection(current, 'organization', modelSection(rows, accounts)));
  const first = rows.find((r) => r.concurrency === 1);
  const best = rows.find((r) => r.concurrency === 20);
  const failed: string[] = [];
  if (best && accounts === 100 && best.wallMs >= 60_000) failed.push('concurrency 20 took 60 s or more');
  if (first && best && first.wallMs / best.wallMs < 5)
    failed.push('less than 5x faster from concurrency 1 to 20');
  if (failed.length > 0) {
    process.stderr.write(`organization bench: target missed: ${failed.join('; ')}\n`);
    process.exitCode = 1;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function markdown(rows: readonly Row[], accounts: number, loadAtStart: number[]): string {
  const first = rows.find((r) => r.concurrency === 1) ?? rows[0];
  const perKeyCalls = first && first.keys > 0 ? first.iamCalls / first.keys : 0;
  const best = rows.find((r) => r.concurrency === 20);
  return `# Organization benchmark

\`npm run bench -- --only organization\`: ${accounts} accounts x ${USERS.toLocaleString('en-US')} synthetic users on one sandbox (in a process of its own, as IAM is not on the auditor's CPU), 20 ms latency and a 20 requests/s throttle per account, report mode on the credential-report path (\`UNUSED_KEY_DAYS=1800\`, as the audit benchmark), audited by the local runner as \`key-hygiene org\` runs it. The auditor's CPU is that of its process (the sandbox's is not counted). Measured ${new Date().toISOString()} on ${cpus().length} CPUs, Node ${process.version}, a machine shared with other work (load average at the start ${loadAtStart.map((n) => n.toFixed(2)).join(' / ')}).

| concurrency | wall time | auditor CPU | accounts audited | keys | IAM calls (throttled) | IAM calls per key | speed-up vs 1 |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows
  .map(
    (r) =>
      `| ${r.concurrency} | ${seconds(r.wallMs)} | ${seconds(r.auditorCpuMs)} | ${r.audited} | ${r.keys.toLocaleString('en-US')} | ${r.iamCalls.toLocaleString('en-US')} (${r.throttled}) | ${(r.keys > 0 ? r.iamCalls / r.keys : 0).toFixed(3)} | ${first ? (first.wallMs / r.wallMs).toFixed(1) : '-'}x |`,
  )
  .join('\n')}

| target | measured | met |
| --- | --- | --- |
| 100 accounts at concurrency 20 in < 60 s | ${best ? seconds(best.wallMs) : 'not run'} | ${best && accounts === 100 ? (best.wallMs < 60_000 ? 'yes' : 'no') : '-'} |
| wall time falls >= 5x from concurrency 1 to 20 | ${first && best ? `${(first.wallMs / best.wallMs).toFixed(1)}x` : 'not run'} | ${first && best ? (first.wallMs / best.wallMs >= 5 ? 'yes' : 'no') : '-'} |
| IAM calls per key as in the single-account bench (credential-report path: 0.02 at 1,000 users) | ${perKeyCalls.toFixed(3)} | ${perKeyCalls <= 0.025 ? 'yes' : 'no'} |

${modelSection(rows, accounts)}`;
}

/** The modelled 1,000 accounts x 5,000 users on Step Functions, from the measured per-account cost. */
function modelSection(rows: readonly Row[], accounts: number): string {
  const first = rows.find((r) => r.concurrency === 1) ?? rows[0];
  const perAccountMs = first ? first.wallMs / accounts : 0;
  const perKeyCalls = first && first.keys > 0 ? first.iamCalls / first.keys : 0;
  // The model: an account's audit on the credential-report path costs about the same calls per key
  // at 5,000 users; its time grows with its users (report download and parse dominate), so scale the
  // measured per-account time by 5; 1,000 accounts at MaxConcurrency 100 run in 10 waves.
  const modelAccountS = (perAccountMs / 1000) * 5;
  const waves = Math.ceil(1000 / 100);
  const modelWallS = modelAccountS * waves;
  // Standard workflow: the parent's transitions plus each child's (start, task, end: about 3), plus the map's.
  const transitions = 1000 * 3 + 10;
  const transitionCost = (transitions / 1000) * 0.025;
  // Lambda arm64 at 512 MB: $0.0000133334 per GB-s (us-east-1, 2026 list price), 0.5 GB.
  const lambdaGbS = 1000 * modelAccountS * 0.5;
  const lambdaCost = lambdaGbS * 0.0000133334 + 1002 * 0.0000002;
  return `## Modelled: 1,000 accounts x 5,000 users on Step Functions, MaxConcurrency 100

Written by \`npm run bench -- --only organization\` (bench/organization-results.md has the measured rows), from the measured cost of one account at concurrency 1 (${seconds(perAccountMs)} for ${USERS.toLocaleString('en-US')} users, ${perKeyCalls.toFixed(3)} IAM calls per key; IAM's throttle is per account, so accounts do not slow each other down on AWS, and each child is a Lambda of its own):

- one account of 5,000 users: about ${modelAccountS.toFixed(1)} s (the per-account time scaled by the users; the credential-report rows of the audit benchmark grow about linearly with the users);
- 1,000 accounts at MaxConcurrency 100: ${waves} waves, about ${(modelWallS / 60).toFixed(1)} minutes, plus the list and summary tasks (seconds);
- Step Functions: about ${transitions.toLocaleString('en-US')} state transitions (the parent's few, three per child execution: start, the task, the end) = about $${transitionCost.toFixed(3)} per run at $0.025 per 1,000 transitions;
- Lambda (arm64, 512 MB): about ${Math.round(lambdaGbS).toLocaleString('en-US')} GB-s and 1,002 requests = about $${lambdaCost.toFixed(3)} per run, before the free tier; S3 (the item list, results and budget ledger: a few thousand requests) adds cents.

This is a model, not a measurement: only AWS runs the Distributed Map, and real IAM latencies differ from the sandbox's 20 ms.
`;
}

main().catch((error: unknown) => {
  process.stderr.write(`organization bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
