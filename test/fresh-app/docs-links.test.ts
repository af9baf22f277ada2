/**
 * Every relative link of the docs resolves: the repository's README into lib/, and the package's
 * README and docs (what npm ships) within the package, so that they work in
 * node_modules/next-cloud-tasks/ and on the npm page (which resolves them against `repository` +
 * `directory`). Anchors name a heading of the target, as GitHub and npm slug it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/next-server';

const LIB = join(ROOT, 'lib');
const SHIPPED = ['lib/README.md', ...readdirSync(join(LIB, 'docs')).map((name) => `lib/docs/${name}`)];

/** GitHub's heading ids: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = heading
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count ? `${base}-${count}` : base);
  }
  return ids;
}

/** The relative links of a Markdown file (code blocks and inline code left out): [line, target]. */
function relativeLinks(markdown: string): [number, string][] {
  const links: [number, string][] = [];
  markdown
    .replace(/^```[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, ''))
    .split('\n')
    .forEach((line, index) => {
      for (const [, target] of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^[a-z]+:/i.test(target)) links.push([index + 1, target]);
      }
    });
  return links;
}

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  const broken: string[] = [];
  for (const [line, target] of relativeLinks(markdown)) {
    const [path, anchor] = target.split('#');
    const resolved = path ? resolve(dirname(join(ROOT, file)), decodeURIComponent(path)) : join(ROOT, file);
    const where = `${file}:${line} ${target}`;
    if (!existsSync(resolved)) broken.push(`${where}: no such file`);
    else if (SHIPPED.includes(file) && relative(LIB, resolved).startsWith('..')) broken.push(`${where}: outside the package`);
    else if (anchor && resolved.endsWith('.md') && !headingIds(readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${where}: no heading #${anchor}`);
    }
  }
  return broken;
}

test.each(['README.md', ...SHIPPED])('every relative link of %s resolves', (file) => {
  expect(brokenLinks(file)).toEqual([]);
});

test('the package README links the shipped docs it names, and the repository README points at it', () => {
  const packageReadme = readFileSync(join(LIB, 'README.md'), 'utf8');
  for (const doc of ['deploy-cloud-run.md', 'testing.md', 'emulator.md', 'queues-ci.md', 'cron.md']) {
    expect(packageReadme).toContain(`](docs/${doc}`);
  }
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('](lib/README.md)');
});
