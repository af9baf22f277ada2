/**
 * The tarball npm would publish: only what a user needs, each exports entry with its types, and
 * accepted by publint (package.json against the files) and @arethetypeswrong/cli (the types each
 * module resolution finds), both run from the npm registry at pinned versions.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/next-server';
import { packLib, run, type PackResult } from './support';

jest.setTimeout(180_000);

const PUBLINT = 'publint@0.3.25';
const ATTW = '@arethetypeswrong/cli@0.18.5';

const work = mkdtempSync(join(tmpdir(), 'tarball-'));
let pack: PackResult;
beforeAll(() => {
  pack = packLib(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync(join(ROOT, 'lib/package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

test('it holds package.json, the build and the docs, without sources, tests or build info, at a size a user downloads', () => {
  const paths = pack.files.map((file) => file.path);
  expect(
    paths.filter(
      (path) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(path) &&
        !/^docs\/[\w-]+\.md$/.test(path) &&
        path !== 'bin/next-cloud-tasks.js' &&
        !/^(package\.json|README\.md|LICENSE)$/.test(path),
    ),
  ).toEqual([]);
  expect(paths.filter((path) => /\.test\.|tsbuildinfo|^src\//.test(path))).toEqual([]);
  // 385 KB packed on 2026-12-06 before this round's features; ./workflow (the World,
  // docs/workflows.md), fan-out (deferMany, cancelMany, per-task retries, their msw fakes and docs)
  // and the argument checks brought it to 467 KB. A jump past this budget is a file that should not ship.
  expect(pack.size).toBeLessThan(490_000);
  console.log(`next-cloud-tasks tarball: ${pack.size} bytes packed, ${pack.unpackedSize} unpacked, ${pack.files.length} files`);
});

test('every exports entry and the bin are in it; the bin is executable', () => {
  const paths = new Set(pack.files.map((file) => file.path));
  for (const [entry, target] of Object.entries(manifest.exports)) {
    const files = typeof target === 'string' ? [target] : [target.types, target.default];
    for (const file of files) expect({ entry, file, packed: paths.has(file.replace(/^\.\//, '')) }).toEqual({ entry, file, packed: true });
  }
  const bin = pack.files.find((file) => file.path === manifest.bin['next-cloud-tasks'].replace(/^\.\//, ''));
  expect(bin?.mode.toString(8)).toBe('755');
});

test(`${PUBLINT} --strict finds nothing`, () => {
  const result = run('npx', ['--yes', PUBLINT, '--strict', pack.tarball], { cwd: work });
  expect(`${result.stdout}${result.stderr}`).toContain('All good!');
  expect(result.status).toBe(0);
});

// The package is ESM only on purpose (Node >= 22.13, where require() of ESM works too): the
// esm-only profile leaves out node10 (no exports maps) and node16's CommonJS mode.
const IGNORED_RESOLUTIONS = ['node10', 'node16-cjs'];

test(`${ATTW} --profile esm-only finds no problem in any entry`, () => {
  const result = run('npx', ['--yes', ATTW, '--profile', 'esm-only', '--format', 'json', pack.tarball], { cwd: work });
  const { analysis } = JSON.parse(result.stdout) as {
    analysis: { entrypoints: Record<string, unknown>; problems: { kind: string; entrypoint?: string; resolutionKind?: string }[] };
  };
  expect(Object.keys(analysis.entrypoints).sort()).toEqual(Object.keys(manifest.exports).sort());
  expect(analysis.problems.filter((problem) => !IGNORED_RESOLUTIONS.includes(problem.resolutionKind ?? ''))).toEqual([]);
  expect(result.status).toBe(0);
});
