/**
 * One port for REST and gRPC, as clients expect: they are given one address
 * (CLOUD_TASKS_EMULATOR_HOST), and Google's gRPC clients fail against a server that answers in
 * HTTP/1.x ("Trying to connect an http1.x server"). A gRPC client speaks HTTP/2 in cleartext with
 * prior knowledge, so its connection opens with HTTP/2's client preface; an HTTP/1.x request
 * never does (its request line is a method, a path and "HTTP/1.1"). The first bytes of each
 * connection decide which server gets it; the bytes read to decide are handed over with it
 * (node:http and node:http2 both read what is already buffered on the socket first).
 *
 * A web page cannot reach the gRPC side: browsers speak HTTP/2 only over TLS, never in
 * cleartext with prior knowledge, and fetch() cannot send the preface's request line (`PRI *`),
 * so every browser request lands on the HTTP/1.1 server and its guard (request-guard.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';

/** RFC 9113 section 3.4: what an HTTP/2 client sends first on a cleartext connection with prior knowledge. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/**
 * A connection that has sent nothing yet (a browser's speculative preconnect, a client that
 * died) is closed after this long, as node:http would close an idle one.
 */
const FIRST_BYTES_TIMEOUT_MS = 60_000;

export interface ProtocolServers {
  /** HTTP/1.x (REST, the dashboard, the certs, the Storage stand-in): a node:http server that does not listen itself. */
  http1(socket: Socket): void;
  /** HTTP/2 with prior knowledge (gRPC); undefined: gRPC is off, and node:http answers the preface as a bad request. */
  http2?: (socket: Socket) => void;
}

export interface SharedPort {
  server: Server;
  /** Destroys every connection the port accepted, whichever server has it now. */
  destroyConnections(): void;
}

/** How far `bytes` match the preface: 'http2' (all of it), 'maybe' (a prefix of it so far), or 'http1'. */
function protocolOf(bytes: Buffer): 'http2' | 'maybe' | 'http1' {
  const length = Math.min(bytes.length, HTTP2_PREFACE.length);
  if (!bytes.subarray(0, length).equals(HTTP2_PREFACE.subarray(0, length))) return 'http1';
  return bytes.length >= HTTP2_PREFACE.length ? 'http2' : 'maybe';
}

export function createSharedPort(servers: ProtocolServers): SharedPort {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    let received: Buffer = Buffer.alloc(0);
    // Until a server owns the socket, its errors (a reset) only end it.
    const onError = () => socket.destroy();
    const onIdle = () => socket.destroy();
    const onData = (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      const protocol = protocolOf(received);
      if (protocol === 'maybe') return;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('timeout', onIdle);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(received);
      if (protocol === 'http2' && servers.http2) servers.http2(socket);
      else {
        servers.http1(socket);
        // node:http reads the unshifted bytes as a 'data' event: let them flow (node:http2 reads them itself).
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, onIdle);
  });
  return {
    server,
    destroyConnections: () => {
      for (const socket of connections) socket.destroy();
    },
  };
}
