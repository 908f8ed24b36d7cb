import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts the sandbox CLI (`src/sandbox/cli.ts`) in its own process, so its memory is not counted
 * in the benchmark's, and resolves once it prints the URL it listens on.
 *
 * @example
 * const { child, url } = await startSandboxProcess(['--synthetic-users', '1000']);
 */
export async function startSandboxProcess(
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let text = '';
  for await (const chunk of child.stdout ?? []) {
    text += String(chunk);
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (match?.[1]) return { child, url: match[1] };
  }
  throw new Error(`The sandbox exited before listening (output: ${text})`);
}
