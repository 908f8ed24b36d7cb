/**
 * One benchmark run in its own process, so its peak RSS is its own: `bench/audit-bench.ts` starts
 * this once per (strategy, size) against a sandbox in another process.
 *
 * `node --import tsx bench/audit-run.ts --strategy naive|live|credential-report --endpoint URL`
 * prints one JSON line: what the run saw, its wall time and the process's peak RSS.
 */
import { parseArgs } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { runAudit } from '../src/audit.js';
import { createClients } from '../src/aws/clients.js';
import { loadSettings } from '../src/config/settings.js';
import { SYNTHETIC_DEFAULT_NOW } from '../src/sandbox/synthetic.js';
import { REPORT_MODE_SETTINGS, type RunOutput, STRATEGIES, type Strategy } from './audit-strategies.js';
import { naiveScan } from './naive-scan.js';

// The synthetic account's ages are relative to the sandbox's pinned clock.
const NOW = new Date(SYNTHETIC_DEFAULT_NOW);
const CREDENTIALS = { accessKeyId: 'AKIABENCHAUDITOR0001', secretAccessKey: 'sandbox-placeholder' };
const silent = { info: () => undefined, warn: () => undefined };

async function run(strategy: Strategy | 'idle', endpoint: string): Promise<Omit<RunOutput, 'peakRssMb'>> {
  if (strategy === 'idle') {
    // The process with every module loaded and nothing run: the floor under every peak RSS.
    return { wallMs: 0, keysSeen: 0, plannedActions: 0, errors: 0, source: null, complete: true };
  }
  if (strategy === 'naive') {
    // Default retry settings, as the boto3 samples have.
    const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
    const started = performance.now();
    const result = await naiveScan(iam, NOW);
    return {
      wallMs: Math.round(performance.now() - started),
      keysSeen: result.keys,
      plannedActions: result.unused.length,
      errors: result.failedCalls,
      source: 'naive-scan',
      complete: result.failedCalls === 0,
    };
  }
  const settings = loadSettings({ ...REPORT_MODE_SETTINGS, INVENTORY_SOURCE: strategy });
  // A build without the INVENTORY_SOURCE setting has only the live path.
  const chosen = (settings as { inventorySource?: unknown }).inventorySource ?? 'live';
  if (chosen !== strategy) {
    throw new Error(
      `The settings chose the inventory source "${String(chosen)}", not "${strategy}": this build cannot run the ${strategy} path`,
    );
  }
  const clients = createClients({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const started = performance.now();
  const report = await runAudit(
    { ...clients, region: 'us-east-1', clock: () => NOW, selfAccessKeyId: null, logger: silent },
    { settings },
  );
  const wallMs = Math.round(performance.now() - started);
  return {
    wallMs,
    keysSeen: report.summary.keysAudited,
    plannedActions: report.summary.actionsPlanned,
    errors: report.summary.errors,
    source: report.source.kind,
    complete: report.complete,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { strategy: { type: 'string' }, endpoint: { type: 'string' } },
  });
  const strategy = values.strategy as Strategy | 'idle';
  if (!(strategy === 'idle' || STRATEGIES.includes(strategy)) || !values.endpoint) {
    throw new Error(`Usage: audit-run.ts --strategy ${STRATEGIES.join('|')}|idle --endpoint URL`);
  }
  const output = await run(strategy, values.endpoint);
  // maxRSS is in kilobytes: the high-water mark of this whole process, audit included.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
  process.stdout.write(`${JSON.stringify({ ...output, peakRssMb } satisfies RunOutput)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`audit run failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
