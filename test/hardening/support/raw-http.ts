import { connect } from 'node:net';

export interface RawResponse {
  /** Status codes of every response on the connection, in order (a smuggled second request shows up here). */
  statuses: number[];
  text: string;
}

/**
 * Writes bytes to a fresh TCP connection as they are (so requests can lie about their length,
 * send both Content-Length and Transfer-Encoding, or never end) and collects what comes back
 * until the server closes or `timeoutMs` passes.
 */
export function rawHttp(port: number, parts: (string | Buffer)[], timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1])), text });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', async () => {
      for (const part of parts) {
        // Stop writing once the server has answered (or closed): that is the behaviour under test,
        // and bytes written after its close make the kernel reset the connection, which can
        // discard the answer before it is read (seen under load as an empty status list).
        if (socket.destroyed || text) return;
        await new Promise<void>((done) => socket.write(part, () => done()));
      }
    });
  });
}
