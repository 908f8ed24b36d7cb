import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { githubSlug, headingAnchors, markdownLinks } from '../support/markdown-links.js';

// A newcomer finds their way through README.md and docs/ by links: a link to a page that moved, or
// to a heading that was renamed, lands nowhere on GitHub and says nothing. Every relative link and
// anchor is checked here; web and mail links are not (no network in tests).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const read = (path: string): string => readFileSync(path, 'utf8');

/** What is wrong with one link target of `page`, or undefined when it lands where it says. */
function brokenBecause(page: string, target: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(target)) return undefined;
  if (target.startsWith('[')) return 'a reference link with no definition';
  if (target === '') return 'an empty link';
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
  if (relative(ROOT, file).startsWith('..')) return 'points outside the repository';
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`;
  if (anchor === undefined) return undefined;
  if (statSync(file).isDirectory() || !file.endsWith('.md'))
    return 'an anchor on a file that is not markdown';
  if (!headingAnchors(read(file)).has(anchor)) return `no heading #${anchor} in ${relative(ROOT, file)}`;
  return undefined;
}

describe('the links of README.md and docs/*.md', () => {
  it('checks the front door and every page of docs/', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/deploy.md']));
  });

  it.each(PAGES)('%s: every relative link lands on an existing file and heading', (page) => {
    // Act
    const broken = markdownLinks(read(join(ROOT, page)))
      .map(({ target, line }) => ({ target, line, why: brokenBecause(page, target) }))
      .filter(({ why }) => why !== undefined)
      .map(({ target, line, why }) => `${page}:${line} (${target}): ${why}`);
    // Assess
    expect(broken).toEqual([]);
  });
});

describe('Function: githubSlug', () => {
  it("follows GitHub's heading anchors: lower case, punctuation dropped but - and _, spaces to -", () => {
    expect(githubSlug("The role's permissions")).toBe('the-roles-permissions');
    expect(githubSlug('Amazon Q Developer in chat applications (formerly AWS Chatbot)')).toBe(
      'amazon-q-developer-in-chat-applications-formerly-aws-chatbot',
    );
    expect(githubSlug('Many accounts: organization runs')).toBe('many-accounts-organization-runs');
    expect(githubSlug('`npm run demo` and snake_case')).toBe('npm-run-demo-and-snake_case');
    expect(githubSlug('Security Hub and OCSF')).toBe('security-hub-and-ocsf');
    expect(githubSlug('A - B')).toBe('a---b');
  });

  it('numbers repeated headings -1, -2 and ignores headings inside code blocks', () => {
    // Prepare
    const page = ['# Deploy', '## Steps', '```sh', '# Steps', '```', '### Steps', '## Steps'].join('\n');
    // Act
    const anchors = headingAnchors(page);
    // Assess
    expect([...anchors]).toEqual(['deploy', 'steps', 'steps-1', 'steps-2']);
  });
});

describe('Function: markdownLinks', () => {
  it('finds inline links, images and reference links, outside code', () => {
    // Prepare
    const page = [
      'See [deploy](docs/deploy.md#the-roles-permissions) and ![shot](docs/report.png "the report").',
      'Not `[code](nowhere.md)`, nor:',
      '```',
      '[fenced](nowhere.md)',
      '```',
      'A [reference][ref], a [missing one][gone] and [in page](#deploy).',
      '[ref]: docs/settings.md',
    ].join('\n');
    // Act
    const targets = markdownLinks(page).map(({ target, line }) => `${line} ${target}`);
    // Assess
    expect(targets).toEqual([
      '1 docs/deploy.md#the-roles-permissions',
      '1 docs/report.png',
      '6 #deploy',
      '7 docs/settings.md',
      '6 [gone]',
    ]);
  });
});
