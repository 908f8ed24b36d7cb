/**
 * `npm run sandbox -- --port 4566 --fixture events/sandbox/acme.json [--synthetic-users N --seed S
 * --latency-ms L --throttle-rps R --fail-rate P --report-delay-ms D]`
 */
import { parseCliArgs, USAGE } from './cli-args.js';
import { FixtureError } from './fixture.js';
import { type SandboxOptions, startSandbox } from './server.js';

async function main(): Promise<void> {
  let options: SandboxOptions | 'help';
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sandbox = await startSandbox(options);
  process.stdout.write(`key-hygiene sandbox listening on ${sandbox.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`key-hygiene sandbox: error while stopping on ${signal}: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof FixtureError) process.stderr.write(`${error.message}\n`);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(
      `key-hygiene sandbox: ${(error as Error).message}; choose another --port (0 picks a free one)\n`,
    );
  } else process.stderr.write(`key-hygiene sandbox: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
