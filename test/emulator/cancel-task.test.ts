/**
 * cancelTask against the emulator through the production transport (the real
 * @google-cloud/tasks client in REST mode): a task scheduled a minute ahead is deleted and never
 * reaches the app, while a task due now does (so "never dispatched" is not just a slow dispatcher).
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { cancelTask, defer, deferrable, InvalidTaskOptionsError, type CloudTasksOptions } from 'next-cloud-tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { emulatorClient, LOCATION, PARENT, PROJECT, queuePath } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;
let restore: () => void;

const remind = deferrable('reminders.send', (userId: string) => userId);

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  client = await emulatorClient(emulator.hostPort);
  target = await startTargetServer();
  await client.createQueue({ parent: PARENT, queue: { name: queuePath('default') } });
  const config: CloudTasksOptions = {
    project: PROJECT,
    location: LOCATION,
    serviceUrl: target.url,
    serviceAccount: 'tasks@test-project.iam.gserviceaccount.com',
    audience: target.url,
    emulatorHost: emulator.hostPort,
  };
  // defer()'s own transport for an emulator host: the client pointed at it.
  restore = applyTestOptions(config);
});

afterAll(async () => {
  restore?.();
  await client?.close();
  await emulator?.stop();
  await target?.close();
});

test('a task scheduled 60 s ahead, cancelled, is gone and never dispatched; a second cancel answers false', async () => {
  const later = await defer(remind, ['user-1'], { countdown: 60 });
  const [queued] = await client.getTask({ name: later });
  expect(queued.name).toBe(later);

  expect(await cancelTask(later)).toBe(true);
  expect(await cancelTask(later)).toBe(false);
  const [tasks] = await client.listTasks({ parent: queuePath('default') });
  expect(tasks.map((task) => task.name)).not.toContain(later);
  await expect(client.runTask({ name: later })).rejects.toMatchObject({ code: 5 });

  // The dispatcher is working: a task due now reaches the app, the cancelled one never does.
  await defer(remind, ['user-2'], {});
  const received = await target.waitFor(1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(target.received).toHaveLength(1);
  expect(received[0].path).toBe('/_ah/queue/deferred/reminders.send');
  expect(received[0].body.toString()).toContain('user-2');
  expect(received[0].headers['x-cloudtasks-taskname']).not.toBe(later.split('/').pop());
});

test('a task that already ran cannot be cancelled: false', async () => {
  const count = target.received.length;
  const name = await defer(remind, ['user-3'], { name: 'ran-already' });
  await target.waitFor(count + 1);
  // The attempt is answered; give the emulator a moment to record the success.
  for (let i = 0; i < 50 && (await client.listTasks({ parent: queuePath('default') }))[0].some((t) => t.name === name); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(await cancelTask(name)).toBe(false);
});

test("a name that is not a task's full name is refused before any call", async () => {
  await expect(cancelTask('ran-already')).rejects.toBeInstanceOf(InvalidTaskOptionsError);
  await expect(cancelTask('ran-already')).rejects.toThrow(/projects\/P\/locations\/L\/queues\/Q\/tasks\/T/);
});
