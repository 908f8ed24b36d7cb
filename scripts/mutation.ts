// `npm run mutation [scope ...]`: runs Stryker on each scope of mutation-scopes.json in turn (all of
// them by default), then adds up one score over every scope's latest report. The scopes run apart
// because each has its own tests (see vitest.mutation.config.ts); the combined score is the one the
// README records. `--report` only adds up the reports already in reports/mutation/.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const breakAt = 85;
const scopes = Object.keys(
  JSON.parse(readFileSync('mutation-scopes.json', 'utf8')) as Record<string, unknown>,
);
const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const chosen = args.filter((arg) => !arg.startsWith('--'));
const unknown = chosen.filter((name) => !scopes.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown scope ${unknown.join(', ')}: mutation-scopes.json has ${scopes.join(', ')}.`);
  process.exit(2);
}

if (!reportOnly) {
  for (const scope of chosen.length > 0 ? chosen : scopes) {
    console.log(`\n=== mutation scope ${scope}`);
    const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
      stdio: 'inherit',
      env: { ...process.env, MUTATION_SCOPE: scope },
    });
    if (run.status !== 0) {
      console.error(`Stryker failed on scope ${scope} (exit ${run.status}); its report is not counted.`);
      process.exit(1);
    }
  }
}

const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const rows: string[] = [];
const survivors: string[] = [];
let totalDetected = 0;
let totalValid = 0;
for (const scope of scopes) {
  const path = `reports/mutation/${scope}.json`;
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch {
    console.error(`No report for scope ${scope} at ${path}: run \`npm run mutation ${scope}\` first.`);
    process.exit(1);
  }
  const mutants = Object.entries(report.files).flatMap(([file, { mutants }]) =>
    mutants.map((mutant) => ({ file, mutant })),
  );
  const found = mutants.filter(({ mutant }) => detected.has(mutant.status)).length;
  const missed = mutants.filter(({ mutant }) => undetected.has(mutant.status));
  totalDetected += found;
  totalValid += found + missed.length;
  rows.push(
    `| ${scope} | ${found + missed.length} | ${found} | ${missed.length} | ${percent(found, found + missed.length)} |`,
  );
  for (const { file, mutant } of missed) {
    const { line, column } = mutant.location.start;
    const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60);
    survivors.push(`- ${file}:${line}:${column} ${mutant.mutatorName} (${mutant.status}) \`${replacement}\``);
  }
}
const score = (100 * totalDetected) / totalValid;
console.log('\n| scope | mutants | killed or timed out | survived or not covered | score |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log(
  `| **all** | ${totalValid} | ${totalDetected} | ${totalValid - totalDetected} | **${percent(totalDetected, totalValid)}** |`,
);
if (args.includes('--survivors')) console.log(`\n${survivors.join('\n')}`);
if (score < breakAt) {
  console.error(`\nMutation score ${score.toFixed(2)}% is below ${breakAt}%.`);
  process.exit(1);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`;
}
