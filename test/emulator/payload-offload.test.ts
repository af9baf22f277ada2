/**
 * Payloads too big for a task, offloaded to Cloud Storage (DEFERRED_PAYLOAD_BUCKET), end to end
 * through the real clients: defer() uploads with @google-cloud/storage to the emulator's Cloud
 * Storage stand-in (STORAGE_EMULATOR_HOST), the emulator dispatches the small reference task with
 * a real OIDC token to the handler on loopback, which downloads, verifies and runs it.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { createManifest, defer, deferrable, PayloadTooLargeError, PermanentTaskFailure, type DeadLetterEntry } from 'next-cloud-tasks';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { encodeReferenceEnvelope } from '@/lib/src/contract/envelope';
import { LOCATION, PROJECT, TASKS_EMAIL } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';

const FIXTURE = path.join(__dirname, '../fixtures/queues/payload-app.yaml');
const QUEUE = `projects/${PROJECT}/locations/${LOCATION}/queues/big`;
const BUCKET = 'app-payloads';
const PREFIX = 'deferred/';

const runs: { bytes: number; sha256: string }[] = [];
const ingest = deferrable('files.ingest', (blob: string) => {
  runs.push({ bytes: blob.length, sha256: createHash('sha256').update(blob).digest('hex') });
});
const reject = deferrable('files.reject', (_blob: string) => {
  throw new PermanentTaskFailure('not a CSV');
});
const manifest = createManifest([ingest, reject]);

let loop: EmulatedHandler;
let emulator: EmulatorHandle;
let app: EmulatedHandler['app'];
let storage: Storage;
let events: EmulatedHandler['events'];
const deadLetters: DeadLetterEntry[] = [];

/** A 5 MB argument: random, so no compression or dedup could hide a mistake. */
const fiveMegabytes = () => randomBytes(3_750_000).toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  loop = await startEmulatedHandler({
    queueYaml: FIXTURE,
    handler: { manifest, deadLetter: (entry) => void deadLetters.push(entry) },
    payloadBucket: `gs://${BUCKET}/${PREFIX}`,
  });
  ({ emulator, app, events } = loop);
  // The test's own client, as a developer would make one for the emulator.
  storage = new Storage({ apiEndpoint: emulator.url, useAuthWithCustomEndpoint: false, projectId: PROJECT });
});

afterAll(() => loop?.stop());

beforeEach(() => {
  runs.length = 0;
  deadLetters.length = 0;
});

/** The task's body as Cloud Tasks holds it (the emulator's REST API, FULL view). */
async function taskBody(name: string): Promise<Record<string, any>> {
  const response = await fetch(`${emulator.url}/v2/${name}?responseView=FULL`);
  const task = await response.json();
  return JSON.parse(Buffer.from(task.httpRequest.body, 'base64').toString('utf8'));
}

const exists = async (object: string) => (await storage.bucket(BUCKET).file(object).exists())[0];

async function pauseQueue(paused: boolean) {
  const response = await fetch(`${emulator.url}/v2/${QUEUE}:${paused ? 'pause' : 'resume'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
}

test('a 5 MB task is stored, delivered as a reference, verified and run; then its object is gone', async () => {
  const blob = fiveMegabytes();
  await pauseQueue(true);
  const name = await defer(ingest, [blob], { queue: 'big' });

  const reference = await taskBody(name);
  expect(reference).toEqual(expect.objectContaining({ v: 2, fn: 'files.ingest' }));
  expect(reference.ref).toEqual({
    bucket: BUCKET,
    object: expect.stringMatching(/^deferred\/files\.ingest\/[0-9a-f-]{36}\.json$/),
    bytes: expect.any(Number),
    sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  const [stored] = await storage.bucket(BUCKET).file(reference.ref.object).download();
  expect(stored.length).toBe(reference.ref.bytes);
  expect(createHash('sha256').update(stored).digest('hex')).toBe(reference.ref.sha256);

  // The dashboard shows it next to the task: the object, its size, the arguments read from it.
  const page = await (await fetch(`${emulator.url}/`)).text();
  expect(page).toContain(`payload gs://${BUCKET}/${reference.ref.object} · 5.0 MB`);
  expect(page).toContain(blob.slice(0, 40));

  await pauseQueue(false);
  await events.waitFor('task:success', ({ task }) => task.name === name, 20_000);
  expect(runs).toEqual([{ bytes: blob.length, sha256: sha256(blob) }]);
  expect(await exists(reference.ref.object)).toBe(false);
});

test('a dead-lettered big task keeps its object, named in the dead-letter entry, and replays from it', async () => {
  const name = await defer(reject, [fiveMegabytes()], { queue: 'big' });
  const { ref } = await taskBody(name);
  await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(deadLetters).toEqual([expect.objectContaining({ reason: 'permanent-failure', payloadObject: `gs://${BUCKET}/${ref.object}` })]);
  expect(await exists(ref.object)).toBe(true);

  // The replay: the dead letter's body (the reference) as a new task of a function that now succeeds.
  const replayBody = JSON.parse(deadLetters[0].body);
  replayBody.fn = 'files.ingest';
  const [original] = await storage.bucket(BUCKET).file(ref.object).download();
  const fixed = Buffer.from(original.toString('utf8').replace('"files.reject"', '"files.ingest"'));
  await storage.bucket(BUCKET).file(ref.object).save(fixed, { resumable: false });
  replayBody.ref = { ...ref, bytes: fixed.length, sha256: createHash('sha256').update(fixed).digest('hex') };
  const replayed = await createRawTask(new TextEncoder().encode(JSON.stringify(replayBody)), '/_ah/queue/deferred/files.ingest');
  await events.waitFor('task:success', ({ task }) => task.name === replayed, 20_000);
  expect(runs).toHaveLength(1);
  expect(await exists(ref.object)).toBe(false);
});

