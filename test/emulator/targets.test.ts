/**
 * Where the emulator sends tasks: loopback and the hosts the developer names, never link-local
 * or cloud metadata addresses (tasks carry an OIDC token the emulator signed, and their own
 * headers, `Metadata-Flavor: Google` included). Refused at CreateTask with the flag to use, and
 * again at each delivery on what DNS answers then.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle, type TaskRecord } from 'next-cloud-tasks/emulator';
import { sendAttempt } from '@/lib/src/emulator/attempt';
import { TargetPolicy } from '@/lib/src/emulator/target-policy';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;
const QUEUE = queuePath('targets');

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', allowedTargetHosts: ['app.internal', '192.168.7.7'] });
  client = await emulatorClient(emulator.hostPort);
  target = await startTargetServer();
  await client.createQueue({ parent: PARENT, queue: { name: QUEUE } });
  await client.pauseQueue({ name: QUEUE });
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
  await target?.close();
});

async function createError(url: string): Promise<{ code: number; message: string }> {
  try {
    await client.createTask({
      parent: QUEUE,
      task: {
        httpRequest: { url, headers: { 'Metadata-Flavor': 'Google' }, oidcToken: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' } },
      },
    });
  } catch (error) {
    return error as { code: number; message: string };
  }
  throw new Error(`CreateTask accepted ${url}`);
}

const NEVER = [
  'http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token',
  'http://169.254.170.2/v2/credentials',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.google.internal./computeMetadata/v1/',
  'http://metadata/computeMetadata/v1/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[fe80::1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://2852039166/', // 169.254.169.254 as one number
  'http://0xa9.0xfe.0xa9.0xfe/',
  'http://100.100.100.200/latest/meta-data/',
];

test.each(NEVER)('%s is refused at create (INVALID_ARGUMENT), flag or not', async (url) => {
  const error = await createError(url);
  expect(error.code).toBe(3);
  expect(error.message).toMatch(
    /task\.httpRequest\.url .* a link-local or cloud metadata address: the emulator never sends there, even when named with --allow-target-host/,
  );
});

test.each([
  'http://10.0.0.5:3000/_ah/queue/deferred/x',
  'https://example.com/hook',
  'http://app.internal.evil.example/',
  'http://0.0.0.0:3000/',
  'http://192.168.7.8/',
])('%s (not loopback, not named) is refused at create, naming the flag and the variable', async (url) => {
  const error = await createError(url);
  expect(error.code).toBe(3);
  const host = new URL(url).hostname;
  expect(error.message).toContain(`targets ${host}, which is not loopback`);
  expect(error.message).toContain(`Start it with --allow-target-host ${host} (or CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS=${host})`);
});

test.each([
  'http://127.0.0.1:3000/x',
  'http://127.5.6.7/x',
  'http://localhost:3000/x',
  'http://[::1]:3000/x',
  'http://app.localhost/x',
  'http://app.internal:8080/x',
  'http://APP.internal./x',
  'http://192.168.7.7/x',
])('%s (loopback or named) is accepted', async (url) => {
  const [task] = await client.createTask({ parent: QUEUE, task: { httpRequest: { url } } });
  expect(task.httpRequest?.url).toBe(url);
  await client.deleteTask({ name: task.name! });
});

test('a link-local or metadata host given as an allowed host stops the start, naming the option', async () => {
  await expect(startEmulator({ port: 0, data: ':memory:', allowedTargetHosts: ['metadata.google.internal'] })).rejects.toThrow(
    /--allow-target-host \/ CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS: "metadata.google.internal" is a link-local or cloud metadata address/,
  );
  await expect(startEmulator({ port: 0, data: ':memory:', allowedTargetHosts: ['169.254.169.254'] })).rejects.toThrow(
    /link-local or cloud metadata/,
  );
});

describe('at delivery, the name is resolved again and the connection goes to the checked address', () => {
  const agents = { http: new http.Agent(), https: new https.Agent() };
  afterAll(() => {
    agents.http.destroy();
    agents.https.destroy();
  });

  /** A resolver whose answer the test changes, as a rebinding DNS server would. */
  function resolverAnswering(addresses: () => string[]) {
    const asked: string[] = [];
    const resolve = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
      asked.push(hostname);
      callback(
        null,
        addresses().map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
    return { resolve, asked };
  }

  const task = (url: string): TaskRecord => ({
    name: `${QUEUE}/tasks/t`,
    queue: QUEUE,
    state: 'running',
    url,
    httpMethod: 'POST',
    headers: { 'Metadata-Flavor': 'Google' },
    scheduleTimeMs: 0,
    createTimeMs: 0,
    dispatchDeadlineSeconds: 5,
    dispatchCount: 1,
    responseCount: 0,
    executionCount: 0,
  });
  const port = () => new URL(target.url).port;
  const headers = { 'Content-Length': '0', Authorization: 'Bearer signed-by-the-emulator' };

  test('a named host that resolves to loopback is reached; once DNS says 169.254.169.254, nothing is sent', async () => {
    let answer = ['127.0.0.1'];
    const dns = resolverAnswering(() => answer);
    const targets = new TargetPolicy(['rebind.test'], dns.resolve);
    const before = target.received.length;
    const first = await sendAttempt(task(`http://rebind.test:${port()}/first`), headers, undefined, { agents, targets }).done;
    expect(first).toMatchObject({ status: 200, reason: 'HTTP_200' });
    expect(target.received.length).toBe(before + 1);

    answer = ['169.254.169.254'];
    const second = await sendAttempt(task(`http://rebind.test:${port()}/second`), headers, undefined, {
      agents: { http: new http.Agent(), https: agents.https },
      targets,
    }).done;
    expect(second.reason).toBe('TARGET_REFUSED');
    expect(second.detail).toMatch(/rebind\.test resolves to 169\.254\.169\.254, a link-local or cloud metadata address/);
    // One bad address among good ones is enough to refuse.
    answer = ['127.0.0.1', 'fe80::1'];
    const third = await sendAttempt(task(`http://rebind.test:${port()}/third`), headers, undefined, {
      agents: { http: new http.Agent(), https: agents.https },
      targets,
    }).done;
    expect(third.reason).toBe('TARGET_REFUSED');
    expect(dns.asked).toEqual(['rebind.test', 'rebind.test', 'rebind.test']);
    expect(target.received.length).toBe(before + 1);
  });

  test('a *.localhost name is reached only when it resolves to loopback', async () => {
    const dns = resolverAnswering(() => ['10.1.2.3']);
    const targets = new TargetPolicy([], dns.resolve);
    const result = await sendAttempt(task(`http://app.localhost:${port()}/x`), headers, undefined, { agents, targets }).done;
    expect(result.reason).toBe('TARGET_REFUSED');
    expect(result.detail).toMatch(
      /app\.localhost resolves to 10\.1\.2\.3, which is not loopback; name it with --allow-target-host app\.localhost/,
    );
  });

  test('a task stored before the policy, aimed elsewhere, is refused at delivery without a connection', async () => {
    const dns = resolverAnswering(() => ['127.0.0.1']);
    const targets = new TargetPolicy([], dns.resolve);
    const result = await sendAttempt(task('http://169.254.169.254/computeMetadata/v1/'), headers, undefined, { agents, targets }).done;
    expect(result).toEqual({
      reason: 'TARGET_REFUSED',
      detail: expect.stringMatching(/^refused to send: http:\/\/169\.254\.169\.254\/computeMetadata\/v1\/ targets 169\.254\.169\.254/),
    });
    const elsewhere = await sendAttempt(task('http://10.0.0.5/x'), headers, undefined, { agents, targets }).done;
    expect(elsewhere.reason).toBe('TARGET_REFUSED');
    expect(dns.asked).toEqual([]);
  });
});
