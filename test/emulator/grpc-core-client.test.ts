/**
 * gRPC's C-core client (Debian's python3-grpcio: what Google's Python client runs on) at the
 * emulator's one address, the address REST clients use. Before REST and gRPC shared the port,
 * it failed there with "Trying to connect an http1.x server". Skipped, saying so, where no
 * Python with grpc is installed (apt-get install -y python3-grpcio).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi } from './support/emulator-api';
import { describeIfInstalled, runs } from './support/installed';

const run = promisify(execFile);
const SCRIPT = join(__dirname, 'fixtures', 'grpc_core_client.py');
/** The first Python that imports grpc (Debian's package installs it for /usr/bin/python3). */
const python = ['python3', '/usr/bin/python3'].find((candidate) => runs(candidate, ['-c', 'import grpc']));
const maybe = describeIfInstalled(!!python, 'grpc-core-client.test.ts', 'no python3 with grpc (apt-get install -y python3-grpcio)');

maybe("gRPC's C-core client at the emulator's one address", () => {
  let emulator: EmulatorHandle;
  const queue = 'projects/python-project/locations/us-central1/queues/from-rest';

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, data: ':memory:' });
    await emulatorApi(emulator.url)('POST', 'projects/python-project/locations/us-central1/queues', { name: queue });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  test('lists the queue REST created, and gets Google’s NOT_FOUND for a missing one', async () => {
    const { stdout } = await run(python!, [SCRIPT, emulator.hostPort, queue], { timeout: 60_000 });
    const result = JSON.parse(stdout);
    expect(result.listQueues.ok).toBe(true);
    expect(Buffer.from(result.listQueues.hex, 'hex').toString('latin1')).toContain(queue);
    expect(result.getMissingQueue).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      details: 'Queue does not exist. If you just created the queue, wait at least a minute for the queue to initialize.',
    });
    // The same port still serves HTTP/1.1.
    expect((await fetch(`${emulator.url}/v2/${queue}`)).status).toBe(200);
  }, 60_000);
});
