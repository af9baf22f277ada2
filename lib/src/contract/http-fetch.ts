import http from 'node:http';
import https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';

/** What gaxios hands a `fetchImplementation`: fetch's init, plus node-fetch's `agent` (google-gax sets one, gaxios one for a proxy or a client certificate). */
export type HttpFetchInit = RequestInit & { agent?: http.Agent | ((url: URL) => http.Agent) };

/** Kept-alive connections for requests that bring no agent of their own. */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

const DECODERS: Record<string, (() => NodeJS.ReadWriteStream) | undefined> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

function agentFor(url: URL, agent: HttpFetchInit['agent']): http.Agent | undefined {
  if (typeof agent === 'function') return agent(url);
  return agent ?? AGENTS[url.protocol as keyof typeof AGENTS];
}

/**
 * The body as node:http sends it. Strings, bytes and Node streams go as they are (the Cloud Tasks
 * calls); anything else fetch takes (a token request's URLSearchParams, a Blob) is encoded as
 * fetch encodes it, with fetch's content type unless one is set.
 */
async function requestBody(
  body: RequestInit['body'],
  headers: Record<string, string>,
): Promise<string | Uint8Array | Readable | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return body;
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  if (type && !headers['content-type']) headers['content-type'] = type;
  return new Uint8Array(await encoded.arrayBuffer());
}

/** The response's bytes, decoded if the server compressed them. */
async function readBody(response: http.IncomingMessage): Promise<Buffer> {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decoder = DECODERS[encoding];
  // pipeline, not pipe: an answer cut short fails the decoder too, instead of leaving it waiting.
  const stream = decoder ? pipeline(response, decoder(), () => {}) : response;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toResponse(response: http.IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const status = response.statusCode ?? 500;
  // A 204 or 304 has no body, and the Response constructor refuses one.
  const empty = status === 204 || status === 304 || body.length === 0;
  // A Buffer's memory is an ArrayBuffer (maybe Node's shared pool), never a SharedArrayBuffer; Response copies the view.
  const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
  return new Response(empty ? null : bytes, { status, statusText: response.statusMessage, headers });
}

/**
 * `fetch` over node:http and node:https, for the Cloud Tasks client's REST calls (google-auth-library's
 * `transporterOptions.fetchImplementation`). Why not the global fetch (undici): a Next server has
 * node:http loaded and warm (it serves with it), and its parser is native, where undici's first
 * request compiles its WebAssembly parser and runs its connection code cold; that first request
 * is what the first defer() after a start paid (docs/transport.md). Looked up at call time
 * (`http.request`, not a copy), so msw's interceptor, installed later by a test, sees every call.
 * Unary calls only: the whole answer is read before it returns, and redirects are returned, not
 * followed (Cloud Tasks' API sends none).
 */
export async function httpFetch(input: string | URL | Request, init: HttpFetchInit = {}): Promise<Response> {
  if (input instanceof Request) throw new TypeError('httpFetch takes a URL and an init, not a Request');
  const url = new URL(input);
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) throw new TypeError(`httpFetch speaks http: and https:, not ${url.protocol} (${url.href})`);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const body = await requestBody(init.body, headers);
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(url, {
      method: init.method ?? 'GET',
      headers,
      agent: agentFor(url, init.agent),
      signal: init.signal ?? undefined,
    });
    // As fetch does, an aborted call rejects with the signal's reason (a deadline's TimeoutError).
    const fail = (error: unknown) => reject(init.signal?.aborted ? init.signal.reason : error);
    request.on('error', fail);
    request.once('response', (response) => {
      readBody(response).then((bytes) => resolve(toResponse(response, bytes)), fail);
    });
    if (body instanceof Readable) body.pipe(request);
    else request.end(body);
  });
}
