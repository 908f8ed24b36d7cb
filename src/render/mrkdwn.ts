/**
 * Escaping for Slack's `mrkdwn` (Block Kit text objects) and the `client-markdown` of Amazon Q
 * Developer in chat applications, which its Slack and Teams clients render the same way.
 *
 * Slack parses `&`, `<` and `>` as control characters (`<!channel>`, `<url|label>`), so they become
 * entities. It has no escape for `*`, `_`, `~` and a backtick, so in free text they are replaced
 * with look-alikes that cannot start formatting; names and key ids go in code spans instead, where
 * nothing is formatted and they stay exact.
 */
import { clean } from './text-format.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217', // asterisk operator
  _: '\uFF3F', // fullwidth low line
  '~': '\u223C', // tilde operator
  '`': '\u02CB', // modifier letter grave accent
};
// Plain `@here` is not a mention in Block Kit, but some clients highlight it: a word joiner after
// the `@` keeps it from ever being one.
const BROADCAST = /@(?=(here|channel|everyone)\b)/gi;

function entities(value: string): string {
  return value.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Free text from the account (messages that quote user names, tag values, AWS error messages):
 * control characters replaced (see `clean`), `&<>` as entities, formatting characters replaced,
 * broadcast mentions broken.
 *
 * @example
 * mrkdwnText('<!channel> *now*'); // '&lt;!channel&gt; ∗now∗'
 */
export function mrkdwnText(value: string): string {
  return entities(clean(value))
    .replace(/[*_~`]/g, (c) => LOOK_ALIKES[c] ?? c)
    .replace(BROADCAST, '@\u2060');
}

/**
 * A name or id in a code span: shown exactly (no formatting inside), `&<>` as entities; a backtick,
 * which would end the span, is replaced.
 */
export function mrkdwnCode(value: string): string {
  const inner = entities(clean(value)).replace(/`/g, LOOK_ALIKES['`'] ?? "'");
  return `\`${inner === '' ? ' ' : inner}\``;
}

/**
 * A link `<url|label>` when `url` is an http(s) URL, else null. The URL's `|` and `>` (which would
 * end it early) are percent-encoded; the label is free text.
 */
export function mrkdwnLink(url: string, label: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const href = parsed.href.replace(/[|<>]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
  return `<${href}|${mrkdwnText(label)}>`;
}

/** Cuts text to at most `max` characters (code points, the `…` included), ending in `…` when cut. */
export function truncateChars(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
