/**
 * Queue-level routing (httpTarget: uriOverride with its enforce mode, headerOverrides, oidcToken,
 * oauthToken) stored, returned and applied on dispatch; BufferTask; ListLocations and
 * GetLocation; the OIDC discovery document next to the JWKS. @google-cloud/tasks 7.1's v2 protos
 * have neither Queue.httpTarget nor BufferTask (only v2beta3 does), so those go over Cloud Tasks'
 * v2 REST JSON as gcloud sends it; locations and tasks go through the real client.
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { createPublicKey, verify } from 'node:crypto';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi, type EmulatorApi } from './support/emulator-api';
import { emulatorClient, LOCATION, PARENT, PROJECT, queuePath } from './support/client';
import { recordEvents } from './support/events';
import { startTargetServer, type TargetServer } from './support/target-server';

let emulator: EmulatorHandle;
let client: CloudTasksClient;
let target: TargetServer;
let events: ReturnType<typeof recordEvents>;
let api: EmulatorApi;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', location: LOCATION });
  client = await emulatorClient(emulator.hostPort);
  api = emulatorApi(emulator.url);
  events = recordEvents(emulator);
  target = await startTargetServer(() => ({ status: 200 }));
});

afterAll(async () => {
  events.stop();
  await client.close();
  await emulator.stop();
  await target.close();
});

/** The token's claims, once its RS256 signature checks out against the emulator's JWKS. */
async function verifiedClaims(token: string): Promise<Record<string, unknown>> {
  const [head, body, signature] = token.split('.');
  const { keys } = (await (await fetch(`${emulator.url}/oauth2/v3/certs`)).json()) as {
    keys: (import('node:crypto').JsonWebKey & { kid: string })[];
  };
  const { kid } = JSON.parse(Buffer.from(head, 'base64url').toString()) as { kid: string };
  const key = createPublicKey({ key: keys.find((candidate) => candidate.kid === kid)!, format: 'jwk' });
  expect(verify('RSA-SHA256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
  return JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
}

const port = () => Number(new URL(target.url).port);
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

test("httpTarget (ALWAYS): stored, returned, and on dispatch the URL, method, headers and token are the queue's", async () => {
  const name = queuePath('routed');
  const created = await api('POST', `${PARENT}/queues`, {
    name,
    httpTarget: {
      uriOverride: {
        scheme: 'HTTP',
        host: '127.0.0.1',
        port: port(),
        pathOverride: { path: '/routed' },
        queryOverride: { queryParams: 'via=queue' },
      },
      httpMethod: 'PUT',
      headerOverrides: [{ header: { key: 'X-Tenant', value: 'acme' } }],
      oidcToken: { serviceAccountEmail: 'queue@p.iam.gserviceaccount.com', audience: 'https://app.example' },
    },
  });
  expect(created.httpTarget).toMatchObject({
    uriOverride: {
      scheme: 'HTTP',
      host: '127.0.0.1',
      port: String(port()),
      pathOverride: { path: '/routed' },
      uriOverrideEnforceMode: 'ALWAYS',
    },
    httpMethod: 'PUT',
    headerOverrides: [{ header: { key: 'X-Tenant', value: 'acme' } }],
    oidcToken: { serviceAccountEmail: 'queue@p.iam.gserviceaccount.com', audience: 'https://app.example' },
  });
  expect((await api('GET', name)).httpTarget).toEqual(created.httpTarget);
  // The client's v2 protos drop the field, but the queue is the same queue.
  const [got] = await client.getQueue({ name });
  expect(got.name).toBe(name);

  const [task] = await client.createTask({
    parent: name,
    task: {
      httpRequest: {
        url: 'https://elsewhere.example/task-own?x=1',
        httpMethod: 'POST',
        headers: { 'X-Tenant': 'task', 'X-Own': 'kept' },
        oidcToken: { serviceAccountEmail: 'task@p.iam.gserviceaccount.com' },
      },
    },
  });
  await emulator.waitForTask(task.name!, 10_000);
  const request = target.received.find((r) => r.path.startsWith('/routed'))!;
  expect(request.path).toBe('/routed?via=queue');
  expect(request.method).toBe('PUT');
  expect(header(request.headers['x-tenant'])).toBe('acme');
  expect(header(request.headers['x-own'])).toBe('kept');
  const token = header(request.headers.authorization)!.replace(/^Bearer /, '');
  const payload = await verifiedClaims(token);
  expect(payload).toMatchObject({ aud: 'https://app.example', email: 'queue@p.iam.gserviceaccount.com' });
});

test('IF_NOT_EXISTS fills in only what the task lacks; an update mask changes one part', async () => {
  const name = queuePath('fallback');
  await api('POST', `${PARENT}/queues`, {
    name,
    httpTarget: {
      uriOverride: { host: '127.0.0.1', port: port(), pathOverride: { path: '/fallback' }, uriOverrideEnforceMode: 'IF_NOT_EXISTS' },
    },
  });
  // The task's own path and query stay; a task without a URL goes where the queue says.
  const [own] = await client.createTask({ parent: name, task: { httpRequest: { url: `${target.url}/own?keep=1`, httpMethod: 'POST' } } });
  const [bare] = await client.createTask({ parent: name, task: { httpRequest: { httpMethod: 'POST' } } });
  expect(bare.httpRequest?.url).toBe(`https://127.0.0.1:${port()}/fallback`);
  await emulator.waitForTask(own.name!, 10_000);
  expect(target.received.some((r) => r.path === '/own?keep=1')).toBe(true);

  const updated = await api('PATCH', `${name}?updateMask=httpTarget.headerOverrides`, {
    name,
    httpTarget: { headerOverrides: [{ header: { key: 'X-Added', value: '1' } }] },
  });
  expect(updated.httpTarget?.uriOverride?.pathOverride?.path).toBe('/fallback');
  expect(updated.httpTarget?.headerOverrides).toEqual([{ header: { key: 'X-Added', value: '1' } }]);
});

test('a URI override to a host the emulator may not send to is refused at CreateQueue', async () => {
  await expect(
    api('POST', `${PARENT}/queues`, { name: queuePath('metadata'), httpTarget: { uriOverride: { host: '169.254.169.254' } } }),
  ).rejects.toThrow(/400 .*INVALID_ARGUMENT/);
});

test("BufferTask: .../tasks/ID:buffer and .../tasks/:buffer (gcloud) make a task from a body, sent by the queue's routing", async () => {
  const name = queuePath('buffered');
  await api('POST', `${PARENT}/queues`, {
    name,
    httpTarget: { uriOverride: { scheme: 'HTTP', host: '127.0.0.1', port: port(), pathOverride: { path: '/buffered' } } },
  });
  const response = await api('POST', `${name}/tasks/buf-1:buffer`, {
    queue: name,
    taskId: 'buf-1',
    body: { contentType: 'application/json', data: Buffer.from('{"a":1}').toString('base64') },
  });
  expect(response.task?.name).toBe(`${name}/tasks/buf-1`);
  await emulator.waitForTask(response.task!.name!, 10_000);
  const request = target.received.find((r) => r.path === '/buffered')!;
  expect(request.body.toString()).toBe('{"a":1}');
  expect(header(request.headers['content-type'])).toBe('application/json');

  const answer = await fetch(`${emulator.url}/v2/${name}/tasks/:buffer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: { data: Buffer.from('plain').toString('base64') } }),
  });
  expect(answer.status).toBe(200);
  const { task } = (await answer.json()) as { task: { name: string } };
  expect(task.name).toMatch(new RegExp(`^${name}/tasks/\\d+$`));

  await client.createQueue({ parent: PARENT, queue: { name: queuePath('unrouted') } });
  await expect(api('POST', `${queuePath('unrouted')}/tasks:buffer`, { body: { data: 'eA==' } })).rejects.toThrow(
    /400 .*FAILED_PRECONDITION/,
  );
});

test("ListLocations and GetLocation: the emulator's location and those of its queues", async () => {
  await client.createQueue({
    parent: `projects/${PROJECT}/locations/europe-west1`,
    queue: { name: `projects/${PROJECT}/locations/europe-west1/queues/eu` },
  });
  const locations = [];
  for await (const location of client.listLocationsAsync({ name: `projects/${PROJECT}` })) locations.push(location);
  expect(locations.map((location) => location.locationId).sort()).toEqual(['europe-west1', LOCATION].sort());
  const answer = (await client.getLocation({ name: `projects/${PROJECT}/locations/${LOCATION}` })) as unknown;
  const one = Array.isArray(answer) ? answer[0] : answer;
  expect(one).toMatchObject({ name: `projects/${PROJECT}/locations/${LOCATION}`, locationId: LOCATION });
  await expect(client.getLocation({ name: `projects/${PROJECT}/locations/mars-north1` })).rejects.toMatchObject({ code: 5 });
});

test('the OIDC discovery document points at the JWKS that verifies the task tokens', async () => {
  const discovery = (await (await fetch(`${emulator.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  expect(discovery).toMatchObject({ issuer: 'https://cloud-tasks-emulator.local', jwks_uri: `${emulator.url}/oauth2/v3/certs` });
  expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
  const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: unknown[] };
  expect(jwks.keys.length).toBe(1);
});
