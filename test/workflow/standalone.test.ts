/**
 * Workflows in the artifact the Dockerfile ships (`output: 'standalone'`, copied out of the
 * repository as the image's last stage does): the World is registered by instrumentation.ts
 * (a standalone server never reads next.config.js, so WORKFLOW_TARGET_WORLD is not set) and its
 * Postgres storage is traced into the output. Runs against a real Postgres and the emulator; and
 * without a database or the emulator, the server exits at start naming WORKFLOW_POSTGRES_URL.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatedAppEnv, startProjectEmulator } from '../helpers/emulated-app';
import { freePort, startServer, type RunningServer } from '../helpers/next-server';
import { bootstrapWorkflowSchema, PSQL, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres';
import { buildStandalone, copyLikeDockerfile } from '../hardening/support/standalone';
import { runToExit } from '../hardening/support/processes';

jest.setTimeout(300_000);

let appDir: string;
let emulator: EmulatorHandle;
let postgres: ThrowawayPostgres;
let app: RunningServer;
let env: Record<string, string>;

beforeAll(async () => {
  await buildStandalone();
  appDir = copyLikeDockerfile();
  postgres = await startThrowawayPostgres();
  bootstrapWorkflowSchema(postgres.url);
  emulator = await startProjectEmulator();
  const port = await freePort();
  env = { PORT: String(port), HOSTNAME: '127.0.0.1', ...emulatedAppEnv(emulator, port), WORKFLOW_POSTGRES_URL: postgres.url };
  app = await startServer([process.execPath, 'server.js'], { port, cwd: appDir, env });
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  await postgres?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

test('a workflow runs in the standalone server, its run kept in Postgres', async () => {
  const started = await fetch(`${app.url}/api/workflows`, {
    method: 'POST',
    body: JSON.stringify({ workflow: 'onboarding', name: 'Docker' }),
  });
  expect(started.status).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  let run: { status?: string; result?: { tips: string } } = {};
  for (const deadline = Date.now() + 60_000; run.status !== 'completed' && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    run = (await (await fetch(`${app.url}/api/workflows?runId=${runId}`)).json()) as typeof run;
  }
  expect(run).toMatchObject({ status: 'completed', result: { tips: 'tips sent to Docker' } });
  const rows = spawnSync(PSQL, [postgres.url, '-tAc', `select status from workflow.workflow_runs where id = '${runId}'`], {
    encoding: 'utf8',
  });
  expect(rows.stdout.trim()).toBe('completed');
});

test('against Cloud Tasks without a database, the server exits at start naming WORKFLOW_POSTGRES_URL', async () => {
  const port = await freePort();
  const { code, output } = await runToExit([process.execPath, 'server.js'], {
    cwd: appDir,
    env: { ...env, PORT: String(port), CLOUD_TASKS_EMULATOR_HOST: '', WORKFLOW_POSTGRES_URL: '', DEFERRED_PREWARM: 'off' },
    timeoutMs: 60_000,
  });
  expect(code).toBe(1);
  expect(output).toMatch(
    /"severity":"ERROR","message":"The Cloud Tasks workflow World cannot start; fix these:\\n  - WORKFLOW_POSTGRES_URL is not set/,
  );
});
