/**
 * The Workflow SDK's own World test suite (`@workflow/world-testing`) against
 * next-cloud-tasks/workflow on the local emulator: once with the embedded storage, once with a
 * real Postgres (Debian's postgresql, a throwaway cluster on a loopback port).
 *
 * Which suite: npm has @workflow/world-testing 4.0.1-beta.23 (written for the pre-event-sourcing
 * SDK: its bundles call World methods the 4.x World no longer has) and 5.0.0-beta.x (its bundles
 * carry the 5.0 beta SDK, whose World streams through `world.streams.*`). None runs the 4.8.x SDK
 * this World is for. So the test modules of 5.0.0-beta.35 run unchanged (addition, idempotency,
 * hooks, null-byte, errors: their assertions are the 4.8.x SDK's data format), with their harness
 * (util.mjs, which spawns ./server.mjs per test), against world-testing/server.mjs serving the
 * suite's workflows built by `workflow build` of the installed 4.8.x SDK.
 *
 * vitest runs as a child process; its exit code and its count of passed tests decide here.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProjectEmulator } from '../helpers/emulated-app';
import { ROOT } from '../helpers/next-server';
import { bootstrapWorkflowSchema, postgresAvailable, startThrowawayPostgres } from '../helpers/postgres';
import { prepareWorkflowServer, worldOnEmulatorEnv } from '../helpers/workflow-server';

jest.setTimeout(600_000);

const HERE = join(ROOT, 'test/workflow/world-testing');
const PACKAGE_SRC = join(ROOT, 'node_modules/@workflow/world-testing/dist/src');
/** The test modules this World is held to, and what they import. */
const SUITE_MODULES = ['addition', 'idempotency', 'hooks', 'null-byte', 'errors', 'util', 'jsonlines'];
const SUITE_TESTS = 5;

let suiteDir: string;

/** The suite's folder: its modules, our server, the workflows, and the SDK's build of them. */
beforeAll(() => {
  const files = Object.fromEntries(['suite.test.mjs', 'vitest.config.mjs'].map((file) => [file, join(HERE, file)]));
  for (const name of SUITE_MODULES) files[`src/${name}.mjs`] = join(PACKAGE_SRC, `${name}.mjs`);
  suiteDir = prepareWorkflowServer(join(HERE, 'workflows'), files);
});

afterAll(() => {
  if (suiteDir) rmSync(suiteDir, { recursive: true, force: true });
});

/** Runs vitest over the suite with the World's environment; resolves with its exit code and output. */
function runSuite(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs'], {
      cwd: suiteDir,
      env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function runOnEmulator(storageEnv: Record<string, string>) {
  const emulator = await startProjectEmulator();
  try {
    return await runSuite({ ...worldOnEmulatorEnv(emulator), ...storageEnv });
  } finally {
    await emulator.stop();
  }
}

function expectAllPassed({ code, output }: { code: number | null; output: string }) {
  if (code !== 0) throw new Error(`@workflow/world-testing failed (exit ${code}):\n${output}`);
  expect(output).toMatch(new RegExp(`Tests\\s+${SUITE_TESTS} passed \\(${SUITE_TESTS}\\)`));
}

test('@workflow/world-testing passes on the emulator with the embedded storage', async () => {
  const dataDir = join(suiteDir, '.workflow-data');
  expectAllPassed(await runOnEmulator({ WORKFLOW_LOCAL_DATA_DIR: dataDir }));
});

test('@workflow/world-testing passes on the emulator with a real Postgres', async () => {
  if (!postgresAvailable()) throw new Error('PostgreSQL is not installed: apt-get install postgresql (.ci/run does)');
  const postgres = await startThrowawayPostgres();
  try {
    bootstrapWorkflowSchema(postgres.url);
    expectAllPassed(await runOnEmulator({ WORKFLOW_POSTGRES_URL: postgres.url }));
  } finally {
    await postgres.stop();
  }
});
