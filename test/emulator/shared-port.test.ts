/**
 * One port, two protocols (lib/src/emulator/shared-port.ts): the first bytes of a connection
 * pick HTTP/2 (its client preface) or HTTP/1.x, however the client's writes split them, and the
 * bytes read to decide reach the chosen server.
 */
import { createServer as createHttpServer } from 'node:http';
import { connect as connectHttp2, createServer as createHttp2Server } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { createSharedPort, type SharedPort } from '@/lib/src/emulator/shared-port';

const http1 = createHttpServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => res.end(`http1 ${req.method} ${req.url} ${body}`));
});
const http2 = createHttp2Server();
http2.on('stream', (stream, headers) => {
  stream.respond({ ':status': 200 });
  stream.end(`http2 ${headers[':path']}`);
});
let shared: SharedPort;
let port: number;

beforeAll(async () => {
  shared = createSharedPort({ http1: (socket) => http1.emit('connection', socket), http2: (socket) => http2.emit('connection', socket) });
  await new Promise<void>((resolve) => shared.server.listen(0, '127.0.0.1', resolve));
  port = (shared.server.address() as AddressInfo).port;
});

afterAll(async () => {
  shared.destroyConnections();
  await new Promise((resolve) => shared.server.close(resolve));
});

/** Writes `parts` one by one, a little apart (each its own TCP segment on loopback); resolves with everything read back until the server ends. */
async function exchange(parts: string[]): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  for (const part of parts) {
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await closed;
  return answer;
}

test('HTTP/1.1 requests, pipelined, with bodies', async () => {
  const request = (path: string, body: string) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n${path === '/b' ? 'Connection: close\r\n' : ''}\r\n${body}`;
  const answer = await exchange([request('/a', 'one') + request('/b', 'two')]);
  expect(answer).toContain('http1 POST /a one');
  expect(answer).toContain('http1 POST /b two');
});

test('an HTTP/1.1 request whose first byte looks like the preface, sent a byte at a time', async () => {
  // "P" matches the preface, "U" does not: HTTP/1.x, with every byte read so far.
  const answer = await exchange(['P', 'U', 'T', ' /put HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi']);
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(answer).toContain('http1 PUT /put hi');
});

test('HTTP/2 with prior knowledge, also when the preface arrives in pieces', async () => {
  const session = connectHttp2(`http://127.0.0.1:${port}`);
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': path });
      let text = '';
      stream.on('data', (chunk) => (text += chunk));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
    });
  expect(await Promise.all([get('/x'), get('/y')])).toEqual(['http2 /x', 'http2 /y']);
  session.close();
  // The preface split in three: the switch waits for all of it, then HTTP/2 answers with its SETTINGS frame.
  const raw = await new Promise<Buffer>((resolve) => {
    const socket = connect(port, '127.0.0.1', async () => {
      for (const part of ['PRI * HTTP', '/2.0\r\n\r\nSM', '\r\n\r\n']) {
        socket.write(part);
        await new Promise((wait) => setTimeout(wait, 30));
      }
    });
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk);
    });
  });
  // Frame header: length (3 bytes), type 0x4 = SETTINGS.
  expect(raw[3]).toBe(0x4);
});
