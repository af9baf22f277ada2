/**
 * The workflow cases every app on next-cloud-tasks/workflow must pass under `next start` beside the
 * emulator, run against the demo app (test/workflow/next-e2e.test.ts) and a fresh app made by
 * `init --workflow` from the packed tarball (test/fresh-app/workflow-app.test.ts): a multi-step
 * run completes, its failing step retried and its sleep a task scheduled ahead; a FatalError fails
 * the run after one try; a hook resumes a waiting run; a SIGKILL of the app during a sleep, then
 * a restart, and the run completes; concurrent runs all complete; forged and unauthenticated flow
 * and step requests are refused and run nothing. Both apps serve the demo's workflows
 * (app/_workflows/onboarding.ts) and its two routes (app/api/workflows).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { createSigningKey, signIdToken } from 'next-cloud-tasks/testing';
import { EMULATOR_ISSUER } from '@/lib/src/contract/issuers';
import { createEmulatorTask } from '../../helpers/emulator-rest';
import { encodeTaskMessage } from '@/lib/src/contract/workflow-message';

export const ONBOARDING = 'workflow//./app/_workflows/onboarding//onboarding';

/** An app under test: where it listens, the emulator it uses, the environment it runs with. */
export interface WorkflowTarget {
  appUrl: string;
  /** The emulator's base URL (http://host:port). */
  emulatorUrl: string;
  /** The app's folder, whose node_modules has the SDK's CLI. */
  appDir: string;
  /** The app's environment (GOOGLE_CLOUD_PROJECT, CLOUD_TASKS_LOCATION, DEFERRED_SERVICE_ACCOUNT, the storage's folder, ...). */
  env: Record<string, string>;
  /** The app's output so far, for failure messages. */
  output(): string;
  /** SIGKILLs the app's server; resolves once it has exited. */
  killApp(): Promise<void>;
  /** Starts the app's server again, as before (same port, same environment); resolves once it answers. */
  restartApp(): Promise<void>;
}

