/**
 * The package README's four steps and lib/docs/testing.md's jest config show the files the
 * fresh-app tests really use (test/fixtures/fresh-app/user): if they drift apart, the docs lie.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/next-server';

const USER_FILES = join(ROOT, 'test/fixtures/fresh-app/user');

/** The fenced code blocks of a Markdown file whose first line is `// <path>`, by path. */
function codeBlocksByFile(markdownFile: string): Map<string, string> {
  const markdown = readFileSync(join(ROOT, markdownFile), 'utf8');
  const blocks = new Map<string, string>();
  for (const [, body] of markdown.matchAll(/^```(?:ts|js)\n([\s\S]*?)^```$/gm)) {
    const [first, ...rest] = body.split('\n');
    const path = /^\/\/ (\S+)$/.exec(first)?.[1];
    if (path) blocks.set(path, rest.join('\n'));
  }
  return blocks;
}

test.each([
  ['lib/README.md', 'app/_tasks/marker.ts'],
  ['lib/README.md', 'app/api/marker/route.ts'],
  ['lib/README.md', '__tests__/marker.test.ts'],
  ['lib/docs/testing.md', 'jest.config.mjs'],
  ['lib/docs/testing.md', '__tests__/marker.test.ts'],
])('%s shows %s as the fresh-app test writes it', (doc, file) => {
  expect(codeBlocksByFile(doc).get(file)).toBe(readFileSync(join(USER_FILES, file), 'utf8'));
});

test("the package README's manifest edit is the one the fresh-app tests make", () => {
  const readme = readFileSync(join(ROOT, 'lib/README.md'), 'utf8');
  const test = readFileSync(join(ROOT, 'test/fresh-app/app-fixture.ts'), 'utf8');
  for (const line of ["import { writeMarker } from './marker';", 'export const manifest = createManifest([sayHello, writeMarker]);']) {
    expect(readme).toContain(line);
    expect(test).toContain(line.replace('export const manifest = ', '').replace(/;$/, ''));
  }
});
