// `npm run mutation [scope ...]`: runs Stryker on each scope of mutation-scopes.json in turn (all of
// them by default), then adds up one score over every scope's latest report. The scopes run apart
// because each has its own tests (see vitest.mutation.config.ts); the combined score is the one the
// README records. `--report` only adds up the reports already in reports/mutation/. Each report is
// stored with the commit it was measured on (`<scope>.commit`), and a scope whose mutated files or
// tests changed since is marked stale: a score is only worth recording for the tree it measured.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

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
interface Scope {
  mutate: string[];
  tests: string[];
}
const scopeList = JSON.parse(readFileSync('mutation-scopes.json', 'utf8')) as Record<string, Scope>;
const scopes = Object.keys(scopeList);
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
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
      stdio: 'inherit',
      env: { ...process.env, MUTATION_SCOPE: scope },
    });
    if (run.status !== 0) {
      console.error(`Stryker failed on scope ${scope} (exit ${run.status}); its report is not counted.`);
      process.exit(1);
    }
    writeFileSync(
      `reports/mutation/${scope}.commit`,
      dirty ? `${commit} (with uncommitted changes)\n` : `${commit}\n`,
    );
  }
}

const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const rows: string[] = [];
const survivors: string[] = [];
const missing: string[] = [];
let totalDetected = 0;
let totalValid = 0;
for (const scope of scopes) {
  const path = `reports/mutation/${scope}.json`;
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch {
    missing.push(scope);
    rows.push(`| ${scope} | not measured (no ${path}) | | | | |`);
    continue;
  }
  const mutants = Object.entries(report.files).flatMap(([file, { mutants }]) =>
    mutants.map((mutant) => ({ file, mutant })),
  );
  const measured = measuredOn(scope);
  const found = mutants.filter(({ mutant }) => detected.has(mutant.status)).length;
  const missed = mutants.filter(({ mutant }) => undetected.has(mutant.status));
  totalDetected += found;
  totalValid += found + missed.length;
  rows.push(
    `| ${scope} | ${measured} | ${found + missed.length} | ${found} | ${missed.length} | ${percent(found, found + missed.length)} |`,
  );
  for (const { file, mutant } of missed) {
    const { line, column } = mutant.location.start;
    const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60);
    survivors.push(`- ${file}:${line}:${column} ${mutant.mutatorName} (${mutant.status}) \`${replacement}\``);
  }
}
const score = (100 * totalDetected) / totalValid;
console.log('\n| scope | measured on | mutants | killed or timed out | survived or not covered | score |');
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log(
  `| **all** | | ${totalValid} | ${totalDetected} | ${totalValid - totalDetected} | **${percent(totalDetected, totalValid)}** |`,
);
if (args.includes('--survivors')) console.log(`\n${survivors.join('\n')}`);
if (missing.length > 0) {
  console.error(
    `\nNot measured: ${missing.join(', ')} (\`npm run mutation ${missing.join(' ')}\`); the score above leaves them out.`,
  );
  process.exit(1);
}
if (score < breakAt) {
  console.error(`\nMutation score ${score.toFixed(2)}% is below ${breakAt}%.`);
  process.exit(1);
}

/** The commit a scope's report measured, and "stale" when the scope's files or tests changed since. */
function measuredOn(scope: string): string {
  let commit: string;
  try {
    commit = readFileSync(`reports/mutation/${scope}.commit`, 'utf8').trim();
  } catch {
    return 'unknown commit';
  }
  const base = commit.split(' ')[0] ?? commit;
  // Directories of the scope's patterns: a change anywhere under them counts, which may call a
  // report stale that is not, never the other way round.
  const { mutate, tests } = scopeList[scope] ?? { mutate: [], tests: [] };
  const roots = [...mutate, ...tests].flatMap(expandBraces).map((pattern) => pattern.replace(/\*.*$/, ''));
  const changed = git('diff', '--name-only', base, '--').split('\n').filter(Boolean);
  const stale = changed.filter((file) => roots.some((root) => file.startsWith(root)));
  return stale.length === 0 ? commit : `${commit}, stale: ${stale.length} of its files changed since`;
}

/** `test/{plan,apply}/x` → `test/plan/x`, `test/apply/x` (one level of braces, as the scopes use). */
function expandBraces(pattern: string): string[] {
  const match = /\{([^}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  return (match[1] ?? '').split(',').map((part) => pattern.replace(match[0], part));
}

function git(...gitArgs: string[]): string {
  return execFileSync('git', gitArgs, { encoding: 'utf8' }).trim();
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`;
}
