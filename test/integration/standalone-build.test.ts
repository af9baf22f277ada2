/**
 * The artifact the Dockerfile ships, proven without a Docker engine: `output: 'standalone'`,
 * copied out of the repository as the image's last stage copies it, started with
 * `node server.js` and production settings pointed at the local emulator. A greeting is
 * deferred through the real Cloud Tasks client (its protos must be in the standalone output),
 * the emulator dispatches it with a signed OIDC token, and the standalone server runs it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatedAppEnv, startProjectEmulator } from '../helpers/emulated-app';
import { freePort, ROOT, startServer, type RunningServer } from '../helpers/next-server';
import { buildStandalone, copyLikeDockerfile } from '../hardening/support/standalone';
import { runToExit } from '../hardening/support/processes';

jest.setTimeout(300_000);

let appDir: string;
let emulator: EmulatorHandle;
let app: RunningServer;

function productionEnv(port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    ...emulatedAppEnv(emulator, port),
  };
}

beforeAll(async () => {
  await buildStandalone();
  appDir = copyLikeDockerfile();
  emulator = await startProjectEmulator();
  const port = await freePort();
  app = await startServer([process.execPath, 'server.js'], { port, cwd: appDir, env: productionEnv(port) });
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

test("the standalone output holds the Cloud Tasks client's protos and queue.yaml", () => {
  expect(existsSync(join(appDir, 'node_modules/@google-cloud/tasks/build/protos/protos.json'))).toBe(true);
  expect(existsSync(join(appDir, 'queue.yaml'))).toBe(true);
});

test('the standalone output holds no sources, tests or docs: only what the server needs', () => {
  for (const path of ['app', 'lib', 'test', 'bench', 'docs', 'scripts']) expect(existsSync(join(appDir, path))).toBe(false);
});

test('a task deferred through the standalone server is dispatched by the emulator and runs there', async () => {
  const succeeded = new Promise<string>((resolve) => emulator.events.on('task:success', ({ task }) => resolve(task.name)));
  const response = await fetch(`${app.url}/api/greetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Standalone' }),
  });
  const body = (await response.json()) as { task?: string; error?: string };
  expect({ status: response.status, body }).toEqual({
    status: 202,
    body: { task: expect.stringMatching(/^projects\/dev-project\/locations\/us-central1\/queues\/default\/tasks\//) },
  });
  expect(await succeeded).toBe(body.task);
  const greetings = (await (await fetch(`${app.url}/api/greetings`)).json()) as { name: string; attempt: number }[];
  expect(greetings).toEqual([expect.objectContaining({ name: 'Standalone', attempt: 1 })]);
});

test('started with a broken configuration, server.js exits 1 with one message that lists every problem', async () => {
  const port = await freePort();
  const env = {
    ...productionEnv(port),
    GOOGLE_CLOUD_PROJECT: '',
    DEFERRED_SERVICE_ACCOUNT: 'not-an-email',
    DEFERRED_SERVICE_URL: 'ftp://x',
  };
  const { code, output } = await runToExit([process.execPath, 'server.js'], { cwd: appDir, env, timeoutMs: 60_000 });
  expect(code).toBe(1);
  const errors = output.split('\n').filter((line) => line.includes('"severity":"ERROR"'));
  expect(errors).toHaveLength(1);
  const entry = JSON.parse(errors[0]) as { message: string; problems: string[] };
  expect(entry.problems).toEqual(['GOOGLE_CLOUD_PROJECT', 'DEFERRED_SERVICE_URL', 'DEFERRED_SERVICE_ACCOUNT']);
  expect(entry.message).toMatch(/GOOGLE_CLOUD_PROJECT is not set/);
  expect(entry.message).toMatch(/DEFERRED_SERVICE_URL="ftp:\/\/x" must be an http\(s\) URL/);
  expect(entry.message).toMatch(/DEFERRED_SERVICE_ACCOUNT="not-an-email" is not an email address/);
});

test('the Dockerfile builds and runs this same artifact: standalone on Node 22, non-root, on $PORT', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-[\w-]*slim$/m);
  expect(dockerfile).toMatch(/NEXT_OUTPUT=standalone/);
  // The package is a workspace of the app: npm ci needs its package.json, and next build its dist.
  expect(dockerfile).toMatch(/^COPY lib\/package\.json lib\/$/m);
  expect(dockerfile).toMatch(/^RUN npm run build:lib && npx next build$/m);
  expect(dockerfile).toMatch(/COPY --from=build \/app\/\.next\/standalone \.\//);
  expect(dockerfile).toMatch(/COPY --from=build \/app\/\.next\/static \.\/\.next\/static/);
  expect(dockerfile).toMatch(/ENV .*HOSTNAME=0\.0\.0\.0/);
  // The last USER wins: the runtime stage must not run as root.
  expect([...dockerfile.matchAll(/^USER (\S+)$/gm)].pop()?.[1]).toBe('node');
  expect(dockerfile.trim().split('\n').pop()).toBe('CMD ["node", "server.js"]');
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.next', '.env*', '.git']));
});
