/**
 * `npm run bench [-- --quick] [-- --only sandbox|audit|organization|package|evidence|notices]`: runs each benchmark as its own process,
 * so one benchmark's heap and peak RSS do not colour another's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const BENCHES = {
  sandbox: 'bench/sandbox-bench.ts',
  audit: 'bench/audit-bench.ts',
  organization: 'bench/organization-bench.ts',
  package: 'bench/package-bench.ts',
  evidence: 'bench/evidence-bench.ts',
  notices: 'bench/notices-bench.ts',
} as const;
type BenchName = keyof typeof BENCHES;

function parseArgs(argv: readonly string[]): { only: BenchName[]; passThrough: string[] } {
  const only: BenchName[] = [];
  const passThrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--only') {
      const name = argv[++i] ?? '';
      if (!(name in BENCHES)) {
        throw new Error(
          `--only: unknown benchmark "${name}"; expected one of ${Object.keys(BENCHES).join(', ')}`,
        );
      }
      only.push(name as BenchName);
    } else {
      passThrough.push(arg);
    }
  }
  return { only: only.length > 0 ? only : (Object.keys(BENCHES) as BenchName[]), passThrough };
}

async function main(): Promise<void> {
  const { only, passThrough } = parseArgs(process.argv.slice(2));
  let failed = 0;
  for (const name of only) {
    process.stdout.write(`\n== ${name} (${BENCHES[name]}) ==\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', BENCHES[name], ...passThrough], {
      stdio: 'inherit',
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) {
      failed++;
      process.stderr.write(`${name}: exited ${code}; a target was missed or the run failed\n`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
});
