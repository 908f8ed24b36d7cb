import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/sandbox/cli-args.js';
import { ACME_FIXTURE } from './helpers.js';

const LISTENING = /^key-hygiene sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/;

function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

/** Resolves with the first stdout line once the CLI prints it. */
async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout ?? []) {
    text += String(chunk);
    if (text.includes('\n')) return text;
  }
  return text;
}

describe('Sandbox command line', () => {
  it('prints the listening line for --port 0, serves, and stops cleanly on SIGTERM', async () => {
    // Prepare
    const child = spawnCli(['--port', '0', '--fixture', ACME_FIXTURE]);
    const stderr = collect(child.stderr);
    try {
      // Act
      const line = await firstLine(child);
      const match = LISTENING.exec(line);
      expect(match, `stdout: ${line}\nstderr: ${stderr()}`).not.toBeNull();
      const health = await fetch(`${match?.[1]}/_sandbox/health`);
      expect(await health.json()).toEqual({ ok: true });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      // Assess
      expect(code).toBe(0);
      expect(stderr()).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('stops on SIGINT too, with a synthetic account', async () => {
    const child = spawnCli(['--port', '0', '--synthetic-users', '50', '--seed', 'cli']);
    try {
      const line = await firstLine(child);
      const url = LISTENING.exec(line)?.[1];
      const response = await fetch(`${url}/?Action=ListUsers&Version=2010-05-08&MaxItems=1000`);
      expect((await response.text()).match(/<member>/g)).toHaveLength(50);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 1 naming the bad field of a bad fixture', async () => {
    const child = spawnCli(['--port', '0', '--fixture', 'package.json']);
    const stderr = collect(child.stderr);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr()).toContain('accounts: missing; add an array');
  });

  it('exits 2 with usage for a bad flag value', async () => {
    const child = spawnCli(['--fixture', ACME_FIXTURE, '--fail-rate', '3']);
    const stderr = collect(child.stderr);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr()).toContain('--fail-rate must be a number from 0 to 1, got "3"');
    expect(stderr()).toContain('Usage: key-hygiene sandbox');
  });

  it('parses every flag into sandbox options', () => {
    expect(
      parseCliArgs([
        '--port',
        '4566',
        '--fixture',
        ACME_FIXTURE,
        '--synthetic-users',
        '100',
        '--seed',
        's1',
        '--latency-ms',
        '5',
        '--throttle-rps',
        '20',
        '--fail-rate',
        '0.1',
        '--report-delay-ms',
        '250',
      ]),
    ).toEqual({
      port: 4566,
      fixture: ACME_FIXTURE,
      seed: 's1',
      synthetic: { users: 100 },
      latencyMs: 5,
      throttleRps: 20,
      failRate: 0.1,
      credentialReportDelayMs: 250,
    });
    expect(() => parseCliArgs(['--port', '0'])).toThrow(/Give --fixture PATH, --synthetic-users N, or both/);
    expect(() => parseCliArgs(['--fixture', 'x', '--bogus'])).toThrow(/bogus/);
  });
});
