/**
 * `next-cloud-tasks init` on apps made by each test in a temp folder: app/ and src/app/ layouts,
 * existing instrumentation with and without register(), next.config in each form (the edited
 * config is then loaded by Node, through the built package, to show it still works), files it
 * must not overwrite, and a second run that changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { formatInitReport, initApp, leftToDo, runInitCommand, type InitResult } from '@/lib/src/cli/init';
import { InitError } from '@/lib/src/cli/init-layout';
import { parseQueueYaml } from '@/lib/src/queues/parse';
import { ROOT } from '../helpers/next-server';
import { CNA_NEXT_CONFIG, CNA_TSCONFIG, writeCnaApp } from './support/cna-app';

const ROUTE = 'app/%5Fah/queue/deferred/[[...suffix]]/route.ts';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An app as create-next-app leaves it (TypeScript, app/, `@/*` alias), plus or minus `files` (null removes one). */
const makeApp = (files: Record<string, string | null> = {}) => writeCnaApp(dir, files);

const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const actions = (result: InitResult) => Object.fromEntries(result.steps.map((step) => [step.file, step.action]));

/** Every file under `dir` with its text, to compare two runs. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of require('node:fs').readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(path);
      else out[path] = read(path);
    }
  };
  walk('');
  return out;
}

/**
 * Loads the app's next.config with Node as Next would, `next-cloud-tasks` resolving to this repo's
 * built package, and returns what withCloudTasks added.
 */
