/**
 * Audit benchmark: the naive sequential scan, our live path and our credential-report path against
 * a synthetic account behind 20 ms latency and a 20 requests/s throttle.
 *
 * `npm run bench -- --only audit [--quick]`. Each (strategy, size) runs in a fresh process
 * (bench/audit-run.ts), so its peak RSS is its own; the sandbox runs in another process, so its
 * memory is not counted. IAM calls come from the sandbox's counters, reset before every run. Every
 * run has a wall limit; a run past it is killed and reported as timed out.
 * Writes bench/results.json and bench/results.md, which keep the latest full run per Node major
 * (the machine's Node and the production Node 24); `--quick` writes bench/results-quick.* instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { syntheticAccountParts } from '../src/sandbox/synthetic.js';
import { REPORT_MODE_SETTINGS, type RunOutput, type Strategy } from './audit-strategies.js';
import { sectionOf, withSection } from './results-sections.js';

/** Sections of results.md that other benchmarks write. */
const KEPT_SECTIONS = ['organization', 'package', 'evidence', 'notices'] as const;

import { startSandboxProcess } from './sandbox-process.js';

const SEED = 'bench';
const SYNTHETIC_NOW = new Date('2026-11-20T00:00:00Z');
const LATENCY_MS = 20;
const THROTTLE_RPS = 20;

const TARGETS = {
  reportPathUsers: 10_000,
  reportPathWallMs: 30_000,
  reportCallsPerKey: 0.01,
  reportCallsPerAction: 2,
  callsPerKeyFromUsers: 1_000,
  liveBoundRatio: 1.1,
  liveCallsPerKey: 2.05,
  /** The size at which the live path is held to the naive scan's wall time. */
  liveVsNaiveUsers: 1_000,
  liveVsNaiveRatio: 1.0,
  memoryUsers: 50_000,
  peakRssMb: 512,
} as const;

interface Plan {
  measured: { users: number; strategies: Strategy[] }[];
  /** The size the naive scan and the live path are extrapolated to. */
  extrapolateTo: number;
}

const FULL: Plan = {
  measured: [
    { users: 1_000, strategies: ['naive', 'live', 'credential-report'] },
    { users: 10_000, strategies: ['credential-report'] },
    { users: 50_000, strategies: ['credential-report'] },
  ],
  extrapolateTo: 10_000,
};
const QUICK: Plan = {
  measured: [
    { users: 200, strategies: ['naive', 'live', 'credential-report'] },
    { users: 2_000, strategies: ['credential-report'] },
  ],
  extrapolateTo: 2_000,
};

export interface Row {
  strategy: Strategy;
  users: number;
  /** Access keys in the account (users' and root's). */
  keys: number;
  wallMs: number | null;
  /** IAM requests the sandbox received, throttled ones included. */
  iamCalls: number | null;
  callsPerKey: number | null;
  peakRssMb: number | null;
  extrapolated: boolean;
  outcome: 'ok' | 'timed-out' | 'failed';
  /** Requests answered `Throttling`. */
  throttled: number | null;
  /** The throttle bound: calls the throttle let through divided by its rate, in ms. */
  throttleBoundMs: number | null;
  /** wallMs / throttleBoundMs. */
  boundRatio: number | null;
  /** Deactivations planned (report mode) or, for the naive scan, keys it calls unused. */
  plannedActions: number | null;
  errors: number | null;
  source: string | null;
  complete: boolean | null;
  note?: string;
}

interface Target {
  name: string;
  measured: string;
  met: boolean | null;
}

/** Keys in the synthetic account of that size: the ground truth every run is held to. */
function keysIn(users: number): number {
  const { account, users: generated } = syntheticAccountParts({ users, seed: SEED }, SYNTHETIC_NOW);
  let keys = account.rootAccessKeys?.length ?? 0;
  for (const user of generated) keys += user.accessKeys?.length ?? 0;
  return keys;
}

