/**
 * The Cloud Storage payload store against the emulator's stand-in: big objects round-trip, a
 * missing one reads as undefined, one past the cap is refused, and reading many at once prints
 * no Node warning (36 concurrent 3 MB reads through the client's createReadStream() printed 72
 * MaxListenersExceededWarnings). The warnings are counted in a child process: jest's sandbox
 * does not see the real process's 'warning' events.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { createGcsPayloadStore } from '@/lib/src/runtime/gcs-payload-store';
import { PayloadObjectTooLargeError } from '@/lib/src/runtime/payload-store-types';
import { ROOT } from '../helpers/next-server';

test('36 concurrent 3 MB objects (the built package, its own process): all round-trip, and no warning is printed', () => {
  const probe = spawnSync(process.execPath, [join(ROOT, 'test/helpers/payload-store-probe.mjs'), ROOT, '36', '3000000'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (probe.status !== 0) throw new Error(`the probe failed:\n${probe.stdout}\n${probe.stderr}`);
  expect(JSON.parse(probe.stdout.trim().split('\n').at(-1)!)).toEqual({ intact: 36, warnings: [] });
  expect(probe.stderr).not.toMatch(/MaxListenersExceededWarning/);
}, 150_000);

describe('reads', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, data: ':memory:' });
  });
  afterAll(() => emulator?.stop());

  test('an object round-trips byte for byte; a missing one is undefined; one past the cap is refused', async () => {
    const store = createGcsPayloadStore(`${emulator.url}/storage/v1`);
    const data = randomBytes(2_000_000);
    await store.write('reads', 'deferred/a b+c.json', new Uint8Array(data));
    expect(Buffer.compare(Buffer.from((await store.read('reads', 'deferred/a b+c.json', 2_000_000))!), data)).toBe(0);
    await expect(store.read('reads', 'deferred/a b+c.json', 1_999_999)).rejects.toThrow(PayloadObjectTooLargeError);
    expect(await store.read('reads', 'deferred/missing.json', 2_000_000)).toBeUndefined();
    await store.delete('reads', 'deferred/a b+c.json');
    expect(await store.read('reads', 'deferred/a b+c.json', 2_000_000)).toBeUndefined();
  });
});
