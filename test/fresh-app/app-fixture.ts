/**
 * A user's brand-new app, as the fresh-app tests make it: create-next-app 16.4's defaults (from
 * test/fixtures/fresh-app/scaffold: no template download), the README's step 3 (a deferrable
 * function with a side effect and a route that defers it), and the marker file it writes.
 */
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT, waitForHttp } from '../helpers/next-server';
import { startChild, type Child } from './support';

export const FIXTURES = join(ROOT, 'test/fixtures/fresh-app');

/** The version of `name` this repository installs (so that npm's and pnpm's caches have it). */
export const repoVersion = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * create-next-app 16.4's package.json (TypeScript, ESLint, App Router; no Tailwind, which only
 * styles the template), plus the packed tarball as a user's `npm install next-cloud-tasks` adds
 * it. next, react and react-dom are pinned as create-next-app pins them, to the versions this repo
 * installs, so npm's cache has them.
 */
export function appPackageJson(tarball: string, dependencies: Record<string, string> = {}) {
  return {
    name: 'my-app',
    version: '0.1.0',
    private: true,
    scripts: { dev: 'next dev', build: 'next build', start: 'next start', lint: 'eslint' },
    dependencies: {
      next: repoVersion('next'),
      react: repoVersion('react'),
      'react-dom': repoVersion('react-dom'),
      'next-cloud-tasks': `file:${tarball}`,
      ...dependencies,
    },
    devDependencies: {
      typescript: '^5',
      '@types/node': '^20',
      '@types/react': '^19',
      '@types/react-dom': '^19',
      eslint: '^9',
      'eslint-config-next': repoVersion('next'),
    },
  };
}

/** create-next-app's files in `app`, with `packageJson` as its package.json. */
export function scaffoldApp(app: string, packageJson: Record<string, unknown>): void {
  cpSync(join(FIXTURES, 'scaffold'), app, { recursive: true });
  renameSync(join(app, 'gitignore'), join(app, '.gitignore')); // as create-next-app does (npm drops .gitignore files)
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
}

/**
 * The README's step 3 on top of what init wrote: app/_tasks/marker.ts, app/api/marker/route.ts
 * (and, with `jest`, docs/testing.md's jest config and test), and the manifest edit the README shows.
 */
export function addMarkerFunction(app: string, { jest }: { jest: boolean }): void {
  cpSync(join(FIXTURES, jest ? 'user' : 'user/app'), jest ? app : join(app, 'app'), { recursive: true });
  const file = join(app, 'app/_tasks/manifest.ts');
  const manifest = readFileSync(file, 'utf8');
  const edited = manifest
    .replace("import { sayHello } from './example';", "import { sayHello } from './example';\nimport { writeMarker } from './marker';")
    .replace('createManifest([sayHello])', 'createManifest([sayHello, writeMarker])');
  if (!edited.includes('createManifest([sayHello, writeMarker])'))
    throw new Error(`init's manifest changed; cannot add writeMarker:\n${manifest}`);
  writeFileSync(file, edited);
}

/** The lines the marker function appended to `file`. */
export const readMarkers = (file: string): Record<string, unknown>[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];

/** The marker with `text`, once the task that writes it has run; `explain` says what to print on a timeout. */
export async function waitForMarker(file: string, text: string, explain: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = readMarkers(file).find((m) => m.text === text);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no marker "${text}" within ${timeoutMs} ms:\n${explain()}`);
}

/** POSTs `text` to the app's /api/marker route (which defers writeMarker) and returns the task's name. */
export async function deferMarker(appUrl: string, text: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/marker`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (response.status !== 200) throw new Error(`POST /api/marker answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { taskName: string }).taskName;
}

/** `NAME=value NAME=value`, the `app env:` line that `emulator`, `dev` and `start` print, as an object. */
export const parseAppEnv = (line: string): Record<string, string> =>
  Object.fromEntries(
    line
      .trim()
      .split(' ')
      .map((pair) => pair.split('=') as [string, string]),
  );

/**
 * `next-cloud-tasks emulator` in `app` for an app on `appPort`, and the app's environment it prints.
 * Its bin is started directly (what npx, pnpm exec and yarn run), so that the pid is the emulator's.
 */
export async function startAppEmulator(app: string, appPort: number): Promise<{ emulator: Child; appEnv: Record<string, string> }> {
  const [emulatorPort, grpcPort] = [await freePort(), await freePort()];
  // A free port for its gRPC service too: the default, --port + 1, may be taken.
  const emulator = startChild(
    join(app, 'node_modules/.bin/next-cloud-tasks'),
    ['emulator', '--port', String(emulatorPort), '--grpc-port', String(grpcPort), '--data', ':memory:'],
    {
      cwd: app,
      env: { PORT: String(appPort) },
    },
  );
  try {
    const [, envLine] = await emulator.waitFor(/app env: +(.+)\n/);
    return { emulator, appEnv: parseAppEnv(envLine) };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** An app started as a user does: `npx next-cloud-tasks emulator`, then `next start` with the environment it printed. */
export interface AppBesideEmulator {
  emulator: Child;
  next: Child;
  appEnv: Record<string, string>;
  appUrl: string;
}

/**
 * `next-cloud-tasks emulator` for the app on a free port, then `next start` (Next's bin run by
 * Node, so that the pid is the server's) with the environment the emulator printed plus `extraEnv`.
 * `started` receives each child as it starts, so that the caller stops it even when a later step fails.
 */
export async function startAppBesideEmulator(
  app: string,
  started: (child: Child) => void,
  extraEnv: Record<string, string> = {},
): Promise<AppBesideEmulator> {
  const appPort = await freePort();
  const { emulator, appEnv } = await startAppEmulator(app, appPort);
  started(emulator);
  const appUrl = `http://127.0.0.1:${appPort}`;
  const next = await startNextApp(app, appUrl, { ...appEnv, ...extraEnv }, started);
  return { emulator, next, appEnv, appUrl };
}

/** `next start` of the built app on `appUrl`'s port with `env` (Next's bin run by Node: the pid is the server's); resolves once it answers. */
export async function startNextApp(
  app: string,
  appUrl: string,
  env: Record<string, string>,
  started: (child: Child) => void,
): Promise<Child> {
  const nextBin = join(app, 'node_modules/next/dist/bin/next');
  const next = startChild(process.execPath, [nextBin, 'start', '-p', new URL(appUrl).port, '-H', '127.0.0.1'], { cwd: app, env });
  started(next);
  await waitForHttp(appUrl, next.process, next.output);
  return next;
}
