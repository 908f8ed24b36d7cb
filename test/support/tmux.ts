import { execFile, execFileSync } from 'node:child_process';
import { setTimeout as pause } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How often the screen is read while waiting for something to appear on it. */
const POLL_MS = 50;

/**
 * Fails (never skips) when tmux is missing: the terminal tests are part of `npm test`, and
 * `.ci/run` installs tmux from Debian's packages when it is absent.
 */
export function requireTmux(): void {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error('tmux is needed for the terminal tests: apt-get install tmux (.ci/run does)', {
      cause: error,
    });
  }
}

/**
 * A real terminal: a detached tmux session on its own server (its own socket), running one shell
 * command, that a test types into (`sendKeys`) and reads (`screen`, with colours when asked).
 */
export class TmuxSession {
  private constructor(
    private readonly socket: string,
    private readonly name: string,
  ) {}

  /** Starts `command` under `sh -c` in a `width` x `height` terminal, with exactly `env`. */
  static async start(
    command: string,
    env: NodeJS.ProcessEnv,
    size: { width: number; height: number } = { width: 120, height: 40 },
  ): Promise<TmuxSession> {
    const socket = `key-hygiene-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const session = new TmuxSession(socket, 'cli');
    // One invocation: the server starts with this environment and keeps a long scrollback.
    await run(
      'tmux',
      [
        '-L',
        socket,
        '-f',
        '/dev/null',
        'start-server',
        ';',
        'set-option',
        '-g',
        'history-limit',
        '100000',
        ';',
        'new-session',
        '-d',
        '-s',
        session.name,
        '-x',
        String(size.width),
        '-y',
        String(size.height),
        command,
        ';',
        'set-option',
        '-t',
        session.name,
        'remain-on-exit',
        'on',
      ],
      { env: { ...env, TERM: 'xterm-256color' } },
    );
    return session;
  }

  /** Everything the terminal has shown, scrollback included; `colours` keeps the escape sequences. */
  async screen(options: { colours?: boolean } = {}): Promise<string> {
    const args = ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-', '-t', this.name];
    if (options.colours) args.push('-e');
    const { stdout } = await run('tmux', args);
    return stdout;
  }

  /** Types keys, as `tmux send-keys` names them (`y`, `Enter`). */
  async sendKeys(...keys: string[]): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, ...keys]);
  }

  /**
   * Reads the screen until `pattern` appears, at most `timeoutMs`; resolves with the screen then.
   * @throws with the last screen when it does not appear in time.
   */
  async waitFor(pattern: RegExp, timeoutMs = 60_000, options: { colours?: boolean } = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.screen(options);
      if (pattern.test(last)) return last;
      await pause(POLL_MS);
    }
    throw new Error(`${pattern} did not appear on the terminal within ${timeoutMs} ms; it shows:\n${last}`);
  }

  async kill(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
  }
}
