/**
 * A task whose function is not in the manifest of the deploy that runs it (the app deferred it
 * without telling defer() its manifest): the handler answers 404 (retried), and on the last
 * attempt dead-letters it with the reason "unknown-function", which travels to the dead-letter
 * entry, to the kept task's headers and the CLI, and to the emulator's dashboard, instead of
 * only "last: HTTP 404".
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

const listed = deferrable('shop.listed', () => {});
/** Deferred, but left out of the manifest the task route serves. */
const forgotten = deferrable('shop.forgotten', (orderId: string) => orderId);

let loop: EmulatedHandler;
let emulator: EmulatorHandle;
const logs: LogEntry[] = [];

beforeAll(async () => {
  loop = await startEmulatedHandler({
    queueYaml: FIXTURE,
    handler: { manifest: createManifest([listed]) },
    logWriter: (e) => logs.push(e),
  });
  ({ emulator } = loop);
});

afterAll(() => loop?.stop());

const dashboard = async () => (await fetch(`${emulator.url}/`)).text();

test('without a dead-letter queue: the emulator gives up, saying "unknown function", on its dashboard too', async () => {
  // reports: task_retry_limit 0, no dead_letter_queue: the first 404 is the last attempt.
  const name = await defer(forgotten, ['A-1'], { queue: 'reports' });
  const dead = await loop.events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.reason).toMatch(
    /^unknown function \(not in the manifest of the deploy that ran it\); gave up after 1 attempt\(s\) \(.*\); last: HTTP 404$/,
  );
  const id = name.split('/').pop()!;
  const row = new RegExp(`data-dead="${id}"[\\s\\S]*?unknown function \\(not in the manifest of the deploy that ran it\\)`);
  expect(await dashboard()).toMatch(row);
  expect(logs.find((e) => (e.deadLetter as { taskName?: string } | undefined)?.taskName === id)).toMatchObject({
    severity: 'ERROR',
    deadLetter: {
      reason: 'unknown-function',
      functionId: 'shop.forgotten',
      error: expect.stringMatching(/no deferrable function "shop\.forgotten"/),
    },
  });
});

test('with one: the kept copy says why, in its headers, on the dashboard and in `dead-letters list`', async () => {
  // emails: three attempts, then kept in emails-dead-letter.
  const name = await defer(forgotten, ['B-2'], { queue: 'emails' });
  const dead = await loop.events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.task.dispatchCount).toBe(3);
  expect(dead.reason).toMatch(
    /^unknown function \(.*\); gave up after 3 attempt\(s\) .*; last: HTTP 404; kept in dead-letter queue emails-dead-letter as \w+$/,
  );
  const { tasks } = await emulatorApi(emulator.url)('GET', `${QUEUES}/emails-dead-letter/tasks`);
  expect(tasks).toHaveLength(1);
  expect(tasks[0].httpRequest.headers).toMatchObject({
    'X-Deferred-Dead-Reason': 'unknown-function',
    'X-Deferred-Dead-Function': 'shop.forgotten',
  });
  const keptId = tasks[0].name.split('/').pop();
  expect(await dashboard()).toMatch(
    new RegExp(
      `data-task="${keptId}"[\\s\\S]*?dead-lettered from emails: unknown function \\(not in the manifest of the deploy that ran it\\); 3 attempt\\(s\\): Error: no deferrable`,
    ),
  );
  const list = await runDeadLetters(['list', '--file', FIXTURE], loop.cliEnv);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`^${keptId} +emails +shop\\.forgotten +unknown-function +3 `, 'm'));
});
