/** Helpers for plain-text output that must survive an email client on a phone. */

/** Target line width: fits a phone's email view and an 80-column terminal. */
export const LINE_WIDTH = 78;

// C0/C1 controls (newline, tab, escape, NEL...), Unicode line/paragraph separators, and the bidi
// embedding/override/isolate characters that can reorder what a reader sees ("Trojan source").
const UNSAFE_CHARS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Replaces characters that could break the layout of a plain-text report with U+FFFD, so a user
 * name or tag value cannot inject lines, fake sections or reorder text.
 */
export function clean(value: string): string {
  return value.replace(UNSAFE_CHARS, '\uFFFD');
}

/** `1 key`, `3 keys`; pass the plural when it is not the singular plus `s`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/**
 * Wraps text at spaces into lines of at most `width` characters (code points), the first line
 * starting with `first` and the others with `rest`. Words longer than a line are split.
 */
export function wrap(
  text: string,
  options: { width?: number; first?: string; rest?: string } = {},
): string[] {
  const width = options.width ?? LINE_WIDTH;
  const first = options.first ?? '';
  const rest = options.rest ?? '';
  const lines: string[] = [];
  let prefix = first;
  let line = '';
  const room = () => width - length(prefix);
  const flush = () => {
    lines.push(prefix + line);
    prefix = rest;
    line = '';
  };
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (line !== '' && length(line) + 1 + length(word) <= room()) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') flush();
    let chars = Array.from(word);
    // A word longer than a whole line (a long ARN, a pasted token) is cut rather than overflowing.
    while (chars.length > Math.max(room(), 1)) {
      const take = Math.max(room(), 1);
      line = chars.slice(0, take).join('');
      chars = chars.slice(take);
      flush();
    }
    line = chars.join('');
  }
  if (line !== '' || lines.length === 0) lines.push(prefix + line);
  return lines;
}

function length(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}
