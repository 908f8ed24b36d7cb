/**
 * Package benchmark: each function's zip size and the time to load its bundle (`require` in a fresh
 * Node process, median of several runs), for the packaging before `package.individually` (one
 * shared artifact of unminified bundles with linked source maps) and for today's (one minified zip
 * per function, the SDK's ES build first, no maps). Both are built here with esbuild from the same
 * entry points and the options of serverless.yml's `custom.esbuild`, then and now.
 *
 * Run with `npm run bench -- --only package [--quick]`. Writes the `package` section of
 * bench/results.md (a quick run only prints). Exits 1 when a target is missed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { withSection } from './results-sections.js';

const run = promisify(execFile);
const QUICK = process.argv.includes('--quick');
const LOAD_RUNS = QUICK ? 3 : 15;
const MAX_ZIP_BYTES = 1024 * 1024;

/** The options both configurations share (serverless-esbuild takes the target from nodejs24.x). */
const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  outExtension: { '.js': '.cjs' },
  logLevel: 'error',
};
const BEFORE: BuildOptions = { ...COMMON, minify: false, sourcemap: 'linked' };
/** serverless.yml's `custom.esbuild.plugins`, the same file. */
const PLUGINS = createRequire(import.meta.url)('../deploy/esbuild-plugins.cjs') as Plugin[];
const NOW: BuildOptions = {
  ...COMMON,
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  plugins: PLUGINS,
};

interface Row {
  handler: string;
  beforeBundle: number;
  beforeLoadMs: number;
  nowZip: number;
  nowBundle: number;
  nowLoadMs: number;
}

/** A zip's size, near enough: each file deflated (as the framework's archiver does) plus its headers. */
function zipBytes(files: readonly { name: string; data: Buffer }[]): number {
  return files.reduce((sum, f) => sum + deflateRawSync(f.data).length + 30 + 46 + 2 * f.name.length, 22);
}

async function filesUnder(dir: string): Promise<{ name: string; data: Buffer }[]> {
  const names = (await readdir(dir, { recursive: true })).map(String).sort();
  const files = [];
  for (const name of names) {
    const data = await readFile(join(dir, name)).catch(() => null);
    if (data) files.push({ name, data });
  }
  return files;
}

/** Milliseconds to `require` a bundle, measured inside a fresh process. */
async function loadOnce(bundle: string): Promise<number> {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...FUNCTION_ENV },
    timeout: 60_000,
  });
  return Number(stdout);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * The median load of each of two bundles over LOAD_RUNS, taken in turns (before, now, before, ...)
 * so that whatever else the machine does falls on both alike.
 */
async function loadMs(before: string, now: string): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < LOAD_RUNS; i++) {
    times[0].push(await loadOnce(before));
    times[1].push(await loadOnce(now));
  }
  return [median(times[0]), median(times[1])];
}

/**
 * What the functions' module-level set-up needs to load (the organization steps need a bucket, the
 * answer page its link secret's name).
 */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  REPORT_BUCKET: 'bench-reports',
  ANSWER_SECRET: 'key-hygiene-bench-answer-link',
  SLACK_WEBHOOK_PARAMETER: '/key-hygiene/slack-webhook',
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function markdown(rows: readonly Row[], sharedZip: number, failed: readonly string[]): string {
  const lines = [
    `## Packages (Node ${process.version}, ${LOAD_RUNS} loads per bundle)`,
    '',
    `Before: one shared artifact of all seven unminified bundles with linked source maps, ${kb(sharedZip)} zipped. ` +
      'Now: one zip per function, minified, the SDK resolved to its ES build (per-command files that esbuild drops when unused), only the SDK clients the function calls, zod without its translations, no source map. ' +
      'Load: `require` of the bundle in a fresh Node process, median, before and now taken in turns.',
    '',
    '| function bundle | before: bundle | before: load | now: zip | now: bundle | now: load |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.handler} | ${kb(r.beforeBundle)} | ${ms(r.beforeLoadMs)} | ${kb(r.nowZip)} | ${kb(r.nowBundle)} | ${ms(r.nowLoadMs)} |`,
    ),
    '',
    '| target | met |',
    '| --- | --- |',
    `| each function's zip under 1 MB | ${rows.every((r) => r.nowZip < MAX_ZIP_BYTES) ? 'yes' : 'no'} |`,
    `| no function loads slower than before (same run) | ${rows.every((r) => r.nowLoadMs <= r.beforeLoadMs) ? 'yes' : 'no'} |`,
  ];
  if (failed.length > 0) lines.push('', `Missed: ${failed.join('; ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const handlers = (await readdir('handlers')).filter((name) => name.endsWith('.ts')).sort();
  const dir = await mkdtemp(join(tmpdir(), 'key-hygiene-package-bench-'));
  try {
    const before = join(dir, 'before');
    await build({ ...BEFORE, entryPoints: handlers.map((h) => `handlers/${h}`), outdir: before });
    const sharedZip = zipBytes(await filesUnder(before));
    const rows: Row[] = [];
    for (const handler of handlers) {
      const base = handler.replace(/\.ts$/, '');
      const now = join(dir, 'now', base);
      await build({ ...NOW, entryPoints: [`handlers/${handler}`], outdir: now });
      const nowFiles = await filesUnder(now);
      const beforeBundle = join(before, `${base}.cjs`);
      const nowBundle = join(now, `${base}.cjs`);
      const [beforeLoadMs, nowLoadMs] = await loadMs(beforeBundle, nowBundle);
      const row: Row = {
        handler: `handlers/${base}`,
        beforeBundle: (await readFile(beforeBundle)).length,
        beforeLoadMs,
        nowZip: zipBytes(nowFiles),
        nowBundle: (await readFile(nowBundle)).length,
        nowLoadMs,
      };
      rows.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
    const failed = [
      ...rows.filter((r) => r.nowZip >= MAX_ZIP_BYTES).map((r) => `${r.handler} zip is ${kb(r.nowZip)}`),
      ...rows
        .filter((r) => r.nowLoadMs > r.beforeLoadMs)
        .map((r) => `${r.handler} loads in ${ms(r.nowLoadMs)}, before ${ms(r.beforeLoadMs)}`),
    ];
    const section = markdown(rows, sharedZip, failed);
    process.stdout.write(`\n${section}\n`);
    if (!QUICK) {
      const results = new URL('./results.md', import.meta.url);
      const current = await readFile(results, 'utf8').catch(() => '');
      await writeFile(results, withSection(current, 'package', section));
    }
    if (failed.length > 0) {
      process.stderr.write(`package bench: target missed: ${failed.join('; ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