function loadNextConfig(file: string): { externals: string[]; rewrites: unknown } {
  if (!existsSync(join(ROOT, 'lib/dist/next/config.js'))) throw new Error('lib/dist is not built: run `npm run build:lib` first');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  if (!existsSync(join(dir, 'node_modules/next-cloud-tasks'))) symlinkSync(join(ROOT, 'lib'), join(dir, 'node_modules/next-cloud-tasks'));
  const script = `const { pathToFileURL } = await import('node:url');
const m = await import(pathToFileURL(${JSON.stringify(join(dir, file))}).href);
const config = typeof m.default === 'function' ? await m.default('phase-production-build', { defaultConfig: {} }) : m.default;
console.log(JSON.stringify({ externals: config.serverExternalPackages, rewrites: await config.rewrites() }));`;
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${file} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('an app as create-next-app makes it (app/, TypeScript, next.config.ts)', () => {
  test('writes the route, manifest, example, queue.yaml and instrumentation, and edits .gitignore and next.config.ts', () => {
    makeApp();
    const result = initApp(dir);
    expect(actions(result)).toEqual({
      [ROUTE]: 'created',
      'app/_tasks/example.ts': 'created',
      'app/_tasks/manifest.ts': 'created',
      'queue.yaml': 'created',
      'instrumentation.ts': 'created',
      '.gitignore': 'updated',
      'next.config.ts': 'updated',
    });
    expect(leftToDo(result)).toBe(false);

    expect(read(ROUTE)).toContain("import { manifest } from '@/app/_tasks/manifest';");
    expect(read(ROUTE)).toContain('export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);');
    expect(read('app/_tasks/manifest.ts')).toContain('export const manifest = createManifest([sayHello]);');
    expect(read('app/_tasks/example.ts')).toContain("deferrable('example.sayHello', async (name: string) =>");
    expect(parseQueueYaml(read('queue.yaml')).queues.map((q) => q.name)).toEqual(['default']);
    expect(read('instrumentation.ts')).toContain(
      "if (process.env.NEXT_RUNTIME === 'nodejs') {\n    const { registerDeferred } = await import('next-cloud-tasks/next');",
    );
    // The route's manifest goes to registerDeferred, so defer() refuses an unknown function at the call.
    expect(read('instrumentation.ts')).toContain(
      "    const { manifest } = await import('@/app/_tasks/manifest');\n    registerDeferred({ manifest });\n  }",
    );
    expect(read('.gitignore')).toBe("/node_modules\n/.next/\n\n# next-cloud-tasks: the local emulator's state\n.cloud-tasks-emulator/\n");
    expect(read('next.config.ts')).toContain('export default withCloudTasks(nextConfig);');

    const report = formatInitReport(result);
    expect(report).toContain(`created   ${ROUTE}`);
    expect(report).toContain('npx next-cloud-tasks dev');
    expect(report).toContain("import { sayHello } from '@/app/_tasks/example';");
    expect(report).toContain('"dev": "next-cloud-tasks dev"');
    expect(report).not.toContain('Left to do by hand');
  });

  test('the edited next.config.ts loads and carries the rewrites and serverExternalPackages', () => {
    makeApp();
    initApp(dir);
    const { externals, rewrites } = loadNextConfig('next.config.ts');
    expect(externals).toContain('@google-cloud/tasks');
    expect(rewrites).toEqual(
      expect.arrayContaining([{ source: '/_ah/queue/deferred_:suffix', destination: '/_ah/queue/deferred/:suffix' }]),
    );
  });

  test('a second run changes nothing and says so', () => {
    makeApp();
    initApp(dir);
    const before = snapshot();
    const second = initApp(dir);
    expect(new Set(Object.values(actions(second)))).toEqual(new Set(['unchanged']));
    expect(snapshot()).toEqual(before);
    expect(formatInitReport(second)).toContain('Nothing to change: next-cloud-tasks is set up in this app already.');
    expect(leftToDo(second)).toBe(false);
  });
});

describe('src/ layouts and import paths', () => {
  test('src/app with `@/*` -> ./src/*: the route and instrumentation go under src/', () => {
    makeApp({
      'app/page.tsx': null,
      'src/app/page.tsx': 'export default function Home() { return null; }\n',
      'tsconfig.json': CNA_TSCONFIG.replace('"./*"', '"./src/*"'),
    });
    const result = initApp(dir);
    expect(result.layout.appDir).toBe('src/app');
    expect(actions(result)).toMatchObject({
      [`src/${ROUTE}`]: 'created',
      'src/app/_tasks/manifest.ts': 'created',
      'src/instrumentation.ts': 'created',
      'queue.yaml': 'created',
    });
    expect(read(`src/${ROUTE}`)).toContain("from '@/app/_tasks/manifest'");
    expect(read('src/instrumentation.ts')).toContain("await import('@/app/_tasks/manifest')");
    expect(existsSync(join(dir, 'instrumentation.ts'))).toBe(false);
  });

  test('src/app with `@/*` -> ./*: the alias keeps src/ in the path', () => {
    makeApp({ 'app/page.tsx': null, 'src/app/page.tsx': 'export default function Home() { return null; }\n' });
    initApp(dir);
    expect(read(`src/${ROUTE}`)).toContain("from '@/src/app/_tasks/manifest'");
  });

  test('no import alias: a relative import that reaches the manifest', () => {
    makeApp({ 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true } }) });
    initApp(dir);
    const specifier = /from '([^']+)'/.exec(
      read(ROUTE)
        .split('\n')
        .find((line) => line.includes('manifest'))!,
    )![1];
    expect(specifier).toBe('../../../../_tasks/manifest');
    expect(existsSync(`${resolve(dirname(join(dir, ROUTE)), specifier)}.ts`)).toBe(true);
    expect(read('instrumentation.ts')).toContain("await import('./app/_tasks/manifest')");
  });

  test('a JavaScript app gets .js files, without type annotations, and a next.config.mjs when it has none', () => {
    makeApp({
      'tsconfig.json': null,
      'jsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./*'] } } }),
      'next.config.ts': null,
    });
    const result = initApp(dir);
    expect(actions(result)).toMatchObject({
      'app/%5Fah/queue/deferred/[[...suffix]]/route.js': 'created',
      'instrumentation.js': 'created',
      'next.config.mjs': 'created',
    });
    expect(read('app/_tasks/example.js')).toContain('async (name) =>');
    expect(loadNextConfig('next.config.mjs').externals).toContain('@google-cloud/tasks');
  });
});

