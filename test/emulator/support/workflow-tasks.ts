/**
 * Real workflow tasks in a real emulator, for the dashboard's tests: the SDK's own runtime (the
 * workflows of fixtures/workflow-dashboard, built by `workflow build`) on the World
 * next-cloud-tasks/workflow, in the server the SDK's World suite uses (helpers/workflow-server.ts),
 * against the emulator with the project's queue.yaml.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { LOCATION, PROJECT, startProjectEmulator } from '../../helpers/emulated-app';
import { ROOT } from '../../helpers/next-server';
import { prepareWorkflowServer, startWorkflowServer, worldOnEmulatorEnv, type WorkflowServer } from '../../helpers/workflow-server';
import { emulatorApi, type EmulatorApi } from './emulator-api';

export const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;

export interface WorkflowTasks {
  emulator: EmulatorHandle;
  server: WorkflowServer;
  api: EmulatorApi;
  /** Starts `signup(name)`; resolves with its run id. */
  startSignup(name: string): Promise<string>;
  /** The tasks of a queue (REST ListTasks, FULL view), polled until `ready` accepts them. */
  waitForTasks(queue: string, ready: (tasks: any[]) => boolean, timeoutMs?: number): Promise<any[]>;
  stop(): Promise<void>;
}

export async function startWorkflowTasks(): Promise<WorkflowTasks> {
  const dir = prepareWorkflowServer(join(ROOT, 'test/emulator/fixtures/workflow-dashboard'));
  const emulator = await startProjectEmulator();
  const api = emulatorApi(emulator.url);
  let server: WorkflowServer;
  try {
    server = await startWorkflowServer(dir, { ...worldOnEmulatorEnv(emulator), WORKFLOW_LOCAL_DATA_DIR: join(dir, '.workflow-data') });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return {
    emulator,
    server,
    api,
    async startSignup(name) {
      const response = await fetch(`${server.url}/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file: 'workflows/signup.ts', workflow: 'signup', args: [name] }),
      });
      const body = (await response.json()) as { runId?: string; error?: string };
      if (!body.runId) throw new Error(`starting signup failed: ${response.status} ${JSON.stringify(body)}\n${server.output()}`);
      return body.runId;
    },
    async waitForTasks(queue, ready, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { tasks = [] } = await api('GET', `${QUEUES}/${queue}/tasks?responseView=FULL&pageSize=1000`);
        if (ready(tasks)) return tasks;
        if (Date.now() > deadline) throw new Error(`${queue} never held the tasks expected: ${JSON.stringify(tasks)}\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stop() {
      await server.stop();
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
