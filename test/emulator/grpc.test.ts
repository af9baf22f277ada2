/**
 * The gRPC side beyond the conformance suite (test/conformance/grpc.test.ts): locations and the
 * methods the emulator does not have over gRPC, a gRPC client and a REST client on the one port
 * seeing one store, the CLI's --grpc-port (a port of its own), and REST only when it is off.
 */
import http2 from 'node:http2';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { CliUsageError, parseCliArgs } from '@/lib/src/cli/emulator-options';
import { emulatorClient, grpcClientOptions, PARENT, PROJECT, queuePath } from './support/client';

let emulator: EmulatorHandle;
let overGrpc: CloudTasksClient;
let overRest: CloudTasksClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:' });
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  overGrpc = new CloudTasksClient(grpcClientOptions(emulator));
  overRest = await emulatorClient(emulator.hostPort);
});

afterAll(async () => {
  await overGrpc.close();
  await overRest.close();
  await emulator.stop();
});

test('gRPC and REST on the one port, printed in the handle; one store behind both transports', async () => {
  expect(emulator.grpcPort).toBe(emulator.port);
  expect(emulator.grpcHostPort).toBe(emulator.hostPort);
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

test('grpcPort: a port of its own as well; the one port keeps serving both', async () => {
  const apart = await startEmulator({ port: 0, data: ':memory:', grpcPort: 0 });
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  const connect = (port: number) => new CloudTasksClient(grpcClientOptions({ host: apart.host, port }));
  const [own, shared] = [connect(apart.grpcPort!), connect(apart.port)];
  try {
    expect(apart.grpcPort).toBeGreaterThan(0);
    expect(apart.grpcPort).not.toBe(apart.port);
    expect(apart.grpcHostPort).toBe(`127.0.0.1:${apart.grpcPort}`);
    await own.createQueue({ parent: PARENT, queue: { name: queuePath('apart') } });
    const [queue] = await shared.getQueue({ name: queuePath('apart') });
    expect(queue.name).toBe(queuePath('apart'));
    expect((await fetch(`${apart.url}/v2/${queuePath('apart')}`)).status).toBe(200);
  } finally {
    await Promise.all([own.close(), shared.close()]);
    await apart.stop();
  }
});

test('grpcPort: false serves REST only; a gRPC client gets no HTTP/2 answer; the CLI reads --grpc-port', async () => {
  const restOnly = await startEmulator({ port: 0, data: ':memory:', grpcPort: false });
  try {
    expect(restOnly.grpcHostPort).toBeUndefined();
    // HTTP/2's preface reaches node:http, which answers it as a bad HTTP/1.1 request.
    const session = http2.connect(restOnly.url);
    const failed = await new Promise<Error>((resolve) => session.once('error', resolve));
    session.destroy();
    expect(failed.message).toMatch(/protocol error/i);
    expect((await fetch(`${restOnly.url}/v2/${PARENT}/queues`)).status).toBe(200);
  } finally {
    await restOnly.stop();
  }
  expect(parseCliArgs(['--grpc-port', 'off'], {}, '/tmp')).toMatchObject({ options: { grpcPort: false } });
  expect(parseCliArgs(['--grpc-port', '9124'], {}, '/tmp')).toMatchObject({ options: { grpcPort: 9124 } });
  expect(() => parseCliArgs(['--grpc-port', 'x'], {}, '/tmp')).toThrow(CliUsageError);
});
