/**
 * The sandbox's command line (`npm run sandbox`, `key-hygiene sandbox`): parses the flags, serves
 * until SIGINT or SIGTERM, then closes; resolves to the exit code (2 for bad flags, 1 when it
 * cannot start or stop).
 */
import { parseCliArgs, USAGE } from './cli-args.js';
import { FixtureError } from './fixture.js';
import { type SandboxOptions, startSandbox } from './server.js';

export async function runSandboxCli(argv: readonly string[]): Promise<number> {
  let options: SandboxOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    if (error instanceof FixtureError) process.stderr.write(`${error.message}\n`);
    else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(
        `key-hygiene sandbox: ${(error as Error).message}; choose another --port (0 picks a free one)\n`,
      );
    } else process.stderr.write(`key-hygiene sandbox: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
  process.stdout.write(`key-hygiene sandbox listening on ${sandbox.url}\n`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      sandbox.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`key-hygiene sandbox: error while stopping on ${signal}: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
