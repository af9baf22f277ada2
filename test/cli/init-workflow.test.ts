/**
 * `next-cloud-tasks init --workflow` on apps made by each test in a temp folder: the Workflow SDK
 * wired to next-cloud-tasks/workflow in next.config, instrumentation, queue.yaml, .gitignore and
 * the proxy's matcher; a second run that changes nothing; a refusal, writing nothing, when
 * `workflow` is not installed. The fresh-app test (test/fresh-app/workflow-app.test.ts) builds and
 * runs such an app.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInitReport, initApp, leftToDo, runInitCommand, type InitResult } from '@/lib/src/cli/init';
import { InitError } from '@/lib/src/cli/init-layout';
import { parseQueueYaml } from '@/lib/src/queues/parse';
import { writeCnaApp } from './support/cna-app';

/** Next's documented proxy matcher (https://nextjs.org/docs/app/api-reference/file-conventions/proxy#matcher). */
const PROXY = `import { NextResponse, type NextRequest } from 'next/server';

export function proxy(request: NextRequest) {
  if (!request.cookies.has('session')) return NextResponse.redirect(new URL('/login', request.url));
}

export const config = {
  matcher: ['/((?!api|_next/static|_next/image|favicon.ico).*)'],
};
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'init-workflow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A create-next-app app with `workflow` installed (its package.json in node_modules, as npm leaves it; not `@workflow/world-postgres`), plus or minus `files`. */
const makeApp = (files: Record<string, string | null> = {}) =>
  writeCnaApp(dir, {
    'package.json': JSON.stringify({
      name: 'app',
      private: true,
      dependencies: { next: '16.4.6', 'next-cloud-tasks': '^0.1.0', workflow: '4.8.9' },
    }),
    // As the real package: an exports map without ./package.json.
    'node_modules/workflow/package.json': JSON.stringify({ name: 'workflow', version: '4.8.9', exports: { '.': './dist/index.js' } }),
    ...files,
  });

const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const stepsOf = (result: InitResult) => result.steps.map((step) => `${step.action} ${step.file}`);
/** Every file outside node_modules with its text. */
const snapshot = () =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('node_modules'))
      .map((entry) => [join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'utf8')]),
  );

describe('an app as create-next-app makes it, with workflow installed', () => {
  test('init --workflow wires the SDK after init: withWorkflow(withCloudTasks(...)), the World, the queues, .gitignore', () => {
    makeApp();
    const result = initApp(dir, { workflow: true });
    expect(stepsOf(result)).toEqual([
      'created app/%5Fah/queue/deferred/[[...suffix]]/route.ts',
      'created app/_tasks/example.ts',
      'created app/_tasks/manifest.ts',
      'created queue.yaml',
      'created instrumentation.ts',
      'updated .gitignore',
      'updated next.config.ts',
      'updated next.config.ts',
      'updated instrumentation.ts',
      'updated queue.yaml',
      'updated .gitignore',
    ]);
    expect(leftToDo(result)).toBe(false);
    expect(read('next.config.ts')).toBe(`import type { NextConfig } from "next";
import { withCloudTasks } from "next-cloud-tasks/config";
import { withWorkflow } from "workflow/next";

// The Workflow SDK's World: Cloud Tasks for its queue (next-cloud-tasks/workflow), chosen before withWorkflow
// runs, which picks its own local World when this is unset.
process.env.WORKFLOW_TARGET_WORLD ??= "next-cloud-tasks/workflow";

const nextConfig: NextConfig = {
  serverExternalPackages: ["@workflow/world-local", "@workflow/world-postgres", "@workflow/core", "@workflow/world-vercel"],
  /* config options here */
  cacheComponents: true,
};

