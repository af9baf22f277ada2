/**
 * Durable workflows end to end: the demo app's production build under `next start`, beside the
 * emulator, on next-cloud-tasks/workflow (embedded storage). Every step, retry, sleep and wake-up
 * is a Cloud Task the emulator delivers with its signed token; the app is killed, the emulator
 * restarted, and the runs still complete.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { createSigningKey, signIdToken } from 'next-cloud-tasks/testing';
import { EMULATOR_ISSUER } from '@/lib/src/contract/issuers';
import { encodeTaskMessage } from '@/lib/src/contract/workflow-message';
import { emulatedAppEnv, LOCATION, PROJECT, TASKS_EMAIL } from '../helpers/emulated-app';
import { freePort, ROOT, startNextServer, type RunningServer } from '../helpers/next-server';
import { recordEvents } from '../emulator/support/events';

jest.setTimeout(300_000);

const ONBOARDING = 'workflow//./app/_workflows/onboarding//onboarding';
let dir: string;
let emulatorPort: number;
let appPort: number;
let emulator: EmulatorHandle;
let app: RunningServer;
let env: Record<string, string>;
let events: ReturnType<typeof recordEvents>;

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
  events = recordEvents(emulator);
  env = { ...emulatedAppEnv(emulator, appPort), WORKFLOW_LOCAL_DATA_DIR: join(dir, 'workflow-data') };
  app = await startApp();
});

afterAll(async () => {
  events?.stop();
  await app?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startRun(workflow: string, name: string): Promise<string> {
  const response = await fetch(`${app.url}/api/workflows`, { method: 'POST', body: JSON.stringify({ workflow, name }) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { runId: string }).runId;
}

type RunView = { status: string; result?: any };
async function runStatus(runId: string): Promise<RunView | undefined> {
  const response = await fetch(`${app.url}/api/workflows?runId=${runId}`);
  return response.status === 404 ? undefined : ((await response.json()) as RunView);
}

async function waitForRun(runId: string, status: string, timeoutMs = 60_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runStatus(runId).catch(() => undefined);
    if (run?.status === status) return run;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} is ${JSON.stringify(run)}, not ${status}, after ${timeoutMs} ms:\n${app.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The emulator's tasks of a queue, with their decoded workflow message. */
async function queuedTasks(queue: string) {
  const url = `${emulator.url}/v2/projects/${PROJECT}/locations/${LOCATION}/queues/${queue}/tasks?responseView=FULL`;
  const { tasks = [] } = (await (await fetch(url)).json()) as {
    tasks?: { name: string; scheduleTime: string; httpRequest: { body: string } }[];
  };
  return tasks.map((task) => ({ ...task, message: JSON.parse(Buffer.from(task.httpRequest.body, 'base64').toString()) }));
}

