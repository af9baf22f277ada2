/**
 * A dead-lettered task whose payload was offloaded (DEFERRED_PAYLOAD_BUCKET), end to end: the
 * default sink keeps it in the dead-letter queue with its object named, the object stays in the
 * bucket, `dead-letters inspect` shows it, and `replay` runs it from that object, which is then
 * deleted. The real @google-cloud/storage client against the emulator's stand-in throughout.
 */
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { createManifest, defer, deferrable } from 'next-cloud-tasks';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi } from '../emulator/support/emulator-api';
import { LOCATION, PROJECT } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';
import { runDeadLetters } from './support/run-dead-letters';

const FIXTURE = path.join(__dirname, '../fixtures/queues/big-dead-letter-app.yaml');
const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;
const BUCKET = 'dlq-payloads';

let healed = false;
const imported: number[] = [];
const importCsv = deferrable('imports.csv', (csv: string) => {
  if (!healed) throw new Error('warehouse unavailable');
  imported.push(csv.length);
});
const manifest = createManifest([importCsv]);

let loop: EmulatedHandler;
let emulator: EmulatorHandle;
let events: EmulatedHandler['events'];
let cliEnv: Record<string, string>;

beforeAll(async () => {
  loop = await startEmulatedHandler({ queueYaml: FIXTURE, handler: { manifest }, payloadBucket: `gs://${BUCKET}/deferred` });
  ({ emulator, events, cliEnv } = loop);
});

afterAll(() => loop?.stop());

test('kept with its object, inspected, replayed from the object, which is then deleted', async () => {
  const csv = 'id,name\n'.padEnd(3_000_000, 'x');
  const name = await defer(importCsv, [csv], { queue: 'imports' });
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.reason).toMatch(/kept in dead-letter queue imports-dead-letter/);

  const { tasks } = await emulatorApi(emulator.url)('GET', `${QUEUES}/imports-dead-letter/tasks`);
  expect(tasks).toHaveLength(1);
  const payloadObject: string = tasks[0].httpRequest.headers['X-Deferred-Dead-Payload'];
  expect(payloadObject).toMatch(new RegExp(`^gs://${BUCKET}/deferred/imports\\.csv/[0-9a-f-]{36}\\.json$`));
  const storage = new Storage({ apiEndpoint: emulator.url, useAuthWithCustomEndpoint: false, projectId: PROJECT });
  const object = storage.bucket(BUCKET).file(payloadObject.slice(`gs://${BUCKET}/`.length));
  expect((await object.exists())[0]).toBe(true);

  const id = tasks[0].name.split('/').pop();
  const inspect = await runDeadLetters(['inspect', id, '--file', FIXTURE], cliEnv);
  expect(inspect.code).toBe(0);
  expect(inspect.stdout).toContain(`payload object    ${payloadObject} (kept for the replay`);

  healed = true;
  const replay = await runDeadLetters(['replay', id, '--file', FIXTURE], cliEnv);
  expect(replay).toMatchObject({ code: 0, stderr: '' });
  const replayedId = /as ([\w-]+);/.exec(replay.stdout)![1];
  expect((await emulator.waitForTask(`${QUEUES}/imports/tasks/${replayedId}`, 20_000)).kind).toBe('success');
  expect(imported).toEqual([csv.length]);
  expect((await object.exists())[0]).toBe(false);
});
