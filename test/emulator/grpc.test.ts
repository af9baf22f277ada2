/**
 * The gRPC side beyond the conformance suite (test/conformance/grpc.test.ts): locations and the
 * methods the emulator does not have over gRPC, a gRPC client and a REST client seeing one
 * store, the CLI's --grpc-port, and REST only when it is off.
 */
import * as grpc from '@grpc/grpc-js';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { CliUsageError, parseCliArgs } from '@/lib/src/cli/emulator-options';
import { emulatorClient, PARENT, PROJECT, queuePath } from './support/client';

let emulator: EmulatorHandle;
let overGrpc: CloudTasksClient;
let overRest: CloudTasksClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  overGrpc = new CloudTasksClient({ apiEndpoint: emulator.host, port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure() });
  overRest = await emulatorClient(emulator.hostPort);
});

afterAll(async () => {
  await overGrpc.close();
  await overRest.close();
  await emulator.stop();
});

test('a second port, printed in the handle; one store behind both transports', async () => {
  expect(emulator.grpcPort).toBeGreaterThan(0);
  expect(emulator.grpcPort).not.toBe(emulator.port);
  expect(emulator.grpcHostPort).toBe(`127.0.0.1:${emulator.grpcPort}`);
  await overGrpc.createQueue({ parent: PARENT, queue: { name: queuePath('both'), rateLimits: { maxDispatchesPerSecond: 5 } } });
  const [queue] = await overRest.getQueue({ name: queuePath('both') });
  expect(queue.rateLimits?.maxDispatchesPerSecond).toBe(5);
  const [updated] = await overGrpc.updateQueue({
    queue: { name: queuePath('both'), rateLimits: { maxDispatchesPerSecond: 7 } },
    updateMask: { paths: ['rate_limits.max_dispatches_per_second'] },
  });
  expect(updated.rateLimits?.maxDispatchesPerSecond).toBe(7);
  const [task] = await overRest.createTask({
    parent: queuePath('both'),
    task: { httpRequest: { url: 'http://127.0.0.1:9/x', body: Buffer.from('hi') } },
  });
  const [same] = await overGrpc.getTask({ name: task.name!, responseView: 'FULL' });
  expect(Buffer.from(same.httpRequest!.body as Uint8Array).toString()).toBe('hi');
  expect(same.httpRequest?.headers).toEqual({ 'User-Agent': 'Google-Cloud-Tasks' });
});

test('locations over gRPC; IAM methods are UNIMPLEMENTED', async () => {
  const ids = [];
  for await (const location of overGrpc.listLocationsAsync({ name: `projects/${PROJECT}` })) ids.push(location.locationId);
  expect(ids).toContain('us-central1');
  const location = (await overGrpc.getLocation({ name: `projects/${PROJECT}/locations/us-central1` })) as unknown;
  expect(Array.isArray(location) ? location[0] : location).toMatchObject({ locationId: 'us-central1' });
  await expect(overGrpc.getIamPolicy({ resource: queuePath('both') })).rejects.toMatchObject({ code: 12 });
});

test('grpcPort: false serves REST only; the CLI reads --grpc-port', async () => {
  const restOnly = await startEmulator({ port: 0, data: ':memory:', grpcPort: false });
  try {
    expect(restOnly.grpcHostPort).toBeUndefined();
  } finally {
    await restOnly.stop();
  }
  expect(parseCliArgs(['--grpc-port', 'off'], {}, '/tmp')).toMatchObject({ options: { grpcPort: false } });
  expect(parseCliArgs(['--grpc-port', '9124'], {}, '/tmp')).toMatchObject({ options: { grpcPort: 9124 } });
  expect(() => parseCliArgs(['--grpc-port', 'x'], {}, '/tmp')).toThrow(CliUsageError);
});
