/**
 * The command line's consent, in this process: when a run that changes keys starts, asks or refuses,
 * and the question it asks. The tmux and subprocess tests show the same on a real terminal, but a
 * mutant is active in this process only.
 */
import { PassThrough } from 'node:stream';
import { IAMClient } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { askOnTerminal, confirmationQuestion } from '../../src/cli/confirm.js';
import { runCli } from '../../src/cli/program.js';
import { relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => relativeFixture());

const ENFORCE_REFUSAL =
  'key-hygiene: enforce mode changes keys and needs a yes: run it on a terminal to confirm, or pass --yes (a CI job or a script). Nothing was done.\n';

/**
 * The command with stdin and stderr each a terminal or not, as a shell redirection leaves them. The
 * input ends as soon as a question is shown (Ctrl-D: a no).
 */
async function commandWith(
  argv: string[],
  tty: { stdin: boolean; stderr: boolean },
): Promise<{ code: number; stdout: string; stderr: string; screen: string }> {
  let stdout = '';
  let stderr = '';
  let screen = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: tty.stdin });
  const terminalErr = Object.assign(new PassThrough(), { isTTY: tty.stderr });
  terminalErr.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (screen.includes('Go on? [y/N] ')) stdin.end();
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
  return { code, stdout, stderr, screen };
}

const callsSoFar = async (): Promise<number> =>
  ((await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as { total: number }).total;

async function status(userName: string): Promise<string | undefined> {
  return Object.values(await keyStatuses(env.iam, userName))[0];
}

/** Asks `question` for the request on a terminal whose person types `typed`, then ends the input. */
async function answer(typed: string): Promise<{ yes: boolean; screen: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (screen.includes('[y/N] ')) input.end(typed);
  });
  const iam = new IAMClient({ region: 'us-east-1', endpoint: env.sandbox.url, maxAttempts: 1 });
  const yes = await askOnTerminal(
    { input, output },
    iam,
  )({
    accountId: '111111111111',
    deactivations: 1,
    deletions: 0,
  });
  return { yes, screen };
}

describe('Consent on the command line', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('REPORT_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('MODE', '');
    // Written before notices: enforce acts on the first run (the notice loop: test/notices/).
    vi.stubEnv('NOTICES', 'off');
  });

  it('refuses enforce when stderr is redirected away from the terminal: the question would not be seen', async () => {
    // Act
    const result = await commandWith(['audit', '--mode', 'enforce', '--users', 'stale-sam'], {
      stdin: true,
      stderr: false,
    });
    // Assess
    expect(result).toMatchObject({ code: 1, stderr: ENFORCE_REFUSAL, screen: '' });
    expect(await callsSoFar()).toBe(0);
    expect(await status('stale-sam')).toBe('Active');
  });

  it('refuses enforce when the input is piped in: no person answers', async () => {
    // Act
    const result = await commandWith(['audit', '--mode', 'enforce', '--users', 'stale-sam'], {
      stdin: false,
      stderr: true,
    });
    // Assess
    expect(result).toMatchObject({ code: 1, stderr: ENFORCE_REFUSAL, screen: '' });
    expect(await callsSoFar()).toBe(0);
  });

  it('enforces without a question on a terminal when --yes is given', async () => {
    // Act
    const result = await commandWith(['audit', '--mode', 'enforce', '--users', 'stale-sam', '--yes'], {
      stdin: true,
      stderr: true,
    });
    // Assess
    expect(result.screen).not.toContain('Go on?');
    expect(result.code).toBe(0);
    expect(await status('stale-sam')).toBe('Inactive');
  });

  it('goes on only for y or yes, in any case and padded, and names the account by its alias', async () => {
    // Act
    const answers = ['y', 'YES', ' Yes ', 'n', 'no', 'yess', 'ye', 'sure y', ''];
    const results = [];
    for (const typed of answers) results.push(await answer(`${typed}\n`));
    // Assess
    expect(results.map((result) => result.yes)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(results[0]?.screen).toBe(
      'Enforce mode will deactivate 1 access key in account 111111111111 (acme-test).\nGo on? [y/N] ',
    );
  });

  it('takes the end of input before any answer as no', async () => {
    // Act
    const result = await answer('');
    // Assess
    expect(result.yes).toBe(false);
  });

  it('names the account by its id alone when its alias cannot be read', async () => {
    // Prepare: no endpoint answers on this port
    const input = new PassThrough();
    const output = new PassThrough();
    let screen = '';
    output.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (screen.includes('[y/N] ')) input.end('y\n');
    });
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'sandbox-placeholder' },
    });
    // Act
    const yes = await askOnTerminal(
      { input, output },
      iam,
    )({ accountId: '111111111111', deactivations: 2, deletions: 0 });
    // Assess
    expect(yes).toBe(true);
    expect(screen).toBe('Enforce mode will deactivate 2 access keys in account 111111111111.\nGo on? [y/N] ');
  });

  it('says each kind of change and its count in the question', () => {
    // Act
    const questions = [
      confirmationQuestion({ accountId: '222222222222', deactivations: 3, deletions: 1 }, 'acme'),
      confirmationQuestion({ accountId: '222222222222', deactivations: 0, deletions: 2 }, null),
      confirmationQuestion(
        { accountId: '222222222222', deactivations: 0, deletions: 0, reactivations: 1 },
        null,
      ),
      confirmationQuestion(
        { accountId: '222222222222', deactivations: 0, deletions: 0, reactivations: 4 },
        'acme',
      ),
    ];
    // Assess
    expect(questions).toEqual([
      'Enforce mode will deactivate 3 access keys and delete 1 access key in account 222222222222 (acme).\nGo on? [y/N] ',
      'Enforce mode will delete 2 access keys in account 222222222222.\nGo on? [y/N] ',
      'Undo will reactivate 1 access key in account 222222222222.\nGo on? [y/N] ',
      'Undo will reactivate 4 access keys in account 222222222222 (acme).\nGo on? [y/N] ',
    ]);
  });
});
