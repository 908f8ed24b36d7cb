import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventFromArgs, runAuditCommand } from '../../src/cli/audit-command.js';
import { KEYS, relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

const run = promisify(execFile);
const env = useSandbox(() => relativeFixture());

async function command(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAuditCommand(argv, process.env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

async function status(userName: string): Promise<string | undefined> {
  return Object.values(await keyStatuses(env.iam, userName))[0];
}

describe('Command: npm run audit', () => {
  beforeEach(() => {
    // The SDK's default chain reads the endpoint from the environment, as on a laptop.
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('REPORT_TOPIC_ARN', TOPIC_ARN);
    // vitest sets MODE=test; an operator's shell has no MODE (or a valid one).
    vi.stubEnv('MODE', '');
  });

  it('turns flags into the ad-hoc event', () => {
    // Assess
    expect(
      eventFromArgs([
        '--mode',
        'report',
        '--users',
        'alice, bob',
        '--as-of',
        '2027-01-01T00:00:00Z',
        '--notify',
      ]),
    ).toEqual({ mode: 'report', users: ['alice', 'bob'], asOf: '2027-01-01T00:00:00Z', notify: true });
    expect(eventFromArgs(['--undo', '20261120T030000Z-1a2b3c'])).toEqual({ undo: '20261120T030000Z-1a2b3c' });
    expect(eventFromArgs(['--help'])).toBe('help');
  });

  it('refuses bad options with exit code 2, naming the flag, before any AWS call', async () => {
    // Prepare
    const cases: Array<[string[], RegExp]> = [
      [['--mode', 'enforse'], /Invalid option --mode: expected "report" or "enforce", got "enforse"/],
      [['--as-of', 'yesterday'], /Invalid option --as-of: expected an ISO 8601 date-time/],
      [['--undo', 'last-run'], /Invalid option --undo: expected the runId of an earlier run/],
      [['--undo', '20261120T030000Z-1a2b3c', '--mode', 'enforce'], /--mode: cannot be combined with undo/],
      [['--users', 'bad name!'], /--users: expected an IAM user name/],
      [['--dry-run'], /Unknown option '--dry-run'/],
      [['--mode'], /--mode/],
    ];
    for (const [argv, message] of cases) {
      // Act
      const result = await command(argv);
      // Assess
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const calls = (await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as { total: number };
    expect(calls.total).toBe(0);
  });

  it('names an invalid setting from the environment', async () => {
    // Prepare
    vi.stubEnv('UNUSED_KEY_DAYS', 'ninety');
    // Act
    const result = await command([]);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/UNUSED_KEY_DAYS/);
  });

  it('audits, then undoes that run, printing the text reports', async () => {
    // Act
    const audit = await command(['--mode', 'enforce', '--users', 'stale-sam,fresh-fred']);
    const runId = /^Run (\S+)$/m.exec(audit.stdout)?.[1] ?? '';
    const afterAudit = await status('stale-sam');
    const undo = await command(['--undo', runId, '--notify']);
    // Assess
    expect(audit).toMatchObject({ code: 0, stderr: '' });
    expect(audit.stdout).toMatch(/^KEY-HYGIENE AUDIT/);
    expect(audit.stdout).toContain(`Deactivated (1):\n- stale-sam, ${KEYS.stale} (unused-key)`);
    expect(afterAudit).toBe('Inactive');
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/^KEY-HYGIENE UNDO\n/);
    expect(undo.stdout).toContain(`undo of run ${runId}: 1 key reactivated`);
    expect(undo.stderr).toMatch(/^Published to arn:aws:sns:/);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('runs as `npm run audit` does (scripts/audit.ts under tsx), with the report and the exit code', {
    timeout: 120_000,
  }, async () => {
    // Act
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/audit.ts', '--mode', 'report', '--users', 'stale-sam'],
      {
        env: { ...process.env, AWS_ENDPOINT_URL: env.sandbox.url, MODE: '' },
        timeout: 60_000,
      },
    );
    const failure = await run(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', '--undo', 'nope'], {
      env: { ...process.env, AWS_ENDPOINT_URL: env.sandbox.url, MODE: '' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    // Assess
    expect(stdout).toContain('WHAT ENFORCE MODE WOULD DO');
    expect(stdout).toContain(KEYS.stale);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('--undo') });
  });
});
