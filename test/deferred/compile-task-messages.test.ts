/**
 * registerDeferred's prewarm compiles the converters of the messages a CreateTask carries, for
 * the client defer() uses, without sending anything; and the client then creates tasks as before.
 */
import { createServer, type Server } from 'node:http';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { loadCloudTasksClient } from '@/lib/src/enqueue/cloud-tasks-transport';
import { processState } from '@/lib/src/runtime/process-state';

interface MessageType {
  name: string;
  fieldsArray: { resolvedType?: unknown }[];
  fromObject(value: object): unknown;
  setup?(): unknown;
}
type Protos = { lookupType(name: string): MessageType };

let server: Server;
let host: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"projects/p/locations/l/queues/q/tasks/1"}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Every message type reachable from `root`, itself included. */
function reachable(root: MessageType): MessageType[] {
  const found = new Set<MessageType>();
  const walk = (type: MessageType) => {
    if (found.has(type) || typeof type.setup !== 'function') return;
    found.add(type);
    for (const field of type.fieldsArray) if (field.resolvedType) walk(field.resolvedType as MessageType);
  };
  walk(root);
  return [...found];
}

/** protobufjs' setup puts the generated converters on the type itself, over the prototype's first-use stubs. */
const compiled = (type: MessageType) => Object.prototype.hasOwnProperty.call(type, 'fromObject');

test('loadCloudTasksClient compiles CreateTask’s messages for the shared client, sending nothing; the client then works', async () => {
  await loadCloudTasksClient(host);
  const clients = processState('cloud-tasks-clients', () => new Map<string, Promise<unknown>>());
  const client = (await clients.get(`v2 ${host}`)) as CloudTasksClient;
  const protos = (client as unknown as { _protos: Protos })._protos;
  const types = ['google.cloud.tasks.v2.CreateTaskRequest', 'google.cloud.tasks.v2.Task'].flatMap((name) =>
    reachable(protos.lookupType(name)),
  );
  expect(types.map((t) => t.name)).toEqual(
    expect.arrayContaining(['CreateTaskRequest', 'Task', 'HttpRequest', 'OidcToken', 'Timestamp', 'Duration']),
  );
  expect(types.filter((t) => !compiled(t)).map((t) => t.name)).toEqual([]);
  // A type no CreateTask carries is left to protobufjs' first use.
  expect(compiled(protos.lookupType('google.cloud.tasks.v2.Queue'))).toBe(false);
  expect(requests).toEqual([]);

  const [created] = await client.createTask({
    parent: 'projects/p/locations/l/queues/q',
    task: { httpRequest: { url: 'https://app.example.com/x', oidcToken: { serviceAccountEmail: 'a@p.iam.gserviceaccount.com' } } },
  });
  expect(created.name).toBe('projects/p/locations/l/queues/q/tasks/1');
  expect(requests).toEqual([expect.stringMatching(/^POST \/v2\/projects\/p\/locations\/l\/queues\/q\/tasks/)]);
  await client.close();
});
