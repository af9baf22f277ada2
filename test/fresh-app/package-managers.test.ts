/**
 * The README's steps in a brand-new app under pnpm (its isolated node_modules/.pnpm, its strict
 * build-script policy) and under yarn (node-modules linker), from the packed tarball: add it,
 * `init`, `next build`, then `next-cloud-tasks start` (the emulator and `next start` with the
 * default start-up check: production, fail on any problem) and a deferred task runs. The pnpm
 * app is also built as the Dockerfile `init --dockerfile` writes, its recipe run without Docker
 * (dockerfile-recipe.ts), and its standalone `server.js` runs a task as a non-root user.
 *
 * pnpm and yarn come from the npm registry into this test's own folder. Needs the npm registry
 * (or warm caches) besides loopback. About 3-6 minutes.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { freePort, waitForHttp } from '../helpers/next-server';
import { addMarkerFunction, deferMarker, parseAppEnv, repoVersion, scaffoldApp, startAppEmulator, waitForMarker } from './app-fixture';
import { IMAGE_USER, runDockerfileRecipe } from './dockerfile-recipe';
import { packLib, run, runOk, startChild, type Child, type PackResult, type RunResult } from './support';

jest.setTimeout(600_000);

const PNPM = 'pnpm@12.25.1';
const YARN = '@yarnpkg/cli-dist@4.18.1';

const work = mkdtempSync(join(tmpdir(), 'package-managers-'));
const tools = join(work, 'tools');
const children: Child[] = [];
const timings: Record<string, Record<string, number>> = { pnpm: {}, yarn: {} };
let pack: PackResult;

/** The environment each package manager's commands get: this test's pnpm and yarn first on the PATH. */
const toolEnv = (extra: Record<string, string> = {}) => ({
  PATH: `${join(tools, 'node_modules/.bin')}${delimiter}${process.env.PATH}`,
  // A developer's machine, not CI: yarn would refuse to write a new lockfile under CI=true.
  YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  YARN_ENABLE_TELEMETRY: '0',
  YARN_ENABLE_PROGRESS_BARS: 'false',
  ...extra,
});

/** create-next-app's package.json, less what only lint needs; next and react as this repo has them (cached). */
const appPackageJson = () => ({
  name: 'my-app',
  version: '0.1.0',
  private: true,
  scripts: { dev: 'next dev', build: 'next build', start: 'next start' },
  dependencies: { next: repoVersion('next'), react: repoVersion('react'), 'react-dom': repoVersion('react-dom') },
  devDependencies: { typescript: '^5', '@types/node': '^20', '@types/react': '^19', '@types/react-dom': '^19' },
});

beforeAll(() => {
  pack = packLib(work);
  mkdirSync(tools);
  runOk('npm', ['install', '--prefix', tools, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', PNPM, YARN], {
    cwd: tools,
  });
  // The standalone server runs as another user: it must be able to reach its folder.
  chmodSync(work, 0o755);
}, 300_000);

afterAll(async () => {
  for (const child of children) await child.stop();
  console.log(`package-manager timings (ms): ${JSON.stringify(timings)}`);
  if (!process.env.KEEP_FRESH_APP) rmSync(work, { recursive: true, force: true });
});

function timed(manager: string, label: string, result: RunResult): RunResult {
  timings[manager][label] = result.ms;
  if (result.status !== 0) throw new Error(`${label} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/**
 * `next-cloud-tasks start` in `app`: the emulator and `next start`, on free ports. Started through the
 * bin in node_modules/.bin (what `pnpm exec` and `yarn` run), so that its pid is the command's own.
 */
async function startLocalProduction(app: string, markerFile: string) {
  const [appPort, emulatorPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  // A free port for the emulator's gRPC service too (its default, --port + 1, may be taken).
  const start = startChild(
    join(app, 'node_modules/.bin/next-cloud-tasks'),
    ['start', '--data', ':memory:', '--grpc-port', String(grpcPort)],
    {
      cwd: app,
      env: toolEnv({ PORT: String(appPort), CLOUD_TASKS_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`, MARKER_FILE: markerFile }),
    },
  );
  children.push(start);
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitForHttp(appUrl, start.process, start.output, 120_000);
  const [, envLine] = await start.waitFor(/\[start\] app env: (.+)\n/);
  const appEnv = parseAppEnv(envLine);
  return { start, appUrl, appEnv, emulatorPort };
}

