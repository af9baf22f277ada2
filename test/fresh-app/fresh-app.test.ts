/**
 * The README's "Add to an existing app", done by a new user: a brand-new Next 16 app with
 * create-next-app 16.4's defaults (written here from test/fixtures/fresh-app/scaffold: no template
 * download), the packed package installed from its tarball with next/react/typescript from the
 * npm registry (through npm's cache), `npx next-cloud-tasks init`, one deferrable function with a
 * side effect and a route that defers it, then `next build` (with its type check), `tsc --noEmit`,
 * `npm run lint`, `next start` with `npx next-cloud-tasks emulator`, and the app's own jest test
 * with the config docs/testing.md gives.
 *
 * Needs the npm registry (or a warm npm cache) besides loopback. About 1-3 minutes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { freePort, ROOT } from '../helpers/next-server';
import { createEmulatorTask } from '../helpers/emulator-rest';
import {
  addMarkerFunction,
  appPackageJson,
  deferMarker,
  scaffoldApp,
  startAppBesideEmulator,
  waitForMarker as waitForMarkerIn,
} from './app-fixture';
import { packLib, run, runOk, startChild, type Child, type PackResult } from './support';

jest.setTimeout(300_000);

const work = mkdtempSync(join(tmpdir(), 'fresh-app-'));
const app = join(work, 'my-app');
const timings: Record<string, number> = {};
const children: Child[] = [];
let pack: PackResult;

const timed = <T extends { ms: number }>(label: string, result: T) => ((timings[label] = result.ms), result);
const read = (file: string) => readFileSync(join(app, file), 'utf8');

const AUTH_PROXY = `import { NextResponse, type NextRequest } from 'next/server';

export function proxy(request: NextRequest) {
  if (!request.cookies.has('session')) return NextResponse.redirect(new URL('/login', request.url));
}

export const config = {
  matcher: ['/((?!api|login|_next/static|_next/image|favicon.ico).*)'],
};
`;

beforeAll(() => {
  const started = Date.now();
  pack = packLib(work);
  timings.pack = Date.now() - started;
  scaffoldApp(app, appPackageJson(pack.tarball));
  // The app's own auth proxy, as many apps have one: without init's matcher edit it would redirect
  // every task delivery to /login, and the task tests below would fail.
  writeFileSync(join(app, 'proxy.ts'), AUTH_PROXY);
  timed('npm install', runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app }));
}, 300_000);

afterAll(async () => {
  for (const child of children) await child.stop();
  console.log(`fresh app timings (ms): ${JSON.stringify(timings)}; tarball ${pack?.size} bytes, ${pack?.files.length} files`);
  if (!process.env.KEEP_FRESH_APP) rmSync(work, { recursive: true, force: true });
});

test('the tarball installs with one Next: none nested under next-cloud-tasks, no TypeScript sources', () => {
  expect(existsSync(join(app, 'node_modules/next-cloud-tasks/dist/index.js'))).toBe(true);
  expect(existsSync(join(app, 'node_modules/next-cloud-tasks/node_modules/next'))).toBe(false);
  expect(existsSync(join(app, 'node_modules/next-cloud-tasks/node_modules/react'))).toBe(false);
  expect(existsSync(join(app, 'node_modules/next-cloud-tasks/src'))).toBe(false);
  expect(existsSync(join(app, 'node_modules/.bin/next-cloud-tasks'))).toBe(true);
});

test('every doc the messages name (node_modules/next-cloud-tasks/docs/...) is in the installed package', () => {
  const installed = join(app, 'node_modules/next-cloud-tasks');
  const named = new Set<string>();
  for (const file of readdirSync(join(installed, 'dist'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'))) {
    for (const [, doc] of readFileSync(join(installed, 'dist', file), 'utf8').matchAll(
      /node_modules\/next-cloud-tasks\/(docs\/[\w-]+\.md)/g,
    ))
      named.add(doc);
  }
  expect([...named].sort()).toEqual(['docs/cron.md', 'docs/deploy-cloud-run.md', 'docs/queues-ci.md', 'docs/workflows.md']);
  for (const doc of named) expect(existsSync(join(installed, doc))).toBe(true);
});

test('npx next-cloud-tasks init sets the app up; a second run changes nothing', () => {
  const first = timed('init', run('npx', ['--no', '--', 'next-cloud-tasks', 'init'], { cwd: app }));
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  for (const file of [
    'app/%5Fah/queue/deferred/[[...suffix]]/route.ts',
    'app/_tasks/manifest.ts',
    'app/_tasks/example.ts',
    'queue.yaml',
    'instrumentation.ts',
  ]) {
    expect(first.stdout).toContain(`created   ${file}`);
  }
  expect(first.stdout).toContain('updated   next.config.ts');
  expect(first.stdout).toContain('updated   proxy.ts');
  expect(read('proxy.ts')).toBe(AUTH_PROXY.replace('(?!api|', '(?!_ah/queue/|api|'));
  expect(first.stdout).toContain('npx next-cloud-tasks dev');
  expect(read('next.config.ts')).toContain('export default withCloudTasks(nextConfig);');
  expect(read('next.config.ts')).toContain('cacheComponents: true');

  const second = run('npx', ['--no', '--', 'next-cloud-tasks', 'init'], { cwd: app });
  expect(second.status).toBe(0);
  expect(second.stdout).toContain('Nothing to change');
  expect(second.stdout).not.toMatch(/^\s+(created|updated|skipped) /m);
});

test("the README's step 3 (a function, the manifest, a route that defers) and docs/testing.md's jest setup", () => {
  addMarkerFunction(app, { jest: true });
  expect(read('app/_tasks/manifest.ts')).toContain('createManifest([sayHello, writeMarker])');
  // docs/testing.md: npm install --save-dev jest @types/jest, and a "test" script.
  timed(
    'npm install jest',
    runOk(
      'npm',
      ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', 'jest@^30', '@types/jest@^30'],
      { cwd: app },
    ),
  );
  const pkg = JSON.parse(read('package.json'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, test: 'jest' } }, null, 2));
});

test('next build passes, its type check included (target ES2017, @types/node 20)', () => {
  const build = timed('next build', run('npm', ['run', 'build'], { cwd: app }));
  expect(`${build.stdout}\n${build.stderr}`).toContain('Finished TypeScript');
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  expect(build.stdout).toMatch(/ƒ \/_ah\/queue\/deferred\/\[\[\.\.\.suffix\]\]/);
  expect(build.stdout).toContain('ƒ /api/marker');
});

test("tsc --noEmit with the app's tsconfig, and npm run lint (eslint-config-next) over every file, pass", () => {
  const tsc = timed('tsc', run('npx', ['--no', '--', 'tsc', '--noEmit'], { cwd: app }));
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
  expect(tsc.status).toBe(0);

  const lint = timed('lint', run('npm', ['run', '--silent', 'lint', '--', '--format', 'json'], { cwd: app }));
  const results = JSON.parse(lint.stdout) as { filePath: string; messages: { ruleId: string; message: string; line: number }[] }[];
  const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(app.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`));
  expect(problems).toEqual([]);
  expect(lint.status).toBe(0);
  const linted = results.map((r) => r.filePath.slice(app.length + 1));
  expect(linted).toEqual(
    expect.arrayContaining([
      'app/%5Fah/queue/deferred/[[...suffix]]/route.ts',
      'app/_tasks/manifest.ts',
      'app/_tasks/example.ts',
      'instrumentation.ts',
      'next.config.ts',
      'jest.config.mjs',
      '__tests__/marker.test.ts',
    ]),
  );
});

describe('next start with npx next-cloud-tasks emulator', () => {
  const markerFile = join(work, 'marker.jsonl');
  const probeFile = join(work, 'modules.txt');
  let appEnv: Record<string, string>;
  let appUrl: string;
  let emulatorUrl: string;

  const loadedModules = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean) : []);
  const waitForMarker = (text: string) =>
    waitForMarkerIn(markerFile, text, () => `emulator:\n${children[0]?.output()}\napp:\n${children[1]?.output()}`);

  beforeAll(async () => {
    const started = Date.now();
    // `npx next-cloud-tasks emulator` and `next start`, each started without npx so that its pid is its own.
    // Prewarm off, as on a service that only runs tasks: then only an enqueue loads the client
    // (test/integration/instrumentation.test.ts covers the default, which loads it at start).
    ({ appEnv, appUrl } = await startAppBesideEmulator(app, (child) => children.push(child), {
      DEFERRED_PREWARM: 'off',
      MARKER_FILE: markerFile,
      MODULE_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--require ${join(ROOT, 'test/helpers/module-probe.cjs')}`,
    }));
    emulatorUrl = `http://${appEnv.CLOUD_TASKS_EMULATOR_HOST}`;
    timings['emulator + next start'] = Date.now() - started;
  });

  test('the emulator prints every variable the app needs, DEFERRED_SERVICE_URL on the app port included', () => {
    expect(Object.keys(appEnv).sort()).toEqual([
      'CLOUD_TASKS_EMULATOR_HOST',
      'CLOUD_TASKS_LOCATION',
      'DEFERRED_PAYLOAD_BUCKET',
      'DEFERRED_SERVICE_ACCOUNT',
      'DEFERRED_SERVICE_URL',
      'GOOGLE_CLOUD_PROJECT',
      'STORAGE_EMULATOR_HOST',
    ]);
    expect(appEnv.DEFERRED_SERVICE_URL).toBe(appUrl);
    expect(appEnv.STORAGE_EMULATOR_HOST).toBe(`http://${appEnv.CLOUD_TASKS_EMULATOR_HOST}/storage/v1`);
  });

  test("a task the emulator dispatches runs the app's function, and the handler's path never loads @google-cloud/tasks", async () => {
    const created = await createEmulatorTask({
      emulatorUrl,
      appEnv,
      queue: 'default',
      url: `${appEnv.DEFERRED_SERVICE_URL}/_ah/queue/deferred/marker.write`,
      body: encodeEnvelope('marker.write', ['from the emulator', new Date('2026-12-01T00:00:00Z')]),
      audience: appEnv.DEFERRED_SERVICE_URL,
    });
    expect(created.status).toBe(200);
    expect(await waitForMarker('from the emulator')).toEqual(
      expect.objectContaining({ requestedAt: '2026-12-01T00:00:00.000Z', attempt: 1, queueName: 'default' }),
    );
    expect(loadedModules()).toEqual([]);
  });

  test("the app's route defers the function: the emulator calls the task route, the marker is written", async () => {
    const taskName = await deferMarker(appUrl, 'from the app');
    expect(taskName).toMatch(
      new RegExp(`^projects/${appEnv.GOOGLE_CLOUD_PROJECT}/locations/${appEnv.CLOUD_TASKS_LOCATION}/queues/default/tasks/`),
    );
    expect(await waitForMarker('from the app')).toEqual(expect.objectContaining({ attempt: 1, queueName: 'default' }));
    // The enqueue did load the client: the probe sees loads in this app.
    expect(loadedModules()).toEqual(expect.arrayContaining(['@google-cloud/tasks']));
  });

  test("init's instrumentation.ts runs the start-up check: without DEFERRED_SERVICE_ACCOUNT, next start exits naming it", async () => {
    const { DEFERRED_SERVICE_ACCOUNT: _left, ...partialEnv } = appEnv;
    const port = await freePort();
    const next = startChild(
      process.execPath,
      [join(app, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
      { cwd: app, env: partialEnv },
    );
    children.push(next);
    const exitCode = await new Promise<number | null>((resolve) => next.process.once('exit', (code) => resolve(code)));
    expect(exitCode).toBe(1);
    expect(next.output()).toContain('DEFERRED_SERVICE_ACCOUNT');
  });
});

test("the app's jest test (next-cloud-tasks/testing) passes with docs/testing.md's jest.config.mjs", () => {
  const jest = timed('jest', run('npm', ['test'], { cwd: app }));
  const output = `${jest.stdout}\n${jest.stderr}`;
  if (jest.status !== 0) throw new Error(`the app's jest run failed:\n${output}`);
  expect(output).toMatch(/Tests: +2 passed, 2 total/);
});
