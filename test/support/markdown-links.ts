/**
 * Reads the links and headings of a markdown page the way GitHub renders it, so a test can check
 * that every relative link of the docs lands on a file and a heading that exist.
 */

/** A link as written: its target (path, anchor or both) and the line it is on. */
export interface MarkdownLink {
  target: string;
  line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** The lines outside fenced code blocks, with their 1-based numbers: code is not markdown. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (marker !== undefined) {
      fence = marker;
      return;
    }
    out.push({ text, line: index + 1 });
  });
  return out;
}

/** A line without its code spans, which GitHub shows verbatim (a `[x](y)` in backticks is no link). */
const withoutCodeSpans = (text: string): string => text.replace(/(`+)[\s\S]*?\1/g, '');

/**
 * GitHub's anchor for a heading's text (github-slugger): the rendered text lower-cased, every
 * character that is not a letter, digit, mark, `_`, `-` or space dropped, each space made a `-`.
 */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*/g, '')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor the page's headings give, a repeated one suffixed `-1`, `-2`, ... as GitHub does. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * Every link target of the page: inline links and images `[x](target)`, reference definitions
 * `[label]: target`, and reference uses `[x][label]` (as `[label]` when no definition names it).
 */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  const definitions = new Map<string, string>();
  const uses: { label: string; line: number }[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const definition = /^\s{0,3}\[([^\]]+)\]:\s*<?([^\s>]+)>?/.exec(text);
    if (definition?.[1] !== undefined && definition[2] !== undefined) {
      definitions.set(definition[1].toLowerCase(), definition[2]);
      links.push({ target: definition[2], line });
      continue;
    }
    const prose = withoutCodeSpans(text);
    for (const match of prose.matchAll(/\]\(\s*<?([^\s)>]*)>?(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ target: match[1] ?? '', line });
    }
    for (const match of prose.matchAll(/\[([^\]]+)\]\[([^\]]*)\]/g)) {
      uses.push({ label: (match[2] || match[1] || '').toLowerCase(), line });
    }
  }
  for (const { label, line } of uses) {
    if (!definitions.has(label)) links.push({ target: `[${label}]`, line });
  }
  return links;
}