describe.each([
  {
    manager: 'pnpm',
    exec: ['pnpm', 'exec'],
    install: ['pnpm', 'install'],
    // The README's line: pnpm 11+ stops at protobufjs' postinstall (which builds nothing) unless it is allowed or denied.
    add: (tarball: string) => ['pnpm', 'add', tarball, '--allow-build=!protobufjs'],
    files: {},
  },
  {
    manager: 'yarn',
    exec: ['yarn'],
    install: ['yarn', 'install'],
    add: (tarball: string) => ['yarn', 'add', `next-cloud-tasks@file:${tarball}`],
    files: { '.yarnrc.yml': 'nodeLinker: node-modules\n' },
  },
])('a fresh $manager app', ({ manager, exec, install, add, files }) => {
  const app = join(work, `${manager}-app`);
  const markerFile = join(work, `${manager}-marker.jsonl`);
  const cmd = (args: string[], label: string, env: Record<string, string> = {}) => {
    const [command, ...rest] = args;
    return timed(manager, label, run(join(tools, 'node_modules/.bin', command), rest, { cwd: app, env: toolEnv(env), timeoutMs: 600_000 }));
  };
  let addStarted = 0;

  test(`installs from the tarball with ${manager}'s defaults, and init names ${exec.join(' ')} in its hints`, () => {
    scaffoldApp(app, appPackageJson());
    for (const [file, text] of Object.entries(files)) writeFileSync(join(app, file), text);
    cmd(install, `${manager} install`);
    addStarted = Date.now();
    cmd(add(pack.tarball), `${manager} add`);
    const init = cmd([...exec, 'next-cloud-tasks', 'init'], 'init');
    expect(init.stdout).toContain(`  2. ${exec.join(' ')} next-cloud-tasks dev`);
    expect(init.stdout).not.toMatch(/\bnpx\b/);
    expect(readFileSync(join(app, 'next.config.ts'), 'utf8')).toContain('export default withCloudTasks(nextConfig);');
    addMarkerFunction(app, { jest: false });
  });

  test('next build, then `next-cloud-tasks start`: the default start-up check passes and a deferred task runs', async () => {
    cmd([...exec, 'next', 'build'], 'next build');
    const started = Date.now();
    const { start, appUrl, appEnv } = await startLocalProduction(app, markerFile);
    timings[manager]['start until serving'] = Date.now() - started;
    expect(Object.keys(appEnv)).toEqual(
      expect.arrayContaining(['CLOUD_TASKS_EMULATOR_HOST', 'DEFERRED_SERVICE_URL', 'GOOGLE_CLOUD_PROJECT']),
    );
    expect(start.output()).not.toContain('misconfigured');

    await deferMarker(appUrl, `from ${manager} start`);
    expect(await waitForMarker(markerFile, `from ${manager} start`, start.output)).toEqual(
      expect.objectContaining({ attempt: 1, queueName: 'default' }),
    );
    timings[manager]['add to first task run'] = Date.now() - addStarted;

    // doctor, in production mode with the same variables, finds the client's protos too.
    const doctor = run(join(app, 'node_modules/.bin/next-cloud-tasks'), ['doctor', '--production'], { cwd: app, env: toolEnv(appEnv) });
    expect(doctor.stdout).not.toContain('protos');
    expect(doctor.status).toBe(0);

    await start.stop();
    expect(start.process.exitCode).toBe(0);
  });

  if (manager !== 'pnpm') return;

  test("init --dockerfile's recipe, run without Docker: the standalone server.js runs a task as a non-root user", async () => {
    const init = cmd([...exec, 'next-cloud-tasks', 'init', '--dockerfile'], 'init --dockerfile');
    expect(init.stdout).toMatch(/created +Dockerfile/);
    const dockerfile = readFileSync(join(app, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`RUN npm install --global --no-audit --no-fund ${PNPM}`);
    expect(readFileSync(join(app, 'next.config.ts'), 'utf8')).toMatch(/output: ['"]standalone['"],/);

    // The app depends on the tarball by a path relative to its folder (`file:../next-cloud-tasks-*.tgz`;
    // a user's app names the registry's package): put it where that path leads from the stages' /app.
    mkdirSync(join(work, 'docker'));
    copyFileSync(pack.tarball, join(work, 'docker', basename(pack.tarball)));
    const recipe = runDockerfileRecipe(dockerfile, app, join(work, 'docker'), toolEnv());
    for (const { command, ms } of recipe.runs) timings.pnpm[`docker RUN ${command}`] = ms;
    const image = recipe.stages.at(-1)!;
    expect(image.user).toBe('node');
    expect(image.cmd).toEqual(['node', 'server.js']);
    // pnpm's layout, traced: the client is only under node_modules/.pnpm, not hoisted to node_modules/@google-cloud.
    expect(existsSync(join(image.dir, 'node_modules/@google-cloud/tasks'))).toBe(false);
    expect(
      existsSync(join(image.dir, 'node_modules/.pnpm/@google-cloud+tasks@7.1.0/node_modules/@google-cloud/tasks/build/protos/protos.json')),
    ).toBe(true);

    const appPort = await freePort();
    const { emulator, appEnv } = await startAppEmulator(app, appPort);
    children.push(emulator);
    const markers = join(work, 'standalone-markers');
    mkdirSync(markers, { mode: 0o777 });
    chmodSync(markers, 0o777);
    // As Cloud Run runs the image: its ENV, PORT set by the platform (and loopback here, not 0.0.0.0).
    const asRoot = process.getuid?.() === 0;
    const server = startChild(process.execPath, ['server.js'], {
      cwd: image.dir,
      env: { ...image.env, ...appEnv, PORT: String(appPort), HOSTNAME: '127.0.0.1', MARKER_FILE: join(markers, 'marker.jsonl') },
      ...(asRoot ? { uid: IMAGE_USER.uid, gid: IMAGE_USER.gid } : {}),
    });
    children.push(server);
    const appUrl = `http://127.0.0.1:${appPort}`;
    await waitForHttp(appUrl, server.process, server.output);
    expect(server.output()).not.toContain('misconfigured');
    await deferMarker(appUrl, 'from the standalone image');
    expect(await waitForMarker(join(markers, 'marker.jsonl'), 'from the standalone image', server.output)).toEqual(
      expect.objectContaining({ attempt: 1, queueName: 'default' }),
    );
    if (!asRoot) console.warn('not root: server.js ran as this user, not as a separate non-root user');
  });
});
