/**
 * Durable workflows end to end: the demo app's production build under `next start`, beside the
 * emulator, on next-cloud-tasks/workflow (embedded storage). Every step, retry, sleep and wake-up
 * is a Cloud Task the emulator delivers with its signed token. The cases every app must pass are
 * shared with the fresh app's test (support/workflow-suite.ts); here also: the emulator is
 * restarted mid-run, and the SDK's CLI reads the runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatedAppEnv, LOCATION, PROJECT } from '../helpers/emulated-app';
import { freePort, ROOT, startNextServer, type RunningServer } from '../helpers/next-server';
import { describeWorkflowCases, ONBOARDING, workflowClient, type WorkflowTarget } from './support/workflow-suite';

jest.setTimeout(300_000);

let dir: string;
let emulatorPort: number;
let appPort: number;
let emulator: EmulatorHandle;
let app: RunningServer;
let env: Record<string, string>;

/** The emulator keeps its state in a file, so it can be restarted mid-run on the same port. */
const startProjectEmulator = () =>
  startEmulator({
    port: emulatorPort,
    grpcPort: false,
    data: join(dir, 'emulator.sqlite'),
    queueYaml: join(ROOT, 'queue.yaml'),
    project: PROJECT,
    location: LOCATION,
  });
const startApp = () => startNextServer(env, appPort);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nct-workflow-e2e-'));
  [emulatorPort, appPort] = [await freePort(), await freePort()];
  emulator = await startProjectEmulator();
  env = { ...emulatedAppEnv(emulator, appPort), WORKFLOW_LOCAL_DATA_DIR: join(dir, 'workflow-data') };
  app = await startApp();
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const target = (): WorkflowTarget => ({
  appUrl: app.url,
  emulatorUrl: emulator.url,
  appDir: ROOT,
  env,
  output: () => `app exit code ${app.process.exitCode}:\n${app.output()}`,
  async killApp() {
    app.process.kill('SIGKILL');
    await new Promise((resolve) => app.process.once('exit', resolve));
  },
  async restartApp() {
    app = await startApp();
  },
});
const { startRun, waitForRun, waitForSleepTask, inspect } = workflowClient(target);

describeWorkflowCases(target);

test('a restart of the emulator during a sleep: the run completes', async () => {
  const runId = await startRun('onboarding', 'Barbara');
  await waitForSleepTask(runId);
  await emulator.stop();
  emulator = await startProjectEmulator();
  expect((await waitForRun(runId, 'completed')).result.tips).toBe('tips sent to Barbara');
});

test("the SDK's own CLI reads the runs: workflow inspect with this World as its backend", async () => {
  const runId = await startRun('onboarding', 'Inspector');
  await waitForRun(runId, 'completed');
  const { data } = inspect(['runs']) as { data: { runId: string; status: string; workflowName: string }[] };
  expect(data).toContainEqual(expect.objectContaining({ runId, status: 'completed', workflowName: ONBOARDING }));
});
