/**
 * `npm run bench -- --only evidence`: what usage evidence adds to a nightly run of an account with
 * 200 keys in use (each overdue for rotation and used yesterday, each with 120 CloudTrail events:
 * 3 pages) and 20 stale keys the plan would deactivate (the check before apply). The audit runs in
 * report mode on the live inventory, once with evidence off and twice on (the default time budget
 * of 120 s, and the largest, 600 s). CloudTrail's 2 lookups a second are paced on the sandbox clock,
 * which the pacing waits move on: "CloudTrail time" is the time the reads take at that limit, as
 * they would on AWS; "real time" is this machine's. Writes the `evidence` section of
 * bench/results.md and prints the rows (`--quick`: prints only).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { auditAccount } from '../src/audit.js';
import { createClients, createCloudTrailByRegion } from '../src/aws/clients.js';
import { loadSettings } from '../src/config/settings.js';
import { type FixtureInput, startSandbox } from '../src/sandbox/index.js';
import { withSection } from './results-sections.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NOW = '2026-11-20T00:00:00Z';
const ACCOUNT = '123456789012';
const IN_USE = 200;
const STALE = 20;
const EVENTS_PER_KEY = 120;
const AUDITOR = { accessKeyId: 'AKIABENCHEVIDENCE001', secretAccessKey: 'sandbox-placeholder' };
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const keyId = (prefix: string, i: number) => `AKIA${prefix}${String(i).padStart(16 - prefix.length, '0')}`;

function fixture(): FixtureInput {
  const user = (name: string, id: string, lastUsedDays: number) => ({
    name,
    createDate: daysAgo(500),
    accessKeys: [
      {
        id,
        status: 'Active' as const,
        createDate: daysAgo(400),
        lastUsed: { date: daysAgo(lastUsedDays), service: 's3', region: 'us-east-1' },
      },
    ],
  });
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        users: [
          {
            name: 'bench-auditor',
            createDate: daysAgo(30),
            accessKeys: [
              { id: AUDITOR.accessKeyId, status: 'Active', createDate: daysAgo(30), lastUsed: null },
            ],
          },
          ...Array.from({ length: IN_USE }, (_, i) => user(`svc-${i}`, keyId('USE', i), 1)),
          ...Array.from({ length: STALE }, (_, i) => user(`stale-${i}`, keyId('OLD', i), 120)),
        ],
        cloudTrailHistories: Array.from({ length: IN_USE }, (_, i) => ({
          accessKeyId: keyId('USE', i),
          userName: `svc-${i}`,
          from: daysAgo(89),
          to: daysAgo(1),
          events: EVENTS_PER_KEY,
          sourceIPs: ['198.51.100.14', '198.51.100.37'],
          userAgents: [
            'aws-sdk-java/2.25.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17 Java/17.0.10 vendor/Amazon.com_Inc.',
          ],
          calls: [{ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }],
          regions: ['us-east-1'],
        })),
      },
    ],
  };
}

interface Row {
  label: string;
  checkCalls: number;
  profileCalls: number;
  throttled: number;
  keysRead: number;
  keysCutShort: number;
  cloudTrailSeconds: number;
  realSeconds: number;
}

async function run(label: string, env: Record<string, string>): Promise<Row> {
  const sandbox = await startSandbox({ fixture: fixture() });
  try {
    const options = { endpoint: sandbox.url, region: 'us-east-1', credentials: AUDITOR };
    const calls = { check: 0, profile: 0 };
    const trails = createCloudTrailByRegion(options);
    // Counts the lookups by kind: the check before apply asks for one event, the profiles for 50.
    const evidenceTrail = (region: string): Pick<CloudTrailClient, 'send'> => ({
      send: (command: LookupEventsCommand) => {
        if (command.input.MaxResults === 1) calls.check += 1;
        else calls.profile += 1;
        return trails(region).send(command);
      },
    });
    const settings = loadSettings({ MODE: 'report', INVENTORY_SOURCE: 'live', ...env });
    const started = performance.now();
    const { report } = await auditAccount(
      {
        ...createClients(options),
        ...(settings.evidence === 'on'
          ? {
              evidenceTrail,
              sleep: async (ms: number) => {
                sandbox.state.clock.advance(ms);
              },
            }
          : {}),
        region: 'us-east-1',
        clock: () => sandbox.state.clock.now(),
        selfAccessKeyId: AUDITOR.accessKeyId,
        logger: { info: () => {}, warn: () => {} },
      },
      { settings },
    );
    const realSeconds = (performance.now() - started) / 1000;
    const evidence = report.evidence ?? [];
    return {
      label,
      checkCalls: calls.check,
      profileCalls: calls.profile,
      throttled: sandbox.state.calls().services.cloudtrail?.actions.LookupEvents?.throttled ?? 0,
      keysRead: evidence.filter((e) => e.gap === null).length,
      keysCutShort: evidence.filter((e) => e.gap !== null).length,
      cloudTrailSeconds: (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000,
      realSeconds,
    };
  } finally {
    await sandbox.close();
  }
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| run | LookupEvents: check before apply | LookupEvents: profiles | throttled | keys read whole | keys read in part or not reached | CloudTrail time at 2 lookups/s (sandbox clock) | real time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.checkCalls} | ${r.profileCalls} | ${r.throttled} | ${r.keysRead} | ${r.keysCutShort} | ${r.cloudTrailSeconds.toFixed(1)} s | ${r.realSeconds.toFixed(1)} s |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = [
    await run('evidence off', {}),
    await run('evidence on, default budget (120 s)', { EVIDENCE: 'on' }),
    await run('evidence on, largest budget (600 s)', { EVIDENCE: 'on', EVIDENCE_TIME_BUDGET_SECONDS: '600' }),
  ];
  const body = [
    `### Usage evidence: ${IN_USE} keys in use (${EVENTS_PER_KEY} events each, 3 pages) and ${STALE} stale keys, one account and region`,
    '',
    `\`npm run bench -- --only evidence\` on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    table(rows),
  ].join('\n');
  process.stdout.write(`\n${body}\n`);
  // A quick sanity run never rewrites a committed results file.
  if (process.argv.includes('--quick')) return;
  const results = new URL('./results.md', import.meta.url);
  const current = await readFile(results, 'utf8').catch(() => '');
  await writeFile(results, withSection(current, 'evidence', body));
  process.stdout.write(`\nWritten to ${results.pathname}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`evidence bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
