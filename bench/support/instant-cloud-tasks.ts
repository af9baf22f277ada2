/**
 * A stand-in for Cloud Tasks' REST API that answers CreateTask at once: what remains in a
 * measurement is the adapter's own cost and the client's. A task without a URL gets Google's 400,
 * as the real service answers it (the client's warm-up sends one).
 */
import { createServer, type Server } from 'node:http';

export interface InstantCloudTasks {
  host: string;
  close(): Promise<void>;
}

export async function startInstantCloudTasks(): Promise<InstantCloudTasks> {
  let created = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parent = decodeURIComponent(new URL(req.url!, 'http://x').pathname)
        .replace(/^\/v2\//, '')
        .replace(/\/tasks$/, '');
      const url = (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { task?: { httpRequest?: { url?: string } } }).task?.httpRequest
        ?.url;
      if (!url) {
        const error = { code: 400, status: 'INVALID_ARGUMENT', message: 'HttpRequest.url is required' };
        return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      }
      created++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ name: `${parent}/tasks/${created}`, dispatchCount: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
