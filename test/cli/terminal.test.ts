import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { BIN, operatorEnv, REPO_ROOT } from '../support/cli-process.js';
import { ACCOUNT_ID, AUDITOR_KEY, KEYS, relativeFixture } from '../support/relative-fixture.js';
import { keyStatuses } from '../support/sandbox-lifecycle.js';
import { requireTmux, TmuxSession } from '../support/tmux.js';

// The command in a real terminal (tmux): the progress bar on stderr, the enforce confirmation on
// stdin, the report coloured by severity. The screen is read with capture-pane (-e for colours).

const ESC = '\u001b';
const SYNTHETIC_ACCOUNT = '123456789012';

let large: RunningSandbox;
let small: RunningSandbox;
const sessions: TmuxSession[] = [];

/** `key-hygiene audit ...` in a new terminal; the shell prints `exit=<code>` when it ends. */
async function inTerminal(sandbox: RunningSandbox, args: string, extraEnv: Record<string, string> = {}) {
  const env = operatorEnv({
    AWS_ACCESS_KEY_ID: AUDITOR_KEY,
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_REGION: 'us-east-1',
    MAX_ACTIONS_PER_RUN: '1000',
    // Written before notices: enforce acts on the first run (the notice loop: test/notices/).
    NOTICES: 'off',
    // The rules' own severities, whose colours the tests read (weighting is tested in test/privilege).
    PRIVILEGE_WEIGHTING: 'off',
    ...extraEnv,
  });
  const command = `cd '${REPO_ROOT}' && '${process.execPath}' ${BIN} audit --endpoint-url ${sandbox.url} ${args}; echo "exit=$?"`;
  const session = await TmuxSession.start(command, env);
  sessions.push(session);
  return session;
}

