/**
 * SIGTERM to a real `next start`, as Cloud Run sends it: two tasks are in flight (their bodies
 * only half sent, so they are held inside the handler), then the signal. The one whose body
 * arrives within the grace period runs and gets 200; the one that never completes is answered
 * 503 when the grace period ends (Cloud Tasks retries it); the server then exits on its own,
 * well inside Cloud Run's 10 s.
 */
import { connect, type Socket } from 'node:net';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import type { RunningServer } from '../helpers/next-server';
import { startSignedApp, type SignedApp } from '../helpers/signed-app';

jest.setTimeout(240_000);

const GRACE_MS = 2000;
let signed: SignedApp;
let app: RunningServer;
let token: string;

beforeAll(async () => {
  signed = await startSignedApp({
    env: {
      DEFERRED_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
  });
  app = signed.app;
  token = await signed.token();
});

afterAll(async () => {
  await signed?.stop();
});

/** A task request on its own connection with only the first half of its body sent. */
function halfSentTask(taskName: string, name: string): { socket: Socket; rest: Buffer; response: Promise<string> } {
  const body = Buffer.from(encodeEnvelope('demo.greet', [name, new Date()]));
  const head = [
    'POST /_ah/queue/deferred/demo.greet HTTP/1.1',
    `Host: 127.0.0.1:${app.port}`,
    `Authorization: Bearer ${token}`,
    'Content-Type: application/json',
    `X-CloudTasks-TaskName: ${taskName}`,
    'X-CloudTasks-QueueName: default',
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const socket = connect(app.port, '127.0.0.1');
  let text = '';
  const response = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => {
      text += chunk;
      if (/\r\n\r\n/.test(text)) resolve(text);
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
  const half = Math.floor(body.length / 2);
  socket.write(head);
  socket.write(body.subarray(0, half));
  return { socket, rest: body.subarray(half), response };
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGTERM: a task that can finish does (200), one that cannot is answered 503 at the grace deadline, then the server exits', async () => {
  // A whole signed task first: the route's modules, the certs fetch and the RS256 path are warm,
  // so both half-sent requests are inside the handler, waiting for their bodies, well before the
  // signal even on a loaded machine (an unsigned warm-up stopped at the 401 and left the certs
  // fetch to the first held request).
  const warm = await fetch(`${app.url}/_ah/queue/deferred/demo.greet`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: encodeEnvelope('demo.greet', ['DrainWarmup', new Date()]),
  });
  expect(warm.status).toBe(200);
  const finishing = halfSentTask('drain-finishes', 'DrainFinishes');
  const stuck = halfSentTask('drain-stuck', 'DrainStuck');
  await sleep(500);

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    app.process.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const signalledAt = Date.now();
  app.process.kill('SIGTERM');
  await sleep(300);
  finishing.socket.write(finishing.rest);

  expect(statusOf(await finishing.response)).toBe(200);
  const stuckAnswer = await stuck.response;
  const stuckAt = Date.now() - signalledAt;
  expect(statusOf(stuckAnswer)).toBe(503);
  expect(stuckAnswer).toMatch(/x-deferred-outcome: shutting-down/i);
  expect(stuckAt).toBeGreaterThanOrEqual(GRACE_MS - 100);

  const { code, signal } = await exited;
  const exitedAt = Date.now() - signalledAt;
  expect(exitedAt).toBeLessThan(GRACE_MS + 3000);
  expect(code === 143 || signal === 'SIGTERM').toBe(true);

  const output = app.output();
  expect(output).toMatch(/"message":"task success: demo.greet".*"name":"drain-finishes"/);
  expect(output).not.toMatch(/"message":"task success: demo.greet".*"name":"drain-stuck"/);
  expect(output).toMatch(/task cut short by shutdown.*drain-stuck/);
  finishing.socket.destroy();
  stuck.socket.destroy();
});