function spawnNode(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

function startSandbox(users: number): Promise<{ child: ChildProcess; url: string }> {
  return startSandboxProcess([
    '--synthetic-users',
    String(users),
    '--seed',
    SEED,
    '--latency-ms',
    String(LATENCY_MS),
    '--throttle-rps',
    String(THROTTLE_RPS),
  ]);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

async function sandboxJson(url: string, path: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(new URL(path, url), { method });
  if (!response.ok) throw new Error(`${method} ${path} answered HTTP ${response.status}`);
  return response.json();
}

async function iamCalls(url: string): Promise<{ total: number; throttled: number }> {
  const stats = (await sandboxJson(url, '/_sandbox/calls')) as {
    services: Record<string, { total: number; throttled: number }>;
  };
  return stats.services.iam ?? { total: 0, throttled: 0 };
}

/** Generous: several times what the throttle alone would take, so only a hang reaches it. */
function wallLimitMs(strategy: Strategy, users: number): number {
  return strategy === 'credential-report' ? 120_000 + users * 2 : 60_000 + users * 500;
}

type WorkerResult =
  | { kind: 'ok'; output: RunOutput }
  | { kind: 'timed-out'; limitMs: number }
  | { kind: 'failed'; message: string };

async function runWorker(strategy: Strategy | 'idle', url: string, limitMs: number): Promise<WorkerResult> {
  const child = spawnNode(['bench/audit-run.ts', '--strategy', strategy, '--endpoint', url]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    // Kept short: only the first lines say what failed.
    if (stderr.length < 4000) stderr += String(chunk);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (timedOut) return { kind: 'timed-out', limitMs };
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    const reason = /audit run failed: ([^\n]*)/.exec(stderr)?.[1] ?? stderr.trim().split('\n')[0] ?? '';
    return { kind: 'failed', message: `not measured: the run exited ${code} (${reason})` };
  }
  return { kind: 'ok', output: JSON.parse(line) as RunOutput };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

async function measure(strategy: Strategy, users: number, keys: number, url: string): Promise<Row> {
  await sandboxJson(url, '/_sandbox/reset', 'POST');
  const limitMs = wallLimitMs(strategy, users);
  process.stdout.write(`${strategy}, ${users} users (limit ${Math.round(limitMs / 1000)} s)... `);
  const result = await runWorker(strategy, url, limitMs);
  const calls = await iamCalls(url);
  const base = { strategy, users, keys, extrapolated: false, throttled: calls.throttled };
  if (result.kind !== 'ok') {
    const timedOut = result.kind === 'timed-out';
    const note = timedOut
      ? `killed after the ${Math.round(result.limitMs / 1000)} s wall limit`
      : result.message;
    process.stdout.write(`${note}\n`);
    return {
      ...base,
      // A failed run measured nothing; a killed one ran for the limit and made the calls counted.
      wallMs: timedOut ? result.limitMs : null,
      iamCalls: timedOut ? calls.total : null,
      throttled: timedOut ? calls.throttled : null,
      callsPerKey: null,
      peakRssMb: null,
      outcome: result.kind,
      throttleBoundMs: null,
      boundRatio: null,
      plannedActions: null,
      errors: null,
      source: null,
      complete: null,
      note,
    };
  }
  const { output } = result;
  const throttleBoundMs = Math.round(((calls.total - calls.throttled) / THROTTLE_RPS) * 1000);
  const row: Row = {
    ...base,
    wallMs: output.wallMs,
    iamCalls: calls.total,
    callsPerKey: round(calls.total / keys, 4),
    peakRssMb: output.peakRssMb,
    outcome: 'ok',
    throttleBoundMs,
    // Only the per-key scans are bound by the throttle; the report path's time is mostly its own work.
    boundRatio:
      strategy !== 'credential-report' && throttleBoundMs > 0
        ? round(output.wallMs / throttleBoundMs, 2)
        : null,
    plannedActions: output.plannedActions,
    errors: output.errors,
    source: output.source,
    complete: output.complete,
  };
  if (output.keysSeen !== keys) row.note = `saw ${output.keysSeen} of the ${keys} keys`;
  process.stdout.write(
    `${row.wallMs} ms, ${row.iamCalls} IAM calls (${row.throttled} throttled), ${row.peakRssMb} MB peak RSS\n`,
  );
  return row;
}

/** Scales a measured run to `users`: calls by users + keys (one listing entry per user, calls per key), time by the measured rate. */
function extrapolate(row: Row, users: number, keys: number): Row | null {
  if (row.outcome !== 'ok' || row.wallMs === null || row.iamCalls === null || row.throttled === null) {
    return null;
  }
  const scale = (users + keys) / (row.users + row.keys);
  const iamCalls = Math.round(row.iamCalls * scale);
  const throttled = Math.round(row.throttled * scale);
  const wallMs = Math.round(row.wallMs * (iamCalls / row.iamCalls));
  const throttleBoundMs = Math.round(((iamCalls - throttled) / THROTTLE_RPS) * 1000);
  return {
    ...row,
    users,
    keys,
    wallMs,
    iamCalls,
    throttled,
    callsPerKey: round(iamCalls / keys, 4),
    peakRssMb: null,
    extrapolated: true,
    throttleBoundMs,
    boundRatio: round(wallMs / throttleBoundMs, 2),
    plannedActions: null,
    errors: null,
    note: `from the ${row.users}-user run: calls scaled by users + keys, time by its measured call rate`,
  };
}

function evaluateTargets(rows: readonly Row[]): Target[] {
  const measured = rows.filter((row) => !row.extrapolated && row.outcome === 'ok');
  const find = (strategy: Strategy, users: number) =>
    rows.find((row) => row.strategy === strategy && row.users === users && !row.extrapolated);
  const targets: Target[] = [];

  const big = find('credential-report', TARGETS.reportPathUsers);
  targets.push({
    name: `report-mode audit of ${TARGETS.reportPathUsers.toLocaleString('en')} users under the throttle in < ${TARGETS.reportPathWallMs / 1000} s`,
    measured:
      big?.wallMs != null && big.outcome === 'ok' ? `${round(big.wallMs / 1000, 1)} s` : 'not measured',
    met: big?.wallMs != null && big.outcome === 'ok' ? big.wallMs < TARGETS.reportPathWallMs : null,
  });

  // The report path's fixed cost (generate, fetch, one tags page) is about 4 calls, more than 0.01 per
  // key allows below 400 keys; the target is about large accounts, so rows of 1,000 users and more count.
  const reportRows = measured.filter(
    (row) => row.strategy === 'credential-report' && row.users >= TARGETS.callsPerKeyFromUsers,
  );
  const overBudget = reportRows.filter(
    (row) =>
      (row.iamCalls ?? 0) >
      TARGETS.reportCallsPerKey * row.keys + TARGETS.reportCallsPerAction * (row.plannedActions ?? 0),
  );
  targets.push({
    name: `report mode <= ${TARGETS.reportCallsPerKey} IAM calls per key + ${TARGETS.reportCallsPerAction} per planned action (accounts of ${TARGETS.callsPerKeyFromUsers.toLocaleString('en')} users and more)`,
    measured:
      reportRows.length === 0
        ? 'not measured'
        : reportRows
            .map(
              (row) =>
                `${row.users} users: ${row.iamCalls} calls <= ${round(TARGETS.reportCallsPerKey * row.keys + TARGETS.reportCallsPerAction * (row.plannedActions ?? 0), 1)}`,
            )
            .join('; '),
    met: reportRows.length === 0 ? null : overBudget.length === 0,
  });

  const liveRows = measured.filter((row) => row.strategy === 'live');
  // As for the report path: the fixed cost (the first pages of users, the root's summary) is
  // about large accounts' per-key cost only from 1,000 users on.
  const liveCostRows = liveRows.filter((row) => row.users >= TARGETS.callsPerKeyFromUsers);
  targets.push({
    name: `live path <= ${TARGETS.liveCallsPerKey} IAM calls per key, throttled ones included (accounts of ${TARGETS.callsPerKeyFromUsers.toLocaleString('en')} users and more)`,
    measured:
      liveCostRows.length === 0
        ? 'not measured'
        : liveCostRows.map((row) => `${row.users} users: ${row.callsPerKey}`).join('; '),
    met:
      liveCostRows.length === 0
        ? null
        : liveCostRows.every((row) => (row.callsPerKey ?? Infinity) <= TARGETS.liveCallsPerKey),
  });

  const live = measured.find((row) => row.strategy === 'live' && row.users === TARGETS.liveVsNaiveUsers);
  const naive = measured.find((row) => row.strategy === 'naive' && row.users === TARGETS.liveVsNaiveUsers);
  const liveVsNaive =
    live?.wallMs != null && naive?.wallMs != null && naive.wallMs > 0 ? live.wallMs / naive.wallMs : null;
  targets.push({
    name: `live path at ${TARGETS.liveVsNaiveUsers.toLocaleString('en')} users in <= ${TARGETS.liveVsNaiveRatio.toFixed(1)}x the naive scan's wall time (same run)`,
    measured:
      liveVsNaive === null
        ? 'not measured'
        : `${round((live?.wallMs ?? 0) / 1000, 1)} s vs ${round((naive?.wallMs ?? 0) / 1000, 1)} s = ${round(liveVsNaive, 3)}x`,
    met: liveVsNaive === null ? null : liveVsNaive <= TARGETS.liveVsNaiveRatio,
  });

  targets.push({
    name: `live path within ${TARGETS.liveBoundRatio}x of the throttle bound (calls let through / ${THROTTLE_RPS} per s)`,
    measured:
      liveRows.length === 0
        ? 'not measured'
        : liveRows
            .map(
              (row) =>
                `${row.users} users: ${round((row.wallMs ?? 0) / 1000, 1)} s vs ${round((row.throttleBoundMs ?? 0) / 1000, 1)} s = ${row.boundRatio}x`,
            )
            .join('; '),
    met:
      liveRows.length === 0
        ? null
        : liveRows.every((row) => (row.boundRatio ?? Infinity) <= TARGETS.liveBoundRatio),
  });

  const memory = find('credential-report', TARGETS.memoryUsers);
  targets.push({
    name: `${TARGETS.memoryUsers.toLocaleString('en')} users < ${TARGETS.peakRssMb} MB peak RSS`,
    measured: memory?.peakRssMb != null ? `${memory.peakRssMb} MB` : 'not measured',
    met: memory?.peakRssMb != null ? memory.peakRssMb < TARGETS.peakRssMb : null,
  });
  return targets;
}

const STRATEGY_LABEL: Record<Strategy, string> = {
  naive: '(a) naive sequential scan',
  live: '(b) live path',
  'credential-report': '(c) credential-report path',
};

const cell = (value: number | null, suffix = '') =>
  value === null ? '-' : `${value.toLocaleString('en')}${suffix}`;

/** Where a run was measured: this machine is shared, so its load is part of the figures. */
interface Machine {
  cpus: number;
  cpuModel: string;
  /** 1, 5 and 15 minute load averages when the benchmark started and when it ended. */
  loadAverage: { atStart: number[]; atEnd: number[] };
}

/** One benchmark run; results.json keeps the latest full run per Node major. */
interface Run {
  measuredAt: string;
  quick: boolean;
  node: string;
  machine: Machine;
  sandbox: { latencyMs: number; throttleRps: number; seed: string };
  processBaselineRssMb: number | null;
  rows: Row[];
  targets: Target[];
}

const nodeMajor = (version: string) => Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
const loads = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(' / ');

function runMarkdown(run: Run): string[] {
  const { machine } = run;
  const lines = [
    `## Node ${run.node}`,
    '',
    `Measured ${run.measuredAt} on ${machine.cpus} CPUs (${machine.cpuModel}), a machine shared with other work: load average (1 / 5 / 15 min) ${loads(machine.loadAverage.atStart)} at the start, ${loads(machine.loadAverage.atEnd)} at the end. A bare process with tsx and the SDK loaded peaks at ${run.processBaselineRssMb ?? '-'} MB.`,
    '',
    '| strategy | users | keys | wall time | IAM calls (throttled) | calls per key | vs throttle bound | planned actions | peak RSS | extrapolated |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of run.rows) {
    const wall =
      row.outcome === 'timed-out'
        ? `killed after ${cell(row.wallMs === null ? null : round(row.wallMs / 1000, 1))} s`
        : row.outcome === 'failed'
          ? 'not measured'
          : `${cell(row.wallMs === null ? null : round(row.wallMs / 1000, 1))} s`;
    lines.push(
      `| ${STRATEGY_LABEL[row.strategy]} | ${cell(row.users)} | ${cell(row.keys)} | ${wall} | ${cell(row.iamCalls)} (${cell(row.throttled)}) | ${cell(row.callsPerKey)} | ${row.boundRatio === null ? '-' : `${row.boundRatio}x`} | ${row.strategy === 'naive' ? '-' : cell(row.plannedActions)} | ${cell(row.peakRssMb, ' MB')} | ${row.extrapolated ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', '| target | measured | met |', '| --- | --- | --- |');
  for (const target of run.targets) {
    lines.push(
      `| ${target.name} | ${target.measured} | ${target.met === null ? 'not measured' : target.met ? 'yes' : 'no'} |`,
    );
  }
  const notes = run.rows
    .filter((row) => row.note)
    .map((row) => `- ${STRATEGY_LABEL[row.strategy]}, ${row.users} users: ${row.note}.`);
  if (notes.length > 0) lines.push('', ...notes);
  return lines;
}

function markdown(runs: readonly Run[], quick: boolean): string {
  const lines = [
    `# Audit benchmark${quick ? ' (quick)' : ''}`,
    '',
    `\`npm run bench -- --only audit${quick ? ' --quick' : ''}\` against the sandbox with ${LATENCY_MS} ms latency and a ${THROTTLE_RPS} requests/s throttle, synthetic account seed \`${SEED}\`, on each Node the project supports (the latest full run per Node major is kept). Each run is a fresh process; peak RSS is that process's own. IAM calls are what the sandbox received, throttled ones included; the throttle bound is the calls it let through divided by ${THROTTLE_RPS} per second.`,
    '',
    `(b) and (c) run \`runAudit\` in report mode with ${Object.entries(REPORT_MODE_SETTINGS)
      .map(([name, value]) => `\`${name}=${value}\``)
      .join(
        ', ',
      )} and \`INVENTORY_SOURCE\` = \`live\` or \`credential-report\`: with the defaults the synthetic account's many stale keys exceed the blast-radius cap, nothing is planned, and the report path would read no user live. (a) is bench/naive-scan.ts: ListUsers, then per user ListAccessKeys and per key GetAccessKeyLastUsed, one call at a time, default SDK retries.`,
  ];
  for (const run of runs) lines.push('', ...runMarkdown(run));
  return `${lines.join('\n')}\n`;
}

/** The full runs already recorded, for the other Node majors (a file of the older shape has none). */
async function recordedRuns(file: URL): Promise<Run[]> {
  try {
    const recorded = JSON.parse(await readFile(file, 'utf8')) as { runs?: Run[] };
    return Array.isArray(recorded.runs) ? recorded.runs : [];
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan = quick ? QUICK : FULL;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverage: { atStart: loadavg().map((value) => round(value, 2)) },
  };
  const rows: Row[] = [];
  let baselineRssMb: number | null = null;
  for (const { users, strategies } of plan.measured) {
    const keys = keysIn(users);
    const sandbox = await startSandbox(users);
    try {
      if (baselineRssMb === null) {
        const idle = await runWorker('idle', sandbox.url, 60_000);
        if (idle.kind === 'ok') baselineRssMb = idle.output.peakRssMb;
      }
      for (const strategy of strategies) rows.push(await measure(strategy, users, keys, sandbox.url));
    } finally {
      await stop(sandbox.child);
    }
  }
  const extrapolatedKeys = keysIn(plan.extrapolateTo);
  for (const strategy of ['naive', 'live'] as const) {
    const source = rows.find((row) => row.strategy === strategy && !row.extrapolated);
    const row = source ? extrapolate(source, plan.extrapolateTo, extrapolatedKeys) : null;
    if (row) rows.push(row);
  }
  rows.sort(
    (a, b) =>
      Object.keys(STRATEGY_LABEL).indexOf(a.strategy) - Object.keys(STRATEGY_LABEL).indexOf(b.strategy) ||
      a.users - b.users,
  );
  const targets = evaluateTargets(rows);
  const run: Run = {
    measuredAt: new Date().toISOString(),
    quick,
    node: process.version,
    machine: {
      ...machine,
      loadAverage: { atStart: machine.loadAverage.atStart, atEnd: loadavg().map((value) => round(value, 2)) },
    },
    sandbox: { latencyMs: LATENCY_MS, throttleRps: THROTTLE_RPS, seed: SEED },
    processBaselineRssMb: baselineRssMb,
    rows,
    targets,
  };
  // A quick sanity run never overwrites the committed figures.
  const name = quick ? 'results-quick' : 'results';
  const json = new URL(`./${name}.json`, import.meta.url);
  const md = new URL(`./${name}.md`, import.meta.url);
  const others = quick
    ? []
    : (await recordedRuns(json)).filter((other) => nodeMajor(other.node) !== nodeMajor(run.node));
  const runs = [...others, run].sort((a, b) => nodeMajor(a.node) - nodeMajor(b.node));
  await writeFile(json, `${JSON.stringify({ runs }, null, 2)}\n`);
  // The other benchmarks' sections of results.md (organization, package) stay as they were.
  const previous = quick ? '' : await readFile(md, 'utf8').catch(() => '');
  let text = markdown(runs, quick);
  for (const section of KEPT_SECTIONS) {
    const kept = sectionOf(previous, section);
    if (kept) text = withSection(text, section, kept);
  }
  await writeFile(md, text);
  process.stdout.write(
    `\n${runMarkdown(run).join('\n')}\n\nWritten to ${json.pathname} and ${md.pathname}\n`,
  );
  const notMeasured = targets.filter((target) => target.met === null).map((target) => target.name);
  if (notMeasured.length > 0) {
    process.stdout.write(
      `Not measured at these sizes:\n${notMeasured.map((name) => `- ${name}`).join('\n')}\n`,
    );
  }
  // A miss is a measured target not met, or a run that failed or was killed; a target this run
  // cannot measure (a quick run's sizes) is listed, not counted as a miss.
  if (rows.some((row) => row.outcome !== 'ok') || targets.some((target) => target.met === false)) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`audit bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