/** What the cases do to an app, also for the demo's own cases (SIGKILL, restarts, concurrency). */
export function workflowClient(target: () => WorkflowTarget) {
  /** POSTs on a connection of its own: a kept-alive one that Next closes when idle can fail a request ("other side closed"). */
  const postJson = (url: string, body: unknown) =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }));
      });
      request.on('error', (error) => reject(new Error(`POST ${url} failed (${error.message}):\n${target().output().slice(-4000)}`)));
      request.end(JSON.stringify(body));
    });

  async function startRun(workflow: string, name: string): Promise<string> {
    const response = await postJson(`${target().appUrl}/api/workflows`, { workflow, name });
    if (response.status !== 202) throw new Error(`POST /api/workflows answered ${response.status}: ${JSON.stringify(response.json)}`);
    return (response.json as { runId: string }).runId;
  }

  type RunView = { status: string; result?: any };
  async function runStatus(runId: string): Promise<RunView | undefined> {
    const response = await fetch(`${target().appUrl}/api/workflows?runId=${runId}`);
    return response.status === 404 ? undefined : ((await response.json()) as RunView);
  }

  async function waitForRun(runId: string, status: string, timeoutMs = 60_000): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await runStatus(runId).catch(() => undefined);
      if (run?.status === status) return run;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} is ${JSON.stringify(run)}, not ${status}, after ${timeoutMs} ms:\n${target().output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The emulator's tasks of a queue, with their decoded workflow message. */
  async function queuedTasks(queue: string) {
    const { emulatorUrl, env } = target();
    const url = `${emulatorUrl}/v2/projects/${env.GOOGLE_CLOUD_PROJECT}/locations/${env.CLOUD_TASKS_LOCATION}/queues/${queue}/tasks?responseView=FULL`;
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

  /** The SDK's own CLI in the app's folder, with this World as its backend and the app's storage settings. */
  function inspect(args: string[]): any {
    const { appDir, env } = target();
    const result = spawnSync(
      process.execPath,
      [join(appDir, 'node_modules/workflow/bin/run.js'), 'inspect', ...args, '--json', '--backend', 'next-cloud-tasks/workflow'],
      {
        cwd: appDir,
        encoding: 'utf8',
        // The storage's settings are all it needs; no update check against the npm registry.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CLOUD_TASKS_EMULATOR_HOST: env.CLOUD_TASKS_EMULATOR_HOST,
          ...(env.WORKFLOW_LOCAL_DATA_DIR && { WORKFLOW_LOCAL_DATA_DIR: env.WORKFLOW_LOCAL_DATA_DIR }),
          WORKFLOW_NO_UPDATE_CHECK: '1',
        } as unknown as NodeJS.ProcessEnv,
      },
    );
    if (result.status !== 0)
      throw new Error(`workflow inspect ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** Each step of the run as the storage has it (`inspect steps --json` prints an array): name and attempts, each delivery that ran it. */
  const stepAttempts = (runId: string): Record<string, number> =>
    Object.fromEntries(
      (inspect(['steps', '--runId', runId]) as { stepName: string; attempt: number }[]).map((step) => [
        step.stepName.split('//').at(-1),
        step.attempt,
      ]),
    );

  return { startRun, runStatus, waitForRun, queuedTasks, waitForSleepTask, inspect, stepAttempts };
}

/** The shared cases, in the calling test file's scope; `target` is read once its beforeAll has started the app. */
export function describeWorkflowCases(target: () => WorkflowTarget): void {
  const { startRun, runStatus, waitForRun, waitForSleepTask, stepAttempts } = workflowClient(target);

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
    expect(stepAttempts(runId)).toEqual({ createAccount: 1, sendWelcome: 2, sendTips: 1 });
  });

  test('a FatalError fails the run at once: the step ran one time', async () => {
    const runId = await startRun('declined', 'Eve');
    await waitForRun(runId, 'failed');
    expect(stepAttempts(runId)).toEqual({ chargeCard: 1 });
  });

  test('a hook resumes a waiting run', async () => {
    const runId = await startRun('approval', 'Grace');
    // The hook exists once the first flow delivery has suspended the run.
    const deadline = Date.now() + 30_000;
    let resumed: Response;
    for (;;) {
      resumed = await fetch(`${target().appUrl}/api/workflows/hooks`, {
        method: 'POST',
        body: JSON.stringify({ token: 'approval:Grace', approved: true }),
      });
      if (resumed.status === 202 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(resumed.status).toBe(202);
    expect((await waitForRun(runId, 'completed')).result).toBe('Grace was approved');
  });

  test('a SIGKILL of the app during a sleep, then a restart: the run completes', async () => {
    const runId = await startRun('onboarding', 'Linus');
    await waitForSleepTask(runId);
    await target().killApp();
    // The sleep's task comes due while the app is down: the emulator retries it until the app is back.
    await new Promise((r) => setTimeout(r, 3500));
    await target().restartApp();
    expect((await waitForRun(runId, 'completed')).result.tips).toBe('tips sent to Linus');
  });

  test('concurrent runs all complete', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `Concurrent${i}`);
    const runIds = await Promise.all(names.map((name) => startRun('onboarding', name)));
    const runs = await Promise.all(runIds.map((runId) => waitForRun(runId, 'completed', 120_000)));
    expect(runs.map((run) => run.result.account.name)).toEqual(names);
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
          authorization: `Bearer ${await signIdToken(strangerKey, {
            iss: EMULATOR_ISSUER,
            aud: target().appUrl,
            email: target().env.DEFERRED_SERVICE_ACCOUNT,
          })}`,
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
        const response = await fetch(`${target().appUrl}/.well-known/workflow/v1/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headers()) },
          body: forgedStart(),
        });
        expect(response.status).toBe(status);
      }
      expect(await runStatus(forgedRunId)).toBeUndefined();
    });

    test('the same message as a task of the emulator, with its signed token, does create the run: the refusals are the check', async () => {
      const { appUrl, emulatorUrl, env } = target();
      const control = 'wrun_01CONTROLCONTROLCONTROLCTL';
      const body = Buffer.from(forgedStart()).toString().replace(forgedRunId, control);
      const created = await createEmulatorTask({
        emulatorUrl,
        appEnv: env,
        queue: 'workflow-flows',
        url: `${appUrl}/.well-known/workflow/v1/flow`,
        body,
        audience: appUrl,
      });
      expect(created.status).toBe(200);
      const deadline = Date.now() + 30_000;
      while (!(await runStatus(control)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await runStatus(control)).toBeDefined();
    });
  });
}
