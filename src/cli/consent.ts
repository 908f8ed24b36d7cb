/**
 * The command line's consent: when a run that changes keys may start, and when it asks first. Kept
 * apart from the commands so that each decision is small enough to be tested (and mutated) alone.
 */
import type { Settings } from '../config/settings.js';

/** The streams that tell a person's terminal from a pipe or a CI job. */
export interface TerminalEnds {
  stdin: { isTTY?: boolean };
  stderr: { isTTY?: boolean };
}

/** Both ends of the conversation are a person's terminal: the question is seen and answered there. */
export function onTerminal(terminal: TerminalEnds | undefined): boolean {
  return terminal?.stdin.isTTY === true && terminal.stderr.isTTY === true;
}

/** What an audit or undo on the command line is about to do, and what consent it came with. */
export interface ConsentRequest {
  undo: boolean;
  mode: Settings['mode'];
  yes: boolean;
  terminal: boolean;
}

/**
 * Why the run may not start, or null when it may: undo and enforce change keys, so each needs
 * `--yes` or a terminal to ask on. Said before the first AWS call, so nothing was done.
 */
export function auditConsentRefusal(request: ConsentRequest): string | null {
  if (request.yes || request.terminal) return null;
  if (request.undo) {
    return 'undo reactivates keys and needs a yes: run it on a terminal to confirm, or pass --yes (a CI job or a script). Nothing was done.';
  }
  if (request.mode === 'enforce') {
    return 'enforce mode changes keys and needs a yes: run it on a terminal to confirm, or pass --yes (a CI job or a script). Nothing was done.';
  }
  return null;
}

/** The run asks on the terminal before the first key changes, unless `--yes` already said yes. */
export function asksBeforeActing(consent: Pick<ConsentRequest, 'yes' | 'terminal'>): boolean {
  return !consent.yes && consent.terminal;
}

/**
 * Why an organization run may not start, or null: no prompt sums up a whole organization's keys,
 * so enforcing across accounts takes an explicit `--yes`.
 */
export function organizationConsentRefusal(request: { mode: Settings['mode']; yes: boolean }): string | null {
  if (request.mode === 'enforce' && !request.yes) {
    return 'enforce mode changes keys in every account and needs --yes (there is no prompt for an organization run). Nothing was done.';
  }
  return null;
}
