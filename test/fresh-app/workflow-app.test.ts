/**
 * docs/workflows.md done by a new user: a brand-new Next 16 app (create-next-app 16.4's defaults,
 * from test/fixtures/fresh-app/scaffold), the packed package and the Workflow SDK installed with npm
 * (not `@workflow/world-postgres`: locally the runs are kept in files, and withCloudTasks lets the
 * build do without it), `npx next-cloud-tasks init --workflow`, the demo's workflows and their two
 * routes written into it, `next build`, then `next start` with only the environment `npx
 * next-cloud-tasks emulator` prints: the shared workflow cases (support/workflow-suite.ts) pass on
 * it. With WORKFLOW_POSTGRES_URL set, the same build exits at start naming the install command.
 *
 * Needs the npm registry (or a warm npm cache) besides loopback. About 3-6 minutes.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../helpers/next-server';
import { describeWorkflowCases, type WorkflowTarget } from '../workflow/support/workflow-suite';
import { appPackageJson, repoVersion, scaffoldApp, startAppBesideEmulator, startNextApp, type AppBesideEmulator } from './app-fixture';
import { packLib, run, runOk, type Child } from './support';

jest.setTimeout(300_000);

const work = mkdtempSync(join(tmpdir(), 'fresh-workflow-app-'));
const app = join(work, 'my-app');
const timings: Record<string, number> = {};
const children: Child[] = [];
const read = (file: string) => readFileSync(join(app, file), 'utf8');
const init = () => run('npx', ['--no', '--', 'next-cloud-tasks', 'init', '--workflow'], { cwd: app });

beforeAll(() => {
  const started = Date.now();
  const pack = packLib(work);
  // docs/workflows.md's `npm install next-cloud-tasks workflow` in it: no Postgres storage.
  scaffoldApp(app, appPackageJson(pack.tarball, { workflow: repoVersion('workflow') }));
  runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
  timings['pack + npm install'] = Date.now() - started;
}, 300_000);

afterAll(async () => {
  for (const child of children) await child.stop();
  console.log(`fresh workflow app timings (ms): ${JSON.stringify(timings)}`);
  if (!process.env.KEEP_FRESH_APP) rmSync(work, { recursive: true, force: true });
});

test('npx next-cloud-tasks init --workflow wires the SDK to the Cloud Tasks World; a second run changes nothing', () => {
  // Nothing installs it for the app: what follows runs without it.
  expect(existsSync(join(app, 'node_modules/@workflow/world-postgres'))).toBe(false);
  const first = init();
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  expect(first.stdout).toContain('created   instrumentation.ts');
  expect(first.stdout).toContain('updated   queue.yaml');
  expect(first.stdout).toContain('npx workflow inspect runs --backend next-cloud-tasks/workflow');
  expect(first.stdout).toContain('npm install @workflow/world-postgres');
  expect(read('next.config.ts')).toContain('export default withWorkflow(withCloudTasks(nextConfig));');
  expect(read('next.config.ts')).toContain('process.env.WORKFLOW_TARGET_WORLD ??= "next-cloud-tasks/workflow";');
  expect(read('instrumentation.ts')).toContain('await registerWorkflowWorld();');

  const second = init();
  expect(second.status).toBe(0);
  expect(second.stdout).toContain('Nothing to change');
  expect(second.stdout).not.toMatch(/^\s+(created|updated|skipped) /m);
});

test("next build compiles the app's workflows (the demo's, written by the user) and their routes, its type check included", () => {
  for (const file of ['app/_workflows/onboarding.ts', 'app/api/workflows/route.ts', 'app/api/workflows/hooks/route.ts']) {
    cpSync(join(ROOT, file), join(app, file));
  }
  const build = run('npm', ['run', 'build'], { cwd: app });
  timings['next build'] = build.ms;
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  expect(`${build.stdout}\n${build.stderr}`).toContain('Finished TypeScript');
  expect(build.stdout).toContain('/.well-known/workflow/v1/flow');
  expect(build.stdout).toContain('/.well-known/workflow/v1/step');
  expect(build.stdout).toContain('ƒ /api/workflows');
});

describe('next start with only the environment npx next-cloud-tasks emulator prints', () => {
  let started: AppBesideEmulator;

  beforeAll(async () => {
    const startedAt = Date.now();
    started = await startAppBesideEmulator(app, (child) => children.push(child));
    timings['emulator + next start'] = Date.now() - startedAt;
  });

  const target = (): WorkflowTarget => ({
    appUrl: started.appUrl,
    emulatorUrl: `http://${started.appEnv.CLOUD_TASKS_EMULATOR_HOST}`,
    appDir: app,
    env: started.appEnv,
    output: () => `app:\n${started.next.output()}\nemulator:\n${started.emulator.output()}`,
    async killApp() {
      started.next.process.kill('SIGKILL');
      await new Promise((resolve) => started.next.process.once('exit', resolve));
    },
    async restartApp() {
      started.next = await startNextApp(app, started.appUrl, started.appEnv, (child) => children.push(child));
    },
  });

  describeWorkflowCases(target);

  test('with WORKFLOW_POSTGRES_URL set, the build made without @workflow/world-postgres exits at start naming its install command', async () => {
    const port = await freePort();
    const nextBin = join(app, 'node_modules/next/dist/bin/next');
    // Never reached: the package is missing before any connection.
    const env = { ...started.appEnv, PORT: String(port), WORKFLOW_POSTGRES_URL: 'postgres://workflows@127.0.0.1:1/workflows' };
    const result = run(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: app, env, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status).toBe(1);
    expect(output).toContain(
      'WorkflowStorageError: WORKFLOW_POSTGRES_URL (runs kept in Postgres) needs the package @workflow/world-postgres, which is not installed: npm install @workflow/world-postgres',
    );
  });
});