/** A task with a body of the test's making, created as defer() creates them. */
async function createRawTask(body: Uint8Array, path = '/_ah/queue/deferred/files.ingest'): Promise<string> {
  const transport = createCloudTasksTransport({ emulatorHost: emulator.hostPort });
  const { name } = await transport.createTask({
    project: PROJECT,
    location: LOCATION,
    queue: 'big',
    url: app.url + path,
    headers: { 'Content-Type': 'application/json' },
    body,
    oidcToken: { serviceAccountEmail: TASKS_EMAIL, audience: app.url },
  });
  return name;
}

describe('a tampered payload never runs the function: undecodable, dead-lettered, the object kept', () => {
  async function tamper(change: (data: Buffer) => Buffer) {
    await pauseQueue(true);
    const name = await defer(ingest, [fiveMegabytes()], { queue: 'big' });
    const { ref } = await taskBody(name);
    const file = storage.bucket(BUCKET).file(ref.object);
    const [data] = await file.download();
    await file.save(change(data), { resumable: false });
    await pauseQueue(false);
    await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
    return ref;
  }

  test('changed bytes, same size', async () => {
    const ref = await tamper((data) => {
      const changed = Buffer.from(data);
      changed[changed.length - 10] ^= 1;
      return changed;
    });
    expect(runs).toEqual([]);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'undecodable', error: expect.stringMatching(/does not match the sha256/) }),
    ]);
    expect(await exists(ref.object)).toBe(true);
  });

  test('a wrong size (longer, and shorter)', async () => {
    await tamper((data) => Buffer.concat([data, Buffer.from(' ')]));
    await tamper((data) => data.subarray(0, data.length - 1));
    expect(runs).toEqual([]);
    expect(deadLetters.map((entry) => entry.error)).toEqual([
      expect.stringMatching(/longer than the \d+ bytes of its reference/),
      expect.stringMatching(/is \d+ bytes, not the \d+ of its reference/),
    ]);
  });

  test('an object outside the configured prefix or bucket, even with the right hash', async () => {
    const envelope = Buffer.from('{"json":{"v":1,"fn":"files.ingest","args":["x"],"enqueuedAt":1}}');
    const digest = createHash('sha256').update(envelope).digest('hex');
    for (const [bucket, object] of [
      [BUCKET, 'elsewhere/x.json'],
      ['other-bucket', 'deferred/x.json'],
    ]) {
      await storage.bucket(bucket).file(object).save(envelope, { resumable: false });
      const ref = { bucket, object, bytes: envelope.length, sha256: digest };
      const name = await createRawTask(encodeReferenceEnvelope('files.ingest', ref, { enqueuedAt: Date.now() }));
      await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
    }
    expect(runs).toEqual([]);
    expect(deadLetters.map((entry) => entry.error)).toEqual([
      expect.stringMatching(/gs:\/\/app-payloads\/elsewhere\/x\.json is outside DEFERRED_PAYLOAD_BUCKET/),
      expect.stringMatching(/gs:\/\/other-bucket\/deferred\/x\.json is outside DEFERRED_PAYLOAD_BUCKET/),
    ]);
  });
});

test('a missing object is retried, then dead-lettered on the last attempt', async () => {
  await pauseQueue(true);
  const name = await defer(ingest, [fiveMegabytes()], { queue: 'big' });
  const { ref } = await taskBody(name);
  await storage.bucket(BUCKET).file(ref.object).delete();
  await pauseQueue(false);
  const dead = await events.waitFor('task:dead', ({ task }) => task.name === name, 20_000);
  expect(dead.task.dispatchCount).toBe(2); // task_retry_limit: 1
  expect(runs).toEqual([]);
  expect(deadLetters).toEqual([expect.objectContaining({ reason: 'final-attempt', error: expect.stringMatching(/does not exist/) })]);
});

test('without a bucket, a task over 1 MiB throws PayloadTooLargeError naming DEFERRED_PAYLOAD_BUCKET, before any call', async () => {
  const bucket = process.env.DEFERRED_PAYLOAD_BUCKET;
  delete process.env.DEFERRED_PAYLOAD_BUCKET;
  // Options applied after the change: the settings are resolved again from this environment.
  const restore = applyTestOptions({});
  try {
    const before = await (await fetch(`${emulator.url}/v2/${QUEUE}/tasks`)).json();
    const attempt = defer(ingest, [fiveMegabytes()], { queue: 'big' });
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(attempt).rejects.toThrow(/DEFERRED_PAYLOAD_BUCKET=gs:\/\/BUCKET\/PREFIX/);
    expect(await (await fetch(`${emulator.url}/v2/${QUEUE}/tasks`)).json()).toEqual(before);
  } finally {
    process.env.DEFERRED_PAYLOAD_BUCKET = bucket;
    restore();
  }
});