export default withWorkflow(withCloudTasks(nextConfig));
`);
    const instrumentation = read('instrumentation.ts');
    expect(instrumentation).toContain(
      "    registerDeferred({ manifest });\n  }\n  // The Workflow SDK's World is Cloud Tasks (next-cloud-tasks/workflow) in this process, a standalone build\n",
    );
    expect(instrumentation).toContain(
      "  if (process.env.NEXT_RUNTIME === 'nodejs') {\n    const { registerWorkflowWorld } = await import('next-cloud-tasks/workflow');\n    await registerWorkflowWorld();\n  }\n}\n",
    );
    expect(parseQueueYaml(read('queue.yaml')).queues.map((queue) => queue.name)).toEqual(['default', 'workflow-flows', 'workflow-steps']);
    expect(read('.gitignore')).toMatch(/\n\.cloud-tasks-emulator\/\n\n# next-cloud-tasks\/workflow: [^\n]+\n\.workflow-data\/\n$/);

    const report = formatInitReport(result);
    expect(report).toContain("import { start } from 'workflow/api';");
    expect(report).toContain('npx workflow inspect runs --backend next-cloud-tasks/workflow');
    // Production's storage, which neither init nor the build needs, with the app's package manager.
    expect(report).toMatch(/Production keeps them in Postgres:\n {7}npm install @workflow\/world-postgres\n {5}and WORKFLOW_POSTGRES_URL/);
    expect(report).not.toContain('Left to do by hand');
  });

  test('a second run changes nothing and says so; so does --workflow after a plain init and the other way round', () => {
    makeApp();
    initApp(dir);
    initApp(dir, { workflow: true });
    const files = () => Object.fromEntries(['next.config.ts', 'instrumentation.ts', 'queue.yaml', '.gitignore'].map((f) => [f, read(f)]));
    const before = files();
    const second = initApp(dir, { workflow: true });
    expect(new Set(second.steps.map((step) => step.action))).toEqual(new Set(['unchanged']));
    expect(formatInitReport(second)).toContain('Nothing to change');
    expect(initApp(dir).steps.every((step) => step.action === 'unchanged')).toBe(true);
    expect(files()).toEqual(before);
  });

  test("the app's proxy gets the task and workflow routes excluded from its matcher; a second run leaves it", () => {
    makeApp({ 'proxy.ts': PROXY });
    const result = initApp(dir, { workflow: true });
    expect(stepsOf(result)).toContain('updated proxy.ts');
    // init's own edit (task deliveries to /_ah/queue/), then --workflow's, in the same list.
    expect(read('proxy.ts')).toBe(PROXY.replace('(?!api|', '(?!.well-known/workflow/|_ah/queue/|api|'));
    expect(result.warnings).toEqual([]);
    const again = initApp(dir, { workflow: true }).steps.filter((step) => step.file === 'proxy.ts');
    expect(again.map((step) => step.action)).toEqual(['unchanged', 'unchanged']);
  });

  test.each([
    ['no matcher', 'export function proxy() {}\n', 'has no matcher'],
    [
      'a matcher without a (?!...) list that catches everything',
      "export function proxy() {}\nexport const config = { matcher: '/:path*' };\n",
      'no (?!...) list',
    ],
  ])('a proxy with %s is left alone, with what to do by hand', (_name, proxy, reason) => {
    makeApp({ 'middleware.ts': proxy });
    // init's own step for the task URLs, then --workflow's: both leave it, each saying what to add.
    const [tasks, step] = initApp(dir, { workflow: true }).steps.filter((s) => s.file === 'middleware.ts');
    expect(tasks).toEqual(expect.objectContaining({ action: 'skipped', manual: expect.stringContaining('_ah/queue/') }));
    expect(step).toEqual(
      expect.objectContaining({
        action: 'skipped',
        what: expect.stringContaining(reason),
        manual: expect.stringContaining('.well-known/workflow/'),
      }),
    );
    expect(read('middleware.ts')).toBe(proxy);
  });

  test('a matcher that does not reach the workflow routes is unchanged', () => {
    const proxy = "export function proxy() {}\nexport const config = { matcher: ['/dashboard/:path*'] };\n";
    makeApp({ 'proxy.ts': proxy });
    const steps = initApp(dir, { workflow: true }).steps.filter((s) => s.file === 'proxy.ts');
    expect(steps.map((step) => step.action)).toEqual(['unchanged', 'unchanged']);
  });
});

describe('configs and files of other shapes', () => {
  test('a CommonJS next.config.js with its own serverExternalPackages: required, merged into the array', () => {
    makeApp({
      'next.config.ts': null,
      'next.config.js': "/** @type {import('next').NextConfig} */\nmodule.exports = {\n  serverExternalPackages: ['sharp'],\n};\n",
    });
    initApp(dir, { workflow: true });
    expect(read('next.config.js')).toBe(`const { withCloudTasks } = require('next-cloud-tasks/config');
const { withWorkflow } = require('workflow/next');

// The Workflow SDK's World: Cloud Tasks for its queue (next-cloud-tasks/workflow), chosen before withWorkflow
// runs, which picks its own local World when this is unset.
process.env.WORKFLOW_TARGET_WORLD ??= 'next-cloud-tasks/workflow';
/** @type {import('next').NextConfig} */
module.exports = withWorkflow(withCloudTasks({
  serverExternalPackages: ['sharp', '@workflow/world-local', '@workflow/world-postgres', '@workflow/core', '@workflow/world-vercel'],
}));
`);
  });

  test('a config that calls withWorkflow without this World is left alone, with the reason', () => {
    const config = "import { withWorkflow } from 'workflow/next';\nexport default withWorkflow({});\n";
    makeApp({ 'next.config.ts': config });
    const step = initApp(dir, { workflow: true })
      .steps.filter((s) => s.file === 'next.config.ts')
      .at(-1)!;
    expect(step).toEqual(
      expect.objectContaining({ action: 'skipped', what: expect.stringContaining('does not select next-cloud-tasks/workflow') }),
    );
  });

  test('a queue.yaml whose queue list is not last gets no queues appended: the user is told what to add', () => {
    makeApp({ 'queue.yaml': 'queue:\n- name: default\n  rate: 1/s\ntotal_storage_limit: 1G\n' });
    const step = initApp(dir, { workflow: true })
      .steps.filter((s) => s.file === 'queue.yaml')
      .at(-1)!;
    expect(step.action).toBe('skipped');
    expect(step.manual).toContain('- name: workflow-steps');
    expect(read('queue.yaml')).toBe('queue:\n- name: default\n  rate: 1/s\ntotal_storage_limit: 1G\n');
  });

  test("a pnpm app's next steps name pnpm's command for the production storage", () => {
    makeApp({ 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" });
    const report = formatInitReport(initApp(dir, { workflow: true }));
    expect(report).toContain('       pnpm add @workflow/world-postgres\n');
    expect(report).not.toContain('npm install');
  });
});

describe('without the Workflow SDK installed', () => {
  test('init --workflow refuses before writing anything, naming the install command of the app’s package manager', () => {
    makeApp({ 'node_modules/workflow/package.json': null, 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" });
    const before = snapshot();
    expect(() => initApp(dir, { workflow: true })).toThrow(InitError);
    expect(() => initApp(dir, { workflow: true })).toThrow(/^workflow is not installed .*Run `pnpm add workflow`, then/);
    expect(snapshot()).toEqual(before);
  });

  test('the command exits 1 with the message on stderr', async () => {
    makeApp({ 'node_modules/workflow/package.json': null });
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
    try {
      expect(await runInitCommand(['--workflow', '--dir', dir])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toContain('Run `npm install workflow`, then `init --workflow` again.');
  });
});
