/**
 * queue.yaml edited while `next-cloud-tasks dev` runs: the app's defer() (with the emulator
 * configured) and the emulator both read it again, so a queue added to the file is accepted and
 * runs without a restart. Here the pair dev runs (the emulator, and the handler with this
 * process's defer() pointed at it); test/emulator/dev-reload.test.ts runs the real `dev`. In
 * production (no emulator), queue.yaml is read once: no stat per defer().
 */
import fs, { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest, defer, deferrable, UnknownQueueError } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { startEmulator } from 'next-cloud-tasks/emulator';
import { emulatorApi } from './support/emulator-api';
import { LOCATION, PROJECT } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';

const QUEUES = `projects/${PROJECT}/locations/${LOCATION}/queues`;
const START = 'queue:\n- name: default\n  rate: 50/s\n';
const ran: string[] = [];
const note = deferrable('reload.note', (text: string) => void ran.push(text));
const manifest = createManifest([note]);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'queue-yaml-reload-'));
  file = join(dir, 'queue.yaml');
  writeFileSync(file, START);
  ran.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('with the emulator (what dev and start set)', () => {
  let loop: EmulatedHandler;
  beforeEach(async () => {
    loop = await startEmulatedHandler({ queueYaml: file, handler: { manifest } });
  });
  afterEach(() => loop?.stop());

  test('a queue added to queue.yaml is accepted by defer() at once, created by the emulator, and its task runs', async () => {
    const stats = jest.spyOn(fs, 'statSync');
    await expect(defer(note, ['before'], { queue: 'reports' })).rejects.toThrow(UnknownQueueError);
    // One stat of queue.yaml per use, with the emulator only (the production test below sees none).
    expect(stats).toHaveBeenCalledWith(file, { throwIfNoEntry: false });
    stats.mockRestore();
    appendFileSync(file, '- name: reports\n  rate: 5/s\n');
    // No wait: defer() sees the new file, and the emulator loads it when the task names the queue.
    const name = await defer(note, ['after'], { queue: 'reports' });
    expect(name).toMatch(new RegExp(`^${QUEUES}/reports/tasks/`));
    expect((await loop.emulator.waitForTask(name, 20_000)).kind).toBe('success');
    expect(ran).toEqual(['after']);
    expect(await emulatorApi(loop.emulator.url)('GET', `${QUEUES}/reports`)).toMatchObject({
      rateLimits: { maxDispatchesPerSecond: 5 },
      state: 'RUNNING',
    });
  });

  test('a broken edit is reported with its line by defer(), and the next save is picked up', async () => {
    writeFileSync(file, `${START}- name: reports\n  rate: fast\n`);
    await expect(defer(note, ['x'], { queue: 'default' })).rejects.toThrow(/queue\.yaml:5:9: Rate "fast" is invalid/);
    writeFileSync(file, `${START}- name: reports\n  rate: 2/s\n`);
    const name = await defer(note, ['fixed'], { queue: 'reports' });
    expect((await loop.emulator.waitForTask(name, 20_000)).kind).toBe('success');
  });
});

test('the emulator alone: a request naming a new queue loads the file at once; without one, the watch does within a second; a broken file keeps the queues', async () => {
  const log: string[] = [];
  const emulator = await startEmulator({
    port: 0,
    data: ':memory:',
    queueYaml: file,
    project: PROJECT,
    location: LOCATION,
    log: (l) => log.push(l),
  });
  const waitForLog = async (text: string) => {
    const deadline = Date.now() + 5000;
    while (!log.some((line) => line.includes(text)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return log.find((line) => line.includes(text));
  };
  try {
    const api = emulatorApi(emulator.url);
    appendFileSync(file, '- name: mail\n  rate: 3/s\n');
    // At once, well within the watch's half second: the lookup of the unknown queue loads the file.
    expect(await api('GET', `${QUEUES}/mail`)).toMatchObject({ rateLimits: { maxDispatchesPerSecond: 3 } });
    expect(log).toContain('queue.yaml changed: 2 queues loaded (new: mail)');

    appendFileSync(file, '- name: digest\n  rate: 1/s\n');
    expect(await waitForLog('new: digest')).toBe('queue.yaml changed: 3 queues loaded (new: digest)');
    expect(emulator.queueYaml?.names).toEqual([`${QUEUES}/default`, `${QUEUES}/mail`, `${QUEUES}/digest`]);

    writeFileSync(file, 'queue:\n- name: default\n  rate: oops\n');
    expect(await waitForLog('was not loaded')).toMatch(
      /^queue\.yaml changed but was not loaded, the queues stay as they were: .*queue\.yaml: 1 problem\n.*queue\.yaml:3:9: Rate "oops" is invalid/,
    );
    expect(await api('GET', `${QUEUES}/digest`)).toMatchObject({ name: `${QUEUES}/digest` });
  } finally {
    await emulator.stop();
  }
});

test('in production (no emulator) queue.yaml is read once: a queue added later needs a restart, as a deploy does', async () => {
  const sent: string[] = [];
  const restore = applyTestOptions({
    project: 'p',
    location: 'us-central1',
    serviceUrl: 'https://app.example.com',
    serviceAccount: 'tasks@p.iam.gserviceaccount.com',
    queueYaml: file,
    transport: { createTask: async (request) => (sent.push(request.queue), { name: `${QUEUES}/${request.queue}/tasks/t` }) },
  });
  const savedHost = process.env.CLOUD_TASKS_EMULATOR_HOST;
  delete process.env.CLOUD_TASKS_EMULATOR_HOST;
  try {
    await defer(note, ['a'], { queue: 'default' });
    const stats = jest.spyOn(fs, 'statSync');
    appendFileSync(file, '- name: reports\n  rate: 5/s\n');
    await expect(defer(note, ['b'], { queue: 'reports' })).rejects.toThrow(UnknownQueueError);
    await defer(note, ['c'], { queue: 'default' });
    expect(stats).not.toHaveBeenCalled();
    stats.mockRestore();
    expect(sent).toEqual(['default', 'default']);
  } finally {
    restore();
    if (savedHost !== undefined) process.env.CLOUD_TASKS_EMULATOR_HOST = savedHost;
  }
});
