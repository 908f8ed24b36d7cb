/**
 * bench/results.md is the audit benchmark's file, rewritten on each full run; the organization
 * benchmark keeps its section there (the modelled organization on Step Functions) between markers,
 * which the audit benchmark carries over when it rewrites the rest.
 */

const START = (name: string) => `<!-- section ${name} -->`;
const END = (name: string) => `<!-- /section ${name} -->`;

/** The body of section `name`, or null when the text has none. */
export function sectionOf(text: string, name: string): string | null {
  const start = text.indexOf(START(name));
  const end = text.indexOf(END(name));
  if (start < 0 || end < start) return null;
  return text.slice(start + START(name).length, end).trim();
}

/** The text with section `name` set to `body`: replaced where it is, else appended. */
export function withSection(text: string, name: string, body: string): string {
  const block = `${START(name)}\n${body.trim()}\n${END(name)}\n`;
  const start = text.indexOf(START(name));
  const end = text.indexOf(END(name));
  if (start >= 0 && end > start)
    return `${text.slice(0, start)}${block}${text.slice(end + END(name).length + 1)}`;
  return `${text.trimEnd()}\n\n${block}`;
}
