import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `bin/key-hygiene.js` lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The command as `npx key-hygiene` runs it after `npm ci`. */
export const BIN = 'bin/key-hygiene.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of an operator's shell for the built command: none of the test process's AWS
 * variables (so a test's profile or flags decide), no MODE (vitest sets `MODE=test`), no CI.
 */
export function operatorEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_') || name === 'MODE' || name === 'CI') delete env[name];
  }
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return { ...env, ...extra };
}

/**
 * Runs `node bin/key-hygiene.js ...args` as a subprocess (no terminal: stdin is empty, stdout and
 * stderr are pipes) and resolves with its exit code and output, whatever the code.
 */
export function runKeyHygiene(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO_ROOT, env, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`key-hygiene ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