describe('existing instrumentation', () => {
  test('with a register(): the block is merged into it, the rest kept', () => {
    const source =
      "export async function register() {\n  if (process.env.NEXT_RUNTIME === 'nodejs') {\n    await import('./otel');\n  }\n}\n";
    makeApp({ 'instrumentation.ts': source });
    const result = initApp(dir);
    expect(actions(result)['instrumentation.ts']).toBe('updated');
    const text = read('instrumentation.ts');
    expect(text.match(/export async function register/g)).toHaveLength(1);
    expect(text).toContain("const { registerDeferred } = await import('next-cloud-tasks/next');");
    expect(text).toContain("    await import('./otel');");
    expect(text.indexOf('registerDeferred')).toBeLessThan(text.indexOf('./otel'));
  });

  test('without a register(): one is added after what is there', () => {
    makeApp({ 'instrumentation.ts': 'export const onRequestError = () => {};\n' });
    initApp(dir);
    expect(read('instrumentation.ts')).toMatch(
      /^export const onRequestError = \(\) => \{\};\n\nexport async function register\(\) \{\n[\s\S]*registerDeferred\(\{ manifest \}\);/,
    );
  });

  test('a register() init will not change: left alone, with the block to add by hand, and exit code 1', () => {
    const source = 'export function register(): void {\n  setup();\n}\n';
    makeApp({ 'instrumentation.ts': source });
    const result = initApp(dir);
    expect(actions(result)['instrumentation.ts']).toBe('skipped');
    expect(read('instrumentation.ts')).toBe(source);
    expect(leftToDo(result)).toBe(true);
    const report = formatInitReport(result);
    expect(report).toContain('Left to do by hand:');
    expect(report).toContain("const { registerDeferred } = await import('next-cloud-tasks/next');");
  });
});

describe('next.config forms', () => {
  test.each([
    [
      'next.config.js',
      "// @ts-check\n\n/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  reactStrictMode: true,\n};\n\nmodule.exports = nextConfig;\n",
      'module.exports = withCloudTasks(nextConfig);',
    ],
    [
      'next.config.js',
      'module.exports = {\n  poweredByHeader: false,\n}\n',
      'module.exports = withCloudTasks({\n  poweredByHeader: false,\n});',
    ],
    [
      'next.config.mjs',
      "/** @type {import('next').NextConfig} */\nconst nextConfig = {};\n\nexport default nextConfig;\n",
      'export default withCloudTasks(nextConfig);',
    ],
    [
      'next.config.mjs',
      'export default async (phase) => ({ distDir: phase ? ".next" : "x" })\n',
      'export default withCloudTasks(async (phase) => ({ distDir: phase ? ".next" : "x" }));',
    ],
    ['next.config.ts', CNA_NEXT_CONFIG, 'export default withCloudTasks(nextConfig);'],
  ])('%s is wrapped, and still loads', (file, source, wrapped) => {
    makeApp({ 'next.config.ts': null, [file]: source });
    const result = initApp(dir);
    expect(actions(result)[file]).toBe('updated');
    expect(read(file)).toContain(wrapped);
    const { externals, rewrites } = loadNextConfig(file);
    expect(externals).toEqual(['@google-cloud/tasks', '@google-cloud/storage']);
    expect(rewrites).toHaveLength(2);
    expect(actions(initApp(dir))[file]).toBe('unchanged');
  });

  test('a config it cannot read is left alone, and the report says what to wrap', () => {
    const source = 'const config = {};\nexport { config as default };\n';
    makeApp({ 'next.config.ts': null, 'next.config.mjs': source });
    const result = initApp(dir);
    expect(actions(result)['next.config.mjs']).toBe('skipped');
    expect(read('next.config.mjs')).toBe(source);
    expect(formatInitReport(result)).toContain('export default withCloudTasks(nextConfig)');
  });
});

describe('files the user has: never overwritten', () => {
  test('a route file with other content, and a manifest that is not one: skipped, printed, untouched', () => {
    makeApp({
      [ROUTE]: 'export function GET() { return new Response("mine"); }\n',
      'app/_tasks/manifest.ts': 'export const tasks = [];\n',
    });
    const result = initApp(dir);
    expect(actions(result)).toMatchObject({ [ROUTE]: 'skipped', 'app/_tasks/manifest.ts': 'skipped' });
    expect(read(ROUTE)).toContain('"mine"');
    expect(read('app/_tasks/manifest.ts')).toBe('export const tasks = [];\n');
    expect(existsSync(join(dir, 'app/_tasks/example.ts'))).toBe(false);
    // No `manifest` to import: registerDeferred() without one, and the app still builds.
    expect(read('instrumentation.ts')).toContain('    registerDeferred();\n');
    expect(read('instrumentation.ts')).not.toContain('_tasks/manifest');
    const report = formatInitReport(result);
    expect(report).toContain(`${ROUTE}: Make it serve tasks:`);
    expect(report).toContain('export const manifest = createManifest([sayHello]);');
    expect(leftToDo(result)).toBe(true);
  });

  test('an example.ts of its own: nothing in _tasks is written, both files are printed', () => {
    makeApp({ 'app/_tasks/example.ts': 'export const mine = 1;\n' });
    const result = initApp(dir);
    expect(actions(result)['app/_tasks/example.ts']).toBe('skipped');
    expect(existsSync(join(dir, 'app/_tasks/manifest.ts'))).toBe(false);
    expect(read('app/_tasks/example.ts')).toBe('export const mine = 1;\n');
  });

  test("the app's own manifest and task route are kept as they are", () => {
    makeApp({
      [ROUTE]:
        "import { handleDeferredRequest } from 'next-cloud-tasks';\nexport const POST = (r: Request) => handleDeferredRequest(r, { manifest });\n",
      'app/_tasks/manifest.ts': "import { createManifest } from 'next-cloud-tasks';\nexport const manifest = createManifest([]);\n",
    });
    expect(actions(initApp(dir))).toMatchObject({ [ROUTE]: 'unchanged', 'app/_tasks/manifest.ts': 'unchanged' });
  });

  test('a queue.yaml of its own is kept; without a "default" queue, or invalid, init says so', () => {
    makeApp({ 'queue.yaml': 'queue:\n- name: emails\n  rate: 5/s\n' });
    const result = initApp(dir);
    expect(actions(result)['queue.yaml']).toBe('unchanged');
    expect(read('queue.yaml')).toBe('queue:\n- name: emails\n  rate: 5/s\n');
    expect(result.warnings).toEqual([expect.stringContaining('queue.yaml has no "default" queue (it has emails)')]);

    writeFileSync(join(dir, 'queue.yaml'), 'queue:\n- name: default\n  rate: fast\n');
    expect(initApp(dir).warnings).toEqual([
      expect.stringMatching(/queue\.yaml does not validate:[\s\S]*queue\.yaml:3:9: Rate "fast" is invalid/),
    ]);
  });
});

describe("the app's proxy", () => {
  test('a matcher that catches the task URLs gets _ah/queue/ excluded; a second run leaves it', () => {
    const source =
      "export function proxy() {}\nexport const config = { matcher: ['/((?!api|_next/static|_next/image|favicon.ico).*)'] };\n";
    makeApp({ 'proxy.ts': source });
    const result = initApp(dir);
    expect(actions(result)['proxy.ts']).toBe('updated');
    expect(read('proxy.ts')).toBe(source.replace('(?!api|', '(?!_ah/queue/|api|'));
    expect(leftToDo(result)).toBe(false);
    expect(actions(initApp(dir))['proxy.ts']).toBe('unchanged');
  });

  test('a proxy without a matcher is left alone: init prints the matcher to add, and exit code 1', () => {
    makeApp({ 'middleware.ts': 'export function middleware() {}\n' });
    const result = initApp(dir);
    expect(actions(result)['middleware.ts']).toBe('skipped');
    expect(read('middleware.ts')).toBe('export function middleware() {}\n');
    expect(leftToDo(result)).toBe(true);
    expect(formatInitReport(result)).toContain(
      "export const config = { matcher: ['/((?!_ah/queue/|_next/static|_next/image|favicon.ico).*)'] };",
    );
  });

  test('a matcher that does not reach the task URLs is unchanged', () => {
    makeApp({ 'proxy.ts': "export function proxy() {}\nexport const config = { matcher: ['/dashboard/:path*'] };\n" });
    expect(actions(initApp(dir))['proxy.ts']).toBe('unchanged');
  });
});

describe('not an app init can set up', () => {
  test.each([
    ['no package.json', { 'package.json': null }, /No package\.json in .*: run init in your Next\.js app's folder/],
    ['no next in package.json', { 'package.json': '{"dependencies":{"react":"19.3.1"}}' }, /does not list next/],
    [
      'Next 15',
      { 'package.json': '{"dependencies":{"next":"^15.5.0"}}' },
      /Next\.js \^15\.5\.0; next-cloud-tasks needs Next\.js 16 or newer/,
    ],
    ['no app/ folder', { 'app/page.tsx': null }, /No app\/ or src\/app\/ folder .*App Router/],
  ])('%s: an InitError that says what to do, and nothing written', (_, files, message) => {
    makeApp(files);
    const before = snapshot();
    expect(() => initApp(dir)).toThrow(InitError);
    expect(() => initApp(dir)).toThrow(message);
    expect(snapshot()).toEqual(before);
  });
});

describe('the command', () => {
  let logs: string[];
  beforeEach(() => {
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((text: string) => void logs.push(text));
    jest.spyOn(console, 'error').mockImplementation((text: string) => void logs.push(text));
  });
  afterEach(() => jest.restoreAllMocks());

  test('--help prints the usage; a wrong option exits 2; --dir picks the app', async () => {
    expect(await runInitCommand(['--help'])).toBe(0);
    expect(logs.join('\n')).toContain('Usage: next-cloud-tasks init [--dir <app folder>]');
    expect(await runInitCommand(['--force'])).toBe(2);
    expect(logs.join('\n')).toContain("Unknown option '--force'");
    makeApp();
    expect(await runInitCommand(['--dir', dir])).toBe(0);
    expect(await runInitCommand(['--dir', join(dir, 'app')])).toBe(1);
    expect(logs.join('\n')).toContain('No package.json in');
  });
});
