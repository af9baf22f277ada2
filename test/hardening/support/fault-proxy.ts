/**
 * A loopback proxy in front of the emulator's REST API that fails CreateTask calls on cue, as
 * Cloud Tasks' front end can: UNAVAILABLE before the call reaches the service, or
 * DEADLINE_EXCEEDED after the service created the task (the ambiguous case). Everything else is
 * passed through unchanged.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type Fault = 'pass' | 'unavailable' | 'deadline-after-create' | 'permission-denied';

export interface FaultProxy {
  hostPort: string;
  /** Faults for the next CreateTask calls, in order; when empty, calls pass. */
  script: Fault[];
  /** Task names (the request's `task.name`, if any) of every CreateTask call seen, in order. */
  createCalls: (string | undefined)[];
  close(): Promise<void>;
}

const googleError = (code: number, status: string, message: string) => JSON.stringify({ error: { code, status, message } });

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(emulatorUrl: string): Promise<FaultProxy> {
  const proxy: Omit<FaultProxy, 'hostPort' | 'close'> = { script: [], createCalls: [] };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const isCreate = req.method === 'POST' && /\/queues\/[^/]+\/tasks$/.test(new URL(req.url!, 'http://x').pathname);
    const fault: Fault = isCreate ? (proxy.script.shift() ?? 'pass') : 'pass';
    if (isCreate) proxy.createCalls.push((JSON.parse(body.toString() || '{}') as { task?: { name?: string } }).task?.name);
    if (fault === 'unavailable')
      return void res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.'));
    if (fault === 'permission-denied')
      return void res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(googleError(403, 'PERMISSION_DENIED', 'The principal lacks IAM permission "cloudtasks.tasks.create"'));
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(emulatorUrl + req.url, {
      method: req.method,
      headers,
      body: ['GET', 'HEAD'].includes(req.method!) ? undefined : new Uint8Array(body),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    // The task now exists; the caller is told the call timed out.
    if (fault === 'deadline-after-create')
      return void res
        .writeHead(504, { 'content-type': 'application/json' })
        .end(googleError(504, 'DEADLINE_EXCEEDED', 'Deadline exceeded'));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return Object.assign(proxy, {
    hostPort: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  });
}