/** Waits for the run's sleep: a workflow-flows task of that run scheduled in the future. */
async function waitForSleepTask(runId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sleeping = (await queuedTasks('workflow-flows')).find(
      (task) => task.message.payload?.runId === runId && Date.parse(task.scheduleTime) > Date.now() + 500,
    );
    if (sleeping) return sleeping;
    if (Date.now() > deadline) throw new Error(`no future workflow-flows task for ${runId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deliveriesTo = (route: string, runId: string) =>
  events.all('task:start').filter(
    ({ task }) =>
      task.url.endsWith(route) &&
      Buffer.from(task.body ?? '', 'base64')
        .toString()
        .includes(runId),
  );

test('a multi-step workflow completes: its failing step retried on its own, its sleep a task scheduled ahead', async () => {
  const runId = await startRun('onboarding', 'Ada');
  const sleeping = await waitForSleepTask(runId);
  expect(sleeping.message.queueName).toBe(`__wkf_workflow_${ONBOARDING}`);
  expect(Date.parse(sleeping.scheduleTime) - Date.now()).toBeLessThanOrEqual(3500);
  const run = await waitForRun(runId, 'completed');
  expect(run.result).toEqual({
    account: { id: 'acct_ada', name: 'Ada' },
    welcome: 'welcome mail to Ada sent on try 2',
    tips: 'tips sent to Ada',
  });
  // Three steps, one of them twice (the retry is a new task, scheduled by the step's own retry).
  const stepRuns = events
    .all('task:success')
    .filter(({ task }) => task.url.endsWith('/step') && task.body && Buffer.from(task.body, 'base64').toString().includes(runId));
  expect(stepRuns).toHaveLength(4);
});

test('a FatalError fails the run at once: the step ran one time', async () => {
  const runId = await startRun('declined', 'Eve');
  await waitForRun(runId, 'failed');
  expect(deliveriesTo('/step', runId)).toHaveLength(1);
});

test('a hook resumes a waiting run', async () => {
  const runId = await startRun('approval', 'Grace');
  // The hook exists once the first flow delivery has suspended the run.
  const deadline = Date.now() + 30_000;
  let resumed: Response;
  for (;;) {
    resumed = await fetch(`${app.url}/api/workflows/hooks`, {
      method: 'POST',
      body: JSON.stringify({ token: 'approval:Grace', approved: true }),
    });
    if (resumed.status === 202 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(resumed.status).toBe(202);
  expect((await waitForRun(runId, 'completed')).result).toBe('Grace was approved');
});

describe('forged and unauthenticated flow and step requests are refused and run nothing', () => {
  const forgedRunId = 'wrun_01FORGEDFORGEDFORGEDFORGED';
  // What the SDK's first message would carry: enough for the flow handler to create and run the run.
  const forgedStart = () =>
    new Uint8Array(
      encodeTaskMessage({
        queueName: `__wkf_workflow_${ONBOARDING}`,
        messageId: 'msg_forged',
        attempt: 1,
        payload: {
          runId: forgedRunId,
          runInput: { input: new Uint8Array([1]), deploymentId: 'local', workflowName: ONBOARDING, specVersion: 3 },
        },
      }),
    );
  const strangerKey = createSigningKey('stranger');
  const cases: [string, number, () => Promise<Record<string, string>>][] = [
    ['no token', 401, async () => ({})],
    [
      'a token for this app signed by a key that is not the emulator’s',
      401,
      async () => ({
        authorization: `Bearer ${await signIdToken(strangerKey, { iss: EMULATOR_ISSUER, aud: app.url, email: TASKS_EMAIL })}`,
      }),
    ],
    ['a bearer that is not a JWT', 401, async () => ({ authorization: 'Bearer forged' })],
    // What world-local's queue sends: its headers, no token.
    [
      'the SDK local queue’s own headers',
      401,
      async () => ({ 'x-vqs-queue-name': `__wkf_workflow_${ONBOARDING}`, 'x-vqs-message-id': 'msg_1', 'x-vqs-message-attempt': '1' }),
    ],
  ];
  test.each(cases)('%s: %i on the flow and step routes', async (_name, status, headers) => {
    for (const route of ['flow', 'step']) {
      const response = await fetch(`${app.url}/.well-known/workflow/v1/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await headers()) },
        body: forgedStart(),
      });
      expect(response.status).toBe(status);
    }
    expect(await runStatus(forgedRunId)).toBeUndefined();
  });

  test('the same message as a task of the emulator, with its signed token, does create the run: the refusals are the check', async () => {
    const control = 'wrun_01CONTROLCONTROLCONTROLCTL';
    const body = Buffer.from(forgedStart()).toString().replace(forgedRunId, control);
    const created = await fetch(`${emulator.url}/v2/projects/${PROJECT}/locations/${LOCATION}/queues/workflow-flows/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        task: {
          httpRequest: {
            url: `${app.url}/.well-known/workflow/v1/flow`,
            body: Buffer.from(body).toString('base64'),
            headers: { 'Content-Type': 'application/json' },
            oidcToken: { serviceAccountEmail: TASKS_EMAIL, audience: app.url },
          },
        },
      }),
    });
    expect(created.status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (!(await runStatus(control)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await runStatus(control)).toBeDefined();
  });
});

test('a SIGKILL of the app during a sleep, then a restart: the run completes', async () => {
  const runId = await startRun('onboarding', 'Linus');
  await waitForSleepTask(runId);
  app.process.kill('SIGKILL');
  await new Promise((resolve) => app.process.once('exit', resolve));
  // The sleep's task comes due while the app is down: the emulator retries it until the app is back.
  await new Promise((r) => setTimeout(r, 3500));
  app = await startApp();
  expect((await waitForRun(runId, 'completed')).result.tips).toBe('tips sent to Linus');
});

test('a restart of the emulator during a sleep: the run completes', async () => {
  const runId = await startRun('onboarding', 'Barbara');
  await waitForSleepTask(runId);
  events.stop();
  await emulator.stop();
  emulator = await startProjectEmulator();
  events = recordEvents(emulator);
  expect((await waitForRun(runId, 'completed')).result.tips).toBe('tips sent to Barbara');
});

test("the SDK's own CLI reads the runs: workflow inspect with this World as its backend", async () => {
  const runId = await startRun('onboarding', 'Inspector');
  await waitForRun(runId, 'completed');
  const inspect = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/workflow/bin/run.js'), 'inspect', 'runs', '--json', '--backend', 'next-cloud-tasks/workflow'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // The storage's settings are all it needs; no update check against the npm registry.
      env: {
        ...process.env,
        CLOUD_TASKS_EMULATOR_HOST: env.CLOUD_TASKS_EMULATOR_HOST,
        WORKFLOW_LOCAL_DATA_DIR: env.WORKFLOW_LOCAL_DATA_DIR,
        WORKFLOW_NO_UPDATE_CHECK: '1',
      },
    },
  );
  expect(inspect.status).toBe(0);
  const { data } = JSON.parse(inspect.stdout) as { data: { runId: string; status: string; workflowName: string }[] };
  expect(data).toContainEqual(expect.objectContaining({ runId, status: 'completed', workflowName: ONBOARDING }));
});

test('concurrent runs all complete', async () => {
  const names = Array.from({ length: 12 }, (_, i) => `Concurrent${i}`);
  const runIds = await Promise.all(names.map((name) => startRun('onboarding', name)));
  const runs = await Promise.all(runIds.map((runId) => waitForRun(runId, 'completed', 120_000)));
  expect(runs.map((run) => run.result.account.name)).toEqual(names);
});
