/**
 * deferMany with big payloads (DEFERRED_PAYLOAD_BUCKET), end to end through the emulator and its
 * Cloud Storage stand-in: each call too big for a task is offloaded on its own (its task carries
 * a reference, the small ones stay inline), a call whose task is not made leaves no object, and
 * the tasks run from their objects, which are then deleted. The real @google-cloud/tasks and
 * @google-cloud/storage clients throughout.
 */
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import type { v2beta3 } from '@google-cloud/tasks';
import { createManifest, DeferManyError, deferMany, deferrable, TaskAlreadyExistsError } from 'next-cloud-tasks';
import { restClientOptions } from '../emulator/support/client';
import { LOCATION, PROJECT } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';

const FIXTURE = path.join(__dirname, '../fixtures/queues/fan-out.yaml');
const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;
const BUCKET = 'fan-out-payloads';

const received: number[] = [];
const importCsv = deferrable('imports.csv', (csv: string) => void received.push(csv.length));
const manifest = createManifest([importCsv]);

let loop: EmulatedHandler;
let beta: v2beta3.CloudTasksClient;
let storage: Storage;

beforeAll(async () => {
  loop = await startEmulatedHandler({
    queueYaml: FIXTURE,
    handler: { manifest },
    payloadBucket: `gs://${BUCKET}/deferred`,
    logWriter: (l) => console.log(l),
  });
  const { v2beta3 } = await import('@google-cloud/tasks');
  beta = new v2beta3.CloudTasksClient(restClientOptions(loop.emulator));
  storage = new Storage({ apiEndpoint: loop.emulator.url, useAuthWithCustomEndpoint: false, projectId: PROJECT });
});

afterAll(async () => {
  await beta?.close();
  await loop?.stop();
});

/** The bucket's objects under the adapter's prefix, as Cloud Storage lists them. */
const objects = async () => (await storage.bucket(BUCKET).getFiles({ prefix: 'deferred/' }))[0].map((file) => file.name).sort();
const big = (n: number) => `id,row\n`.padEnd(1_500_000 + n, String(n));

test('each big call is offloaded on its own, the small ones stay inline; a call whose task fails leaves no object', async () => {
  const calls = [
    { args: [big(0)] as [string] },
    { args: ['id\n1'] as [string] },
    { args: [big(2)] as [string], options: { name: 'import-2' } },
    // The same name again in the same batch: Cloud Tasks fails this item alone.
    { args: [big(3)] as [string], options: { name: 'import-2' } },
  ];
  const error = (await deferMany(importCsv, calls, { queue: 'held' }).catch((e: unknown) => e)) as DeferManyError;
  expect(error).toBeInstanceOf(DeferManyError);
  expect(error.result).toMatchObject({ created: 3, failed: 1 });
  expect(error.result.items[3]).toMatchObject({ ok: false, error: expect.any(TaskAlreadyExistsError) });

  const bodies: string[] = [];
  for (const index of [0, 1, 2]) {
    const name = (error.result.items[index] as { taskName: string }).taskName;
    const [task] = await beta.getTask({ name, responseView: 'FULL' });
    bodies.push(Buffer.from(task.httpRequest!.body as Uint8Array).toString());
  }
  const refs = bodies.map((body) => (JSON.parse(body) as { ref?: { bucket: string; object: string } }).ref);
  expect(refs[1]).toBeUndefined();
  expect(bodies[1]).toContain('id\\n1');
  expect(refs[0]).toMatchObject({ bucket: BUCKET, object: expect.stringMatching(/^deferred\/imports\.csv\//) });
  expect(refs[2]).toMatchObject({ bucket: BUCKET, object: expect.stringMatching(/^deferred\/imports\.csv\//) });
  // Two objects, one per big call that made a task (none for the small one, none left by the one whose task was not made).
  expect(await objects()).toEqual([refs[0]!.object, refs[2]!.object].sort());
  expect(refs[0]!.object).not.toBe(refs[2]!.object);
  for (const index of [0, 2]) await beta.deleteTask({ name: (error.result.items[index] as { taskName: string }).taskName });
  await storage.bucket(BUCKET).deleteFiles({ prefix: 'deferred/' });
  expect(await objects()).toEqual([]);
}, 30_000);

test('the tasks run from their objects, with the arguments whole, and the objects are deleted', async () => {
  received.length = 0;
  const sizes = [0, 1, 2].map((n) => big(n).length);
  const result = await deferMany(importCsv, [[big(0)], ['id\n1'], [big(1)], [big(2)]], { queue: 'default' });
  expect(result).toMatchObject({ created: 4, failed: 0 });
  for (const item of result.items) await loop.emulator.waitForTask((item as { taskName: string }).taskName, 20_000);
  expect(received.sort((a, b) => a - b)).toEqual([4, ...sizes]);
  // Each big call's object was read by its task's run, then deleted.
  expect(await objects()).toEqual([]);
  expect(result.items.every((item) => item.ok && item.taskName.startsWith(`${QUEUES}/default/tasks/`))).toBe(true);
}, 30_000);
