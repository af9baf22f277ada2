// Writes and reads back N objects of SIZE bytes at once through the built package's Cloud
// Storage payload store, against a fresh emulator, and prints one JSON line: the objects that
// round-tripped and every Node warning the process emitted (test/emulator/payload-store-warnings.test.ts).
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [root, count, size] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const load = (path) => import(pathToFileURL(join(root, 'lib/dist', path)).href);
const { startEmulator } = await load('emulator/index.js');
const { createGcsPayloadStore } = await load('runtime/gcs-payload-store.js');

const warnings = [];
process.on('warning', (warning) => {
  if (!(warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message))) warnings.push(`${warning.name}: ${warning.message}`);
});
const emulator = await startEmulator({ port: 0, data: ':memory:' });
try {
  const store = createGcsPayloadStore(`${emulator.url}/storage/v1`);
  const objects = Array.from({ length: count }, (_, i) => ({ name: `deferred/${i}.json`, data: randomBytes(size) }));
  await Promise.all(objects.map(({ name, data }) => store.write('probe-bucket', name, new Uint8Array(data))));
  const read = await Promise.all(objects.map(({ name }) => store.read('probe-bucket', name, size)));
  const intact = read.filter((bytes, i) => bytes && Buffer.compare(Buffer.from(bytes), objects[i].data) === 0).length;
  // Warnings are emitted on a later tick.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(JSON.stringify({ intact, warnings }));
} finally {
  await emulator.stop();
}