/** The SGR codes a line starts with (tmux writes bold red as `ESC[1m ESC[31m`). */
const openingCodes = (line: string) =>
  [...(new RegExp(`^(?:${ESC}\\[[0-9;]*m)*`).exec(line)?.[0] ?? '').matchAll(/\[([0-9;]*)m/g)].flatMap(
    (match) => (match[1] ?? '').split(';'),
  );

/** The lines of the screen that contain `text`. */
const linesWith = (screen: string, text: string) => screen.split('\n').filter((line) => line.includes(text));

describe('Command line: key-hygiene in a terminal (tmux)', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    requireTmux();
    large = await startSandbox({ synthetic: { users: 600 } });
    small = await startSandbox({ fixture: relativeFixture() });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.kill()));
    await Promise.all(
      [large, small].map((sandbox) => fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })),
    );
  });
  afterAll(async () => {
    await Promise.all([large?.close(), small?.close()]);
  });

  it('draws a bar per phase, asks before enforcing with the account and the count, then reports in colour', async () => {
    // Act: the whole large account, in enforce mode
    const terminal = await inTerminal(large, '--mode enforce --fail-on none');
    const atPrompt = await terminal.waitFor(/Go on\? \[y\/N\] $/m, 120_000);
    // Assess: the phases read so far are drawn as finished bars with their counts
    expect(atPrompt).toMatch(/✔ Credential report +1\/1 in \d+s/);
    expect(atPrompt).toMatch(/✔ Reading users +600\/600 in \d+s/);
    expect(atPrompt).toMatch(/✔ Resolving planned users +(\d+)\/\1 in \d+s/);
    const planned = Number(
      /Enforce mode will deactivate (\d+) access keys in account (\d+) \(synthetic\)\./.exec(atPrompt)?.[1],
    );
    expect(atPrompt).toContain(`in account ${SYNTHETIC_ACCOUNT} (synthetic).`);
    expect(planned).toBeGreaterThan(20);

    // Act: slow the account down so the applying bar is caught halfway, then answer yes
    large.faults.configure({ latencyMs: 100 });
    await terminal.sendKeys('y', 'Enter');
    const applying = await terminal.waitFor(
      new RegExp(`Applying +\\[█*░+\\] \\d+/${planned} \\d+% \\| ETA \\S+`),
      120_000,
    );
    large.faults.configure({ latencyMs: 0 });
    const done = await terminal.waitFor(/^exit=\d+$/m, 120_000, { colours: true });
    // Assess: a bar with count, percentage and ETA while applying; the report coloured by severity
    expect(applying).toMatch(/Applying +\[█*░+\] \d+\/\d+ \d+% \| ETA/);
    expect(done).toContain('exit=0');
    expect(done).toMatch(new RegExp(`✔ Applying +${planned}/${planned} in \\d+s`));
    expect(done).toContain(`Deactivated (${planned}):`);
    const high = linesWith(done, 'HIGH (')[0] ?? '';
    expect(openingCodes(high), 'the HIGH heading is red').toContain('31');
    const medium = linesWith(done, 'MEDIUM (')[0] ?? '';
    expect(openingCodes(medium), 'the MEDIUM heading is yellow').toContain('33');
  });

  it('spins while the credential report is being generated (no total yet), then goes on', async () => {
    // Prepare: IAM keeps answering INPROGRESS until the test lets the report complete
    const aid = (body: object) =>
      fetch(`${small.url}/_sandbox/credential-report`, { method: 'POST', body: JSON.stringify(body) });
    await aid({ stuck: true });
    // Act
    const terminal = await inTerminal(small, '--fail-on none');
    const spinning = await terminal.waitFor(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Credential report *$/m);
    await aid({ stuck: false });
    const done = await terminal.waitFor(/^exit=\d+$/m);
    // Assess
    expect(spinning).not.toMatch(/Credential report +\[/);
    expect(done).toMatch(/^✔ Credential report +1\/1 in \d+s *$/m);
    expect(done).toMatch(/^✔ Reading users +(\d+)\/\1 in \d+s *$/m);
    expect(done).toContain('exit=0');
  });

  it('changes nothing when the answer is no, and exits 1', async () => {
    // Act
    const terminal = await inTerminal(small, '--mode enforce --users stale-sam');
    const prompt = await terminal.waitFor(/Go on\? \[y\/N\] $/m);
    await terminal.sendKeys('n', 'Enter');
    const done = await terminal.waitFor(/^exit=\d+$/m);
    // Assess
    expect(prompt).toContain(
      `Enforce mode will deactivate 1 access key in account ${ACCOUNT_ID} (acme-test).`,
    );
    expect(done).toContain('key-hygiene: not confirmed: no key was changed.');
    expect(done).toContain('exit=1');
    const iam = new IAMClient({ region: 'us-east-1', endpoint: small.url, maxAttempts: 1 });
    expect((await keyStatuses(iam, 'stale-sam'))[KEYS.stale]).toBe('Active');
  });

  it('draws no bar with --quiet, and neither bar nor colours with CI=true and NO_COLOR', async () => {
    // Act
    const [quiet, plain] = await Promise.all([
      inTerminal(small, '--quiet'),
      inTerminal(small, '', { CI: 'true', NO_COLOR: '1' }),
    ]);
    const quietScreen = await quiet.waitFor(/^exit=\d+$/m, 60_000, { colours: true });
    const plainScreen = await plain.waitFor(/^exit=\d+$/m, 60_000, { colours: true });
    // Assess
    for (const screen of [quietScreen, plainScreen]) {
      expect(screen).toContain('exit=0');
      expect(screen).toContain('KEY-HYGIENE AUDIT');
      expect(screen).not.toMatch(/Reading users|Credential report +\d/);
    }
    const critical = linesWith(quietScreen, 'CRITICAL (')[0] ?? '';
    expect(openingCodes(critical), 'the CRITICAL heading is bold red').toEqual(
      expect.arrayContaining(['1', '31']),
    );
    expect(plainScreen).not.toContain(`${ESC}[`);
  });
});
