/**
 * Severity colours for the text report on a terminal. The email text is left as it is; only its
 * severity sections (`CRITICAL (2)` and the findings under it, up to the blank line) are painted,
 * line by line, so a pager or a cut line never bleeds colour.
 */
import type { Severity } from '../model.js';

const RESET = '\u001b[0m';

export const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};

const SECTION = /^(CRITICAL|HIGH|MEDIUM|LOW|INFO) \(/;

/**
 * @example
 * colourBySeverity('CRITICAL (1)\n- root ...\n\nINFO (1)\n...'); // each line of each section in its colour
 */
export function colourBySeverity(text: string): string {
  let colour: string | null = null;
  return text
    .split('\n')
    .map((line) => {
      const heading = SECTION.exec(line)?.[1];
      if (heading) colour = SEVERITY_COLOURS[heading.toLowerCase() as Severity];
      else if (line === '') colour = null;
      return colour && line !== '' ? `${colour}${line}${RESET}` : line;
    })
    .join('\n');
}

/** Whether a stream may get colours: a terminal, and `NO_COLOR` unset or empty (no-color.org). */
export function colourAllowed(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
