/**
 * A task's own retry settings, end to end: defer() and deferMany() send them to the emulator, which
 * dispatches by them, signed, to the real handler on loopback; the handler reads them from the
 * task's envelope, so it dead-letters the task at its own last attempt, not at the queue's (the
 * queue allows 10 attempts here). Without them the last attempt would go unseen: Cloud Tasks
 * would drop the task after it, and nothing would be dead-lettered.
 */
import path from 'node:path';
import {
  cancelTask,
  cloudTasksDeadLetterSink,
  createManifest,
  defer,
  deferMany,
  deferrable,
  getTaskContext,
  type DeadLetterEntry,
  type DeadLetterSink,
} from 'next-cloud-tasks';
import type { v2beta3 } from '@google-cloud/tasks';
import { restClientOptions } from '../emulator/support/client';
import { runDeadLetters } from '../dead-letters/support/run-dead-letters';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';

const FIXTURE = path.join(__dirname, '../fixtures/queues/fan-out.yaml');

const attempts = new Map<string, number[]>();
const failing = deferrable('fanout.failing', (label: string) => {
  attempts.set(label, [...(attempts.get(label) ?? []), getTaskContext().attempt]);
  throw new Error(`${label} fails`);
});
const manifest = createManifest([failing]);
const deadLetters: DeadLetterEntry[] = [];

let loop: EmulatedHandler;

beforeAll(async () => {
  // Every dead letter is recorded, then kept as the default sink keeps it (in the queue's dead-letter queue, if it has one).
  const keep = cloudTasksDeadLetterSink();
  const deadLetter: DeadLetterSink = (entry) => (deadLetters.push(entry), keep(entry));
  loop = await startEmulatedHandler({ queueYaml: FIXTURE, handler: { manifest, deadLetter } });
});

afterAll(() => loop?.stop());

const deadOf = (label: string) => deadLetters.filter((entry) => entry.body.includes(label));

test('defer(): a task of maxAttempts 3 in a queue of 10 is dead-lettered by the handler at attempt 3, as the emulator ends it', async () => {
  const name = await defer(failing, ['own-3'], { queue: 'retrying', retry: { maxAttempts: 3 } });
  const plain = await defer(failing, ['queue-10'], { queue: 'retrying' });
  const dead = await loop.events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.task.dispatchCount).toBe(3);
  expect(attempts.get('own-3')).toEqual([1, 2, 3]);
  expect(deadOf('own-3')).toEqual([
    expect.objectContaining({ reason: 'final-attempt', attempt: 3, functionId: 'fanout.failing', queue: 'retrying' }),
  ]);

  // The task without its own settings follows the queue's 10: past 3, and not dead-lettered there.
  for (let i = 0; i < 200 && (attempts.get('queue-10')?.length ?? 0) < 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(attempts.get('queue-10')!.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  expect(deadOf('queue-10')).toEqual([]);
  await cancelTask(plain);
}, 30_000);

test('deferMany(): each call its own limits, dead-lettered at 2 and 4', async () => {
  const result = await deferMany(
    failing,
    [
      { args: ['own-2'], options: { retry: { maxAttempts: 2 } } },
      { args: ['own-4'], options: { retry: { maxAttempts: 4 } } },
    ],
    { queue: 'retrying' },
  );
  const names = result.items.map((item) => (item.ok ? item.taskName : ''));
  const [two, four] = await Promise.all(names.map((name) => loop.events.waitFor('task:dead', ({ task }) => task.name === name, 20_000)));
  expect([two.task.dispatchCount, four.task.dispatchCount]).toEqual([2, 4]);
  expect(attempts.get('own-2')).toEqual([1, 2]);
  expect(attempts.get('own-4')).toEqual([1, 2, 3, 4]);
  expect(deadOf('own-2').map((entry) => entry.attempt)).toEqual([2]);
  expect(deadOf('own-4').map((entry) => entry.attempt)).toEqual([4]);
}, 30_000);

test('a replayed dead task keeps its own retry settings: Cloud Tasks and the handler still agree on its last attempt', async () => {
  const name = await defer(failing, ['replayed'], { queue: 'retrying-kept', retry: { maxAttempts: 2 } });
  await loop.events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(deadOf('replayed').map((entry) => entry.attempt)).toEqual([2]);
  const replay = await runDeadLetters(['replay', '--all', '--queue', 'retrying-kept', '--file', FIXTURE], loop.cliEnv);
  expect(replay).toMatchObject({ code: 0, stderr: '' });
  const replayedId = /as ([\w-]+);/.exec(replay.stdout)![1];
  const replayed = `${name.slice(0, name.lastIndexOf('/') + 1)}${replayedId}`;
  const { v2beta3 } = await import('@google-cloud/tasks');
  const beta: v2beta3.CloudTasksClient = new v2beta3.CloudTasksClient(restClientOptions(loop.emulator));
  try {
    const [task] = await beta.getTask({ name: replayed }).catch(() => [undefined]);
    // Still queued (it may be mid-retry) or already dead: either way, 2 attempts again, dead-lettered at the second.
    if (task) expect(task.retryConfig).toMatchObject({ maxAttempts: 2 });
  } finally {
    await beta.close();
  }
  const dead = await loop.events.waitFor('task:dead', ({ task }) => task.name === replayed, 20_000);
  expect(dead.task.dispatchCount).toBe(2);
  expect(deadOf('replayed').map((entry) => entry.attempt)).toEqual([2, 2]);
}, 30_000);
