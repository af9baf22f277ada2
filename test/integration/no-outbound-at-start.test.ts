/**
 * The production-mode app makes no outbound connection at start: `next start` of the demo with
 * NODE_ENV=production and a Cloud Run environment (K_SERVICE set, no emulator), its
 * instrumentation running registerDeferred(), listening and answering, and not one connection or
 * name lookup beyond loopback attempted. The server runs with a preload (outbound-guard.cjs) that
 * refuses every such attempt before it leaves the machine and records it, with its stack: no
 * credential lookup, no metadata server (169.254.169.254), no call to Cloud Tasks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startNextServer, type RunningServer } from '../helpers/next-server';

jest.setTimeout(240_000);

const GUARD = join(ROOT, 'test/helpers/outbound-guard.cjs');
const newLog = () => join(mkdtempSync(join(tmpdir(), 'outbound-')), 'attempts.jsonl');
const attempts = (log: string) =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; target: string; stack: string })
    : [];

test('the guard itself: it refuses and records a connection to the metadata server and a lookup of its name, and lets loopback through', () => {
  const log = newLog();
  const script = `
    const net = require('node:net');
    const server = net.createServer((s) => s.on('error', () => {}).end('ok')).listen(0, '127.0.0.1', async () => {
      const outcomes = [];
      const tryConnect = (host, port) => new Promise((resolve) => {
        const socket = net.connect({ host, port });
        socket.on('connect', () => { outcomes.push(host + ' connected'); socket.destroy(); resolve(); });
        socket.on('error', (error) => { outcomes.push(host + ' ' + error.code); resolve(); });
      });
      await tryConnect('169.254.169.254', 80);
      await tryConnect('127.0.0.1', server.address().port);
      await fetch('http://metadata.google.internal./computeMetadata/v1/').then(() => outcomes.push('fetch answered'), () => outcomes.push('fetch refused'));
      server.close();
      console.log(JSON.stringify(outcomes));
    });`;
  const output = execFileSync(process.execPath, ['--require', GUARD, '-e', script], {
    env: { ...process.env, OUTBOUND_GUARD_LOG: log },
    encoding: 'utf8',
  });
  expect(JSON.parse(output)).toEqual(['169.254.169.254 ECONNREFUSED', '127.0.0.1 connected', 'fetch refused']);
  expect(attempts(log).map(({ kind, target }) => `${kind} ${target}`)).toEqual([
    'connect 169.254.169.254:80',
    'connect metadata.google.internal.:80',
  ]);
});

describe('next start, production mode, a Cloud Run environment', () => {
  const log = newLog();
  let app: RunningServer;

  beforeAll(async () => {
    app = await startNextServer({
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${GUARD}`.trim(),
      OUTBOUND_GUARD_LOG: log,
      K_SERVICE: 'next-cloud-tasks-demo',
      GOOGLE_CLOUD_PROJECT: 'my-project',
      CLOUD_TASKS_LOCATION: 'us-central1',
      DEFERRED_SERVICE_URL: 'https://next-cloud-tasks-demo-abc123-uc.a.run.app',
      DEFERRED_SERVICE_ACCOUNT: 'tasks-invoker@my-project.iam.gserviceaccount.com',
      // The guard must see what a real instance would do: no emulator, no stand-ins.
      CLOUD_TASKS_EMULATOR_HOST: '',
      STORAGE_EMULATOR_HOST: '',
      DEFERRED_PAYLOAD_BUCKET: '',
      // The workflow World needs its database here; at start it checks the setting, connects to nothing.
      WORKFLOW_POSTGRES_URL: 'postgres://workflows@10.20.30.40:5432/workflows',
    });
  });
  afterAll(() => app?.stop());

  test('starts, answers, and attempts no connection beyond loopback', async () => {
    expect((await fetch(`${app.url}/api/greetings`)).status).toBe(200);
    // What register() starts without awaiting would show within this time.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(app.process.exitCode).toBeNull();
    const made = attempts(log);
    expect(made.map(({ kind, target, stack }) => `${kind} ${target}\n${stack}`)).toEqual([]);
  });
});
