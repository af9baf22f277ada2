/**
 * Trace propagation, the whole trip: a request with a trace reaches a route that defers (the demo's
 * POST /api/greetings, which never imports the Next adapter itself: instrumentation.ts installs the
 * trace provider), the task carries `traceparent` through the emulator, and the handler's log line
 * for that task carries Cloud Logging's trace field, so the task shows under the request.
 */
import type { EmulatorHandle, TaskRecord } from 'next-cloud-tasks/emulator';
import { startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import type { RunningServer } from '../helpers/next-server';

jest.setTimeout(240_000); // the first test file to run builds the app (next build) in beforeAll

let emulator: EmulatorHandle;
let app: RunningServer;
let loop: EmulatedApp;

beforeAll(async () => {
  loop = await startEmulatedApp();
  ({ emulator, app } = loop);
  emulator.events.on('task:success', ({ task }) => succeeded.set(task.name, task));
});

afterAll(() => loop?.stop());

/** Tasks the emulator saw succeed, by full name (recorded from the start: dispatch can beat the 202). */
const succeeded = new Map<string, TaskRecord>();

/** Defers a greeting with the given request headers and resolves with the task once it ran. */
async function deferGreeting(name: string, headers: Record<string, string>): Promise<TaskRecord> {
  const response = await fetch(`${app.url}/api/greetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(202);
  const { task } = (await response.json()) as { task: string };
  for (let i = 0; i < 300 && !succeeded.has(task); i++) await new Promise((r) => setTimeout(r, 50));
  if (!succeeded.has(task)) throw new Error(`task ${task} did not succeed within 15 s:\n${app.output()}`);
  return succeeded.get(task)!;
}

/** The handler's JSON log line for the task that ran `name`'s greeting. */
async function taskLogLine(taskName: string): Promise<Record<string, unknown>> {
  const shortName = taskName.split('/').pop();
  for (let i = 0; i < 50; i++) {
    const line = app
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { task?: { name?: string } })
      .find((entry) => entry.task?.name === shortName);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no log line for task ${shortName} in:\n${app.output()}`);
}

test("a request's traceparent rides on its task, and the task's log line carries the trace", async () => {
  const trace = '0af7651916cd43dd8448eb211c80319c';
  const task = await deferGreeting('Traced', { traceparent: `00-${trace}-b7ad6b7169203331-01` });
  expect(task.headers.traceparent).toBe(`00-${trace}-b7ad6b7169203331-01`);
  const line = await taskLogLine(task.name);
  expect(line).toMatchObject({ severity: 'INFO', 'logging.googleapis.com/trace': `projects/dev-project/traces/${trace}` });
});

test("Cloud Run's X-Cloud-Trace-Context is carried as a traceparent of the same trace", async () => {
  const trace = '105445aa7843bc8bf206b12000100000';
  const task = await deferGreeting('CloudTraced', { 'x-cloud-trace-context': `${trace}/1;o=1` });
  expect(task.headers.traceparent).toBe(`00-${trace}-0000000000000001-01`);
  expect(await taskLogLine(task.name)).toMatchObject({ 'logging.googleapis.com/trace': `projects/dev-project/traces/${trace}` });
});

test('a request without a trace defers a task without one', async () => {
  const task = await deferGreeting('Untraced', {});
  expect(task.headers.traceparent).toBeUndefined();
  expect(await taskLogLine(task.name)).not.toHaveProperty(['logging.googleapis.com/trace']);
});
