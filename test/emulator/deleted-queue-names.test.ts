/**
 * A deleted queue's name: taken for 7 days as on Cloud Tasks by default; freed at once with
 * --reuse-deleted-queue-names (limits.deletedQueueNameSeconds 0), and persisted across restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from 'next-cloud-tasks/emulator';
import { parseCliArgs, USAGE } from '@/lib/src/cli/emulator-options';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { hintOf } from './support/google-error';

test('by default a deleted name is refused with FAILED_PRECONDITION, also after a restart, with the flag named in the hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'queue-names-'));
  const data = join(dir, 'state.sqlite');
  try {
    let emulator = await startEmulator({ port: 0, data });
    let client = await emulatorClient(emulator.hostPort);
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('fixed') } });
    await client.deleteQueue({ name: queuePath('fixed') });
    await client.close();
    await emulator.stop();

    emulator = await startEmulator({ port: 0, data });
    client = await emulatorClient(emulator.hostPort);
    const error = await client.createQueue({ parent: PARENT, queue: { name: queuePath('fixed') } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 9, message: 'The queue cannot be created because a queue with this name existed too recently.' });
    expect(hintOf(error)).toMatch(/7 days.*--reuse-deleted-queue-names/);
    // UpdateQueue, which creates a missing queue, is refused the same way.
    await expect(
      client.updateQueue({ queue: { name: queuePath('fixed'), rateLimits: { maxDispatchesPerSecond: 5 } } }),
    ).rejects.toMatchObject({
      code: 9,
    });
    await client.close();
    await emulator.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--reuse-deleted-queue-names frees a deleted name at once', async () => {
  const command = parseCliArgs(['--reuse-deleted-queue-names', '--data', ':memory:', '--port', '0'], {}, tmpdir());
  expect(command).toMatchObject({ help: false, options: { limits: { deletedQueueNameSeconds: 0 } } });
  const emulator = await startEmulator(command.help ? {} : command.options);
  const client = await emulatorClient(emulator.hostPort);
  try {
    await client.createQueue({ parent: PARENT, queue: { name: queuePath('fixed') } });
    await client.deleteQueue({ name: queuePath('fixed') });
    const [again] = await client.createQueue({ parent: PARENT, queue: { name: queuePath('fixed') } });
    expect(again.name).toBe(queuePath('fixed'));
  } finally {
    await client.close();
    await emulator.stop();
  }
});

test('without the flag the CLI keeps the real behaviour, and its help says what the flag changes', () => {
  const command = parseCliArgs(['--data', ':memory:'], {}, tmpdir());
  expect(command.help ? undefined : command.options.limits).toBeUndefined();
  expect(USAGE).toMatch(/--reuse-deleted-queue-names\s+free a deleted queue's name at once[\s\S]*7 days with FAILED_PRECONDITION/);
});
