/**
 * Dead letters with the local emulator, end to end: defer() creates a task, the emulator
 * dispatches it with a real OIDC token to the handler on loopback, the function fails every
 * attempt, the handler's default sink keeps it in the paused dead-letter queue (created from
 * queue.yaml), and the `dead-letters` CLI lists, inspects and replays it, where it runs.
 */
import path from 'node:path';
import { createManifest, defer, deferrable, type LogEntry } from 'next-cloud-tasks';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi } from '../emulator/support/emulator-api';
import { LOCATION, PROJECT } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';
import { runDeadLetters } from './support/run-dead-letters';

const FIXTURE = path.join(__dirname, '../fixtures/queues/dead-letter-app.yaml');
const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;

let healed = false;
const runs: unknown[][] = [];
const sendReceipt = deferrable('shop.sendReceipt', (to: string, at: Date) => {
  if (!healed) throw new Error('SMTP relay refused the connection');
  runs.push([to, at]);
});
const manifest = createManifest([sendReceipt]);

let loop: EmulatedHandler;
let emulator: EmulatorHandle;
let events: EmulatedHandler['events'];
let cliEnv: Record<string, string>;
const logs: LogEntry[] = [];

beforeAll(async () => {
  // The handler with its defaults: config from the environment, the default dead-letter sink.
  loop = await startEmulatedHandler({ queueYaml: FIXTURE, handler: { manifest }, logWriter: (entry) => logs.push(entry) });
  ({ emulator, events, cliEnv } = loop);
});

afterAll(() => loop?.stop());

beforeEach(() => {
  healed = false;
  runs.length = 0;
  logs.length = 0;
});

const api = () => emulatorApi(emulator.url);

test('queue.yaml makes the dead-letter queue, paused, in the emulator', async () => {
  const dlq = await api()('GET', `${QUEUES}/emails-dead-letter`);
  expect(dlq.state).toBe('PAUSED');
  expect((await api()('GET', `${QUEUES}/emails`)).state).toBe('RUNNING');
});

test('a task that exhausts its attempts is listed, inspected, replayed, and runs', async () => {
  const at = new Date('2026-12-01T09:30:00.000Z');
  const name = await defer(sendReceipt, ['ada@example.com', at], { queue: 'emails', headers: { 'X-Tenant': 'acme' } });
  const originalId = name.slice(name.lastIndexOf('/') + 1);
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.task.dispatchCount).toBe(3);
  expect(dead.reason).toMatch(/kept in dead-letter queue emails-dead-letter as [0-9a-f]+/);

  // Only the dead-letter queue's copy is left: the original is gone, as Cloud Tasks would leave it.
  expect((await api()('GET', `${QUEUES}/emails/tasks`)).tasks ?? []).toEqual([]);
  const { tasks } = await api()('GET', `${QUEUES}/emails-dead-letter/tasks`);
  expect(tasks).toHaveLength(1);
  const id = tasks[0].name.split('/').pop();
  expect(tasks[0].httpRequest.headers).toMatchObject({
    'x-tenant': 'acme',
    'X-Deferred-Dead-Queue': 'emails',
    'X-Deferred-Dead-Task': originalId,
  });
  expect(await (await fetch(`${emulator.url}/`)).text()).not.toContain(`data-dead="${originalId}"`);
  // Held, not run: the dead-letter queue is paused.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(runs).toEqual([]);

  const list = await runDeadLetters(['list', '--file', FIXTURE], cliEnv);
  expect(list).toMatchObject({ code: 0, stderr: '' });
  expect(list.stdout).toContain(`(emulator at ${emulator.hostPort})`);
  expect(list.stdout).toMatch(
    new RegExp(`^${id} +emails +shop\\.sendReceipt +final-attempt +3 +\\S+ +Error: SMTP relay refused the connection$`, 'm'),
  );

  const inspect = await runDeadLetters(['inspect', originalId, '--file', FIXTURE], cliEnv);
  expect(inspect.code).toBe(0);
  expect(inspect.stdout).toMatch(/^attempts +3$/m);
  expect(inspect.stdout).toMatch(/^args +\[ 'ada@example\.com', 2026-12-01T09:30:00\.000Z \]$/m);
  expect(inspect.stdout).toContain(`url               POST ${loop.app.url}/_ah/queue/deferred/shop.sendReceipt`);

  healed = true;
  const replay = await runDeadLetters(['replay', id, '--file', FIXTURE], cliEnv);
  expect(replay).toMatchObject({ code: 0, stderr: '' });
  const replayedId = /as ([\w-]+);/.exec(replay.stdout)![1];
  const outcome = await emulator.waitForTask(`${QUEUES}/emails/tasks/${replayedId}`, 20_000);
  expect(outcome.kind).toBe('success');
  expect(runs).toEqual([['ada@example.com', at]]);
  expect((await api()('GET', `${QUEUES}/emails-dead-letter/tasks`)).tasks ?? []).toEqual([]);
});

test('with the dead-letter queue missing, the ERROR log entry holds the task and names the command that creates the queue', async () => {
  await api()('DELETE', `${QUEUES}/emails-dead-letter`);
  const name = await defer(sendReceipt, ['grace@example.com', new Date()], { queue: 'emails' });
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  // No copy anywhere but the log, and the emulator's own dead letter (its dashboard).
  expect(dead.reason).toMatch(/gave up after 3 attempt/);
  const entry = logs.find((e) => e.deadLetter && (e.deadLetter as { taskName?: string }).taskName === name.split('/').pop());
  expect(entry).toMatchObject({
    severity: 'ERROR',
    deadLetter: {
      reason: 'final-attempt',
      queue: 'emails',
      attempt: 3,
      functionId: 'shop.sendReceipt',
      url: '/_ah/queue/deferred/shop.sendReceipt',
      bodyEncoding: 'utf8',
    },
  });
  expect((entry!.deadLetter as { body: string }).body).toContain('grace@example.com');
  expect(entry!.deadLetterProblem).toContain(`its dead-letter queue ${QUEUES}/emails-dead-letter does not exist`);
  expect(entry!.deadLetterProblem).toContain('npx next-cloud-tasks queues apply');

  const list = await runDeadLetters(['list', '--file', FIXTURE], cliEnv);
  expect(list.code).toBe(3);
  expect(list.stderr).toContain('create it with `next-cloud-tasks queues apply`');
});
