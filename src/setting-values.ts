/**
 * The value schemas that both the rules (their settings blocks) and src/config (every other setting)
 * need, at the bottom of the layers so the rules do not import the configuration module.
 */
import * as z from 'zod';

/** An integer in a closed range; otherwise a person reads `expected an integer from <min> to <max>`. */
export function intBetween(min: number, max: number) {
  const error = `expected an integer from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** Whether a rule runs: every rule's settings block has this flag. */
export const enabledFlag = z.boolean({ error: 'expected true or false' });
