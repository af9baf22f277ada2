/**
 * A loopback proxy in front of a Cloud Tasks endpoint (the emulator), for what a network does to
 * a client: it sees every call, and a test may answer one itself, forward it and change or lose
 * the answer (the call ran, the client heard UNAVAILABLE), or change the request on its way.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  body: Buffer;
  /** The body as JSON, when it is. */
  json?: any;
}

export interface ProxiedResponse {
  status: number;
  body: Buffer | string | object;
}

/** Decides a call's answer: `forward(request?)` sends it (or a changed one) on and resolves with the endpoint's answer. */
export type ProxyRule = (
  request: ProxiedRequest,
  forward: (request?: ProxiedRequest) => Promise<ProxiedResponse & { json?: any }>,
) => Promise<ProxiedResponse>;

export interface FaultProxy {
  /** `host:port`, for CLOUD_TASKS_EMULATOR_HOST. */
  hostPort: string;
  /** Every call that came in, in order. */
  seen: ProxiedRequest[];
  /** The rule for calls from now on (the default forwards everything untouched). */
  rule: ProxyRule;
  close(): Promise<void>;
}

const passThrough: ProxyRule = (_request, forward) => forward();

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const proxy: FaultProxy = { hostPort: '', seen: [], rule: passThrough, close: async () => {} };
  const forward = async (request: ProxiedRequest) => {
    const body = request.json !== undefined ? Buffer.from(JSON.stringify(request.json)) : request.body;
    const response = await fetch(`${targetUrl}${request.path}`, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.method === 'GET' || request.method === 'DELETE' || !body ? undefined : new Uint8Array(body),
    });
    const text = Buffer.from(await response.arrayBuffer());
    let json: unknown;
    try {
      json = JSON.parse(text.toString());
    } catch {
      json = undefined;
    }
    return { status: response.status, body: text, json };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      try {
        request.json = body.length ? JSON.parse(body.toString()) : undefined;
      } catch {
        request.json = undefined;
      }
      proxy.seen.push(request);
      try {
        const answer = await proxy.rule(request, (changed) => forward(changed ?? request));
        const payload = Buffer.isBuffer(answer.body) || typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(payload);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** Google's error envelope, as a proxy rule answers it. */
export const googleError = (code: number, status: string, message: string): ProxiedResponse => ({
  status: code,
  body: { error: { code, status, message } },
});
