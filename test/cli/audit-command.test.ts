import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventFromFlags } from '../../src/cli/audit-command.js';
import { runCli } from '../../src/cli/program.js';
import { KEYS, relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => relativeFixture());

/** The command in this process, its output in buffers (no terminal: as in a pipe). */
async function command(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, process.env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/**
 * The command on a terminal whose input ends (Ctrl-D) as soon as the confirmation prompt is shown:
 * stdin and stderr say they are a TTY, as a person's terminal does.
 */
async function commandEndingInput(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const terminalErr = Object.assign(new PassThrough(), { isTTY: true });
  let prompt = '';
  terminalErr.on('data', (chunk: Buffer) => {
    prompt += chunk.toString();
    if (prompt.includes('Go on? [y/N] ')) stdin.end();
  });
  const code = await runCli([...argv, '--quiet'], process.env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    terminal: { stdin, stdout: { isTTY: false }, stderr: terminalErr },
  });
  return { code, stdout, stderr: `${prompt}${stderr}` };
}

const callsSoFar = async (): Promise<number> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as { total: number }).total;

async function status(userName: string): Promise<string | undefined> {
  return Object.values(await keyStatuses(env.iam, userName))[0];
}

describe('Command: key-hygiene audit, in process', () => {
  beforeEach(() => {
    // The SDK's default chain reads the endpoint from the environment, as on a laptop.
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('REPORT_TOPIC_ARN', TOPIC_ARN);
    // vitest sets MODE=test; an operator's shell has no MODE (or a valid one).
    vi.stubEnv('MODE', '');
    // Written before notices: enforce acts on the first run (the notice loop: test/notices/).
    vi.stubEnv('NOTICES', 'off');
  });

  it('turns flags into the ad-hoc event', () => {
    // Assess
    expect(
      eventFromFlags({ mode: 'report', users: 'alice, bob', asOf: '2027-01-01T00:00:00Z', notify: true }),
    ).toEqual({ mode: 'report', users: ['alice', 'bob'], asOf: '2027-01-01T00:00:00Z', notify: true });
    expect(eventFromFlags({ undo: '20261120T030000Z-1a2b3c' })).toEqual({ undo: '20261120T030000Z-1a2b3c' });
  });

  it('refuses bad options with exit code 1, naming the flag, before any AWS call', async () => {
    // Prepare
    const cases: Array<[string[], RegExp]> = [
      [
        ['audit', '--mode', 'enforse'],
        /Invalid option --mode: expected "report" or "enforce", got "enforse"/,
      ],
      [['audit', '--as-of', 'yesterday'], /Invalid option --as-of: expected an ISO 8601 date-time/],
      [['audit', '--undo', 'last-run'], /Invalid option --undo \(or undo RUNID\): expected the runId/],
      [['undo', 'last-run'], /Invalid option --undo \(or undo RUNID\): expected the runId/],
      [['audit', '--undo', '20261120T030000Z-1a2b3c', '--mode', 'enforce'], /--mode: cannot be combined/],
      [['audit', '--users', 'bad name!'], /--users: expected an IAM user name/],
      [['audit', '--dry-run'], /unknown option '--dry-run'/],
      [['audit', '--mode'], /option '--mode <mode>' argument missing/],
      [['audit', '--output', 'pdf'], /argument 'pdf' is invalid. Allowed choices are text, json, csv, html/],
      [['audit', '--fail-on', 'severe'], /Allowed choices are critical, high, medium, low, none/],
      [['undo', '20261120T030000Z-1a2b3c', '--output', 'csv'], /Allowed choices are text, json/],
      [
        ['audit', '--undo', '20261120T030000Z-1a2b3c', '--output', 'html'],
        /an undo report comes as text or json/,
      ],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [argv, message] of cases) {
      // Act
      const result = await command(argv);
      // Assess
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const calls = (await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as { total: number };
    expect(calls.total).toBe(0);
  });

  it('names an invalid setting from the environment, exit code 1', async () => {
    // Prepare
    vi.stubEnv('UNUSED_KEY_DAYS', 'ninety');
    // Act
    const result = await command(['audit']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/UNUSED_KEY_DAYS/);
  });

  it('refuses enforce without --yes when not on a terminal, before any AWS call', async () => {
    // Act
    const result = await command(['audit', '--mode', 'enforce', '--users', 'stale-sam']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/enforce mode changes keys and needs a yes: .*pass --yes/);
    const calls = (await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as { total: number };
    expect(calls.total).toBe(0);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('refuses enforce set by the MODE setting too, not only by --mode', async () => {
    // Prepare
    vi.stubEnv('MODE', 'enforce');
    // Act
    const result = await command(['audit', '--users', 'stale-sam']);
    // Assess
    expect(result.code).toBe(1);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('still prints what an enforce run did when publishing fails, and exits 1', async () => {
    // Prepare: a topic that does not exist
    vi.stubEnv('REPORT_TOPIC_ARN', 'arn:aws:sns:us-east-1:111111111111:no-such-topic');
    // Act
    const result = await command(['audit', '--mode', 'enforce', '--users', 'stale-sam', '--yes', '--notify']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Deactivated (1):\n- stale-sam, ${KEYS.stale} (unused-key)`);
    expect(result.stderr).toMatch(/^key-hygiene: DeliveryError: Could not publish the report/);
    expect(await status('stale-sam')).toBe('Inactive');
  });

  it('audits with --yes, then undoes that run, printing the text reports', async () => {
    // Act
    const audit = await command(['audit', '--mode', 'enforce', '--users', 'stale-sam,fresh-fred', '--yes']);
    const runId = /^Run (\S+)$/m.exec(audit.stdout)?.[1] ?? '';
    const afterAudit = await status('stale-sam');
    const undo = await command(['undo', runId, '--notify', '--yes', '--trust-tags']);
    const again = await command(['undo', runId, '--output', 'json', '--yes', '--trust-tags']);
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
    // A second undo finds nothing left to do, and says so as JSON
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: 'undo', undoneRunId: runId, actions: [] });
  });

  it('reads usage from CloudTrail with EVIDENCE=on, and not without', async () => {
    // Act: one key in use and overdue for rotation; its region and the home region are one.
    vi.stubEnv('EVIDENCE', 'on');
    const on = await command(['audit', '--users', 'rotate-rita', '--output', 'json']);
    vi.stubEnv('EVIDENCE', 'off');
    const off = await command(['audit', '--users', 'rotate-rita', '--output', 'json']);
    // Assess
    expect(on.code).toBe(0);
    const evidence = (JSON.parse(on.stdout) as { evidence?: { accessKeyId: string; gap: string | null }[] })
      .evidence;
    expect(evidence).toEqual([expect.objectContaining({ accessKeyId: KEYS.rotation, gap: null })]);
    expect(JSON.parse(off.stdout)).not.toHaveProperty('evidence');
  });

  it('refuses undo without --yes when not on a terminal, before any AWS call', async () => {
    // Act
    const result = await command(['undo', '20261120T030000Z-1a2b3c', '--trust-tags']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'key-hygiene: undo reactivates keys and needs a yes: run it on a terminal to confirm, or pass --yes (a CI job or a script). Nothing was done.\n',
    );
    expect(await callsSoFar()).toBe(0);
  });

  it('refuses org --mode enforce without --yes, before any AWS call', async () => {
    // Act
    const result = await command(['org', '--mode', 'enforce']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/enforce mode changes keys in every account and needs --yes/);
    expect(await callsSoFar()).toBe(0);
  });

  it('takes the end of input at the enforce prompt as no: nothing changed, exit 1', async () => {
    // Act
    const result = await commandEndingInput(['audit', '--mode', 'enforce', '--users', 'stale-sam']);
    // Assess
    expect(result.stderr).toContain('Enforce mode will deactivate 1 access key in account 111111111111');
    expect(result.stderr).toContain('key-hygiene: not confirmed: no key was changed.');
    expect(result.code).toBe(1);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('asks before an undo on a terminal, and takes the end of input as no: nothing reactivated, exit 1', async () => {
    // Prepare
    const audit = await command(['audit', '--mode', 'enforce', '--users', 'stale-sam', '--yes']);
    const runId = /^Run (\S+)$/m.exec(audit.stdout)?.[1] ?? '';
    // Act
    const result = await commandEndingInput(['undo', runId, '--trust-tags']);
    // Assess
    expect(result.stderr).toContain('Undo will reactivate 1 access key in account 111111111111');
    expect(result.stderr).toContain('key-hygiene: not confirmed: no key was changed.');
    expect(result.stdout).toContain('not confirmed at the prompt; left Inactive');
    expect(result.code).toBe(1);
    expect(await status('stale-sam')).toBe('Inactive');
  });

  it('refuses plain http --endpoint-url beyond this machine, naming the flag, before any AWS call', async () => {
    // Act
    const remote = await command(['audit', '--endpoint-url', 'http://iam.example.com:4566']);
    const callsAfterRemote = await callsSoFar();
    const local = await command([
      'audit',
      '--output',
      'json',
      '--endpoint-url',
      env.sandbox.url.replace('127.0.0.1', 'localhost'),
    ]);
    // Assess
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain(
      '--endpoint-url http://iam.example.com:4566: plain http is accepted only for this machine (127.0.0.0/8, ::1, localhost); use https',
    );
    expect(callsAfterRemote).toBe(0);
    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({ accountId: '111111111111' });
  });
});
