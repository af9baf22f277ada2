import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleDeferredRequest, type HandlerOptions } from 'next-cloud-tasks';

export interface HandlerServer {
  /** `http://127.0.0.1:<port>`: the app's DEFERRED_SERVICE_URL. */
  url: string;
  close(): Promise<void>;
}

/** Sees each request the server answered, and the handler's answer (its body unread). */
export type HandlerObserver = (request: Request, response: Response) => void;

/**
 * The task handler alone on a loopback port (what a Next route does, without Next), for tests
 * where the emulator dispatches real requests with real tokens to it.
 */
export async function startHandlerServer(options: HandlerOptions, observe?: HandlerObserver): Promise<HandlerServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
      const response = await handleDeferredRequest(request, options);
      observe?.(request, response);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
