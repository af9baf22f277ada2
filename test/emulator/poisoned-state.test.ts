/**
 * Tasks no delivery can ever send, written straight into the SQLite state file (as an emulator
 * from before header validation stored them, or a hand edit): a header value with CR/LF, one
 * outside Latin-1, a NUL, a header name with a space, a URL that does not parse, a target at the
 * metadata server. Each once crashed the process with an unhandled ERR_INVALID_CHAR at every
 * start. The built CLI starts on that file, serves, runs the good task, and fails each bad one
 * per its queue's retry config (three attempts, then dead-lettered); a second start is clean.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startEmulator, type TaskRecord } from 'next-cloud-tasks/emulator';
import { sleep } from './support/events';
import { spawnEmulator, type SpawnedEmulator } from './support/spawn-emulator';
import { startTargetServer, type TargetServer } from './support/target-server';

jest.setTimeout(60_000);

const QUEUE = 'projects/dev-project/locations/us-central1/queues/poisoned';
let dir: string;
let file: string;
let target: TargetServer;
let spawned: SpawnedEmulator | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-poison-'));
  file = join(dir, 'state.sqlite');
  target = await startTargetServer();
});

afterAll(async () => {
  await spawned?.stop();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

const POISON: Record<string, Partial<TaskRecord>> = {
  crlf: { headers: { 'X-User': 'a\r\nSet-Cookie: session=stolen' } },
  euro: { headers: { 'X-Price': '5 €' } },
  nul: { headers: { 'X-Nul': 'a\u0000b' } },
  'bad-name': { headers: { 'Bad Name': 'x' } },
  'bad-url': { url: 'not a url' },
  metadata: {
    url: 'http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token',
    headers: { 'Metadata-Flavor': 'Google' },
    oidcToken: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' },
  },
};

function writeTasksByHand(): void {
  const db = new DatabaseSync(file);
  try {
    const insert = db.prepare('INSERT INTO tasks (name, queue, state, schedule_ms, data) VALUES (?, ?, ?, ?, ?)');
    const tasks: [string, Partial<TaskRecord>][] = [...Object.entries(POISON), ['good', {}]];
    tasks.forEach(([id, poison], index) => {
      const task: TaskRecord = {
        name: `${QUEUE}/tasks/${id}`,
        queue: QUEUE,
        // One of them as if the emulator had died in the middle of its attempt.
        state: index === 0 ? 'running' : 'queued',
        url: `${target.url}/${id}`,
        httpMethod: 'POST',
        headers: {},
        scheduleTimeMs: Date.now() - 1000,
        createTimeMs: Date.now() - 1000,
        dispatchDeadlineSeconds: 15,
        dispatchCount: index === 0 ? 1 : 0,
        responseCount: 0,
        executionCount: 0,
        ...poison,
      };
      insert.run(task.name, QUEUE, task.state, task.scheduleTimeMs, JSON.stringify(task));
    });
  } finally {
    db.close();
  }
}

function storedTasks(): Record<string, TaskRecord> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare('SELECT data FROM tasks').all() as { data: string }[];
    return Object.fromEntries(rows.map((row) => JSON.parse(row.data) as TaskRecord).map((task) => [task.name.split('/').pop(), task]));
  } finally {
    db.close();
  }
}

async function waitUntil(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; emulator output:\n${spawned?.output()}`);
    await sleep(50);
  }
}

test('the emulator starts on a state file holding unsendable tasks, serves, and fails each per its retry config', async () => {
  // The queue is made through the API, as a user would; then the tasks are written by hand.
  const first = await startEmulator({ port: 0, data: file });
  const created = await fetch(`${first.url}/v2/${QUEUE.replace(/\/queues\/.*/, '/queues')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: QUEUE, retryConfig: { maxAttempts: 3, minBackoff: '0.1s', maxBackoff: '0.2s' } }),
  });
  expect(created.status).toBe(200);
  await first.stop();
  writeTasksByHand();

  spawned = await spawnEmulator(['--data', file, '--port', '0']);
  const emulator = spawned;
  await target.waitFor(1);
  expect(target.received.map((r) => r.path)).toEqual(['/good']);
  for (const id of Object.keys(POISON))
    await waitUntil(`${id} to be dead-lettered`, () => emulator.output().includes(`dead ${QUEUE}/tasks/${id}: gave up after 3 attempt(s)`));

  // Still alive and serving: the API, the dashboard (which shows the dead letters), the certs.
  await sleep(300);
  expect(emulator.child.exitCode).toBeNull();
  expect((await fetch(`${emulator.url}/v2/${QUEUE}`)).status).toBe(200);
  const page = await (await fetch(`${emulator.url}/`)).text();
  for (const id of Object.keys(POISON)) expect(page).toContain(`data-dead="${id}"`);
  expect(target.received.map((r) => r.path)).toEqual(['/good']);
  expect(emulator.output()).not.toMatch(/unhandled|UnhandledPromiseRejection|^\s+at /m);

  await emulator.stop();
  expect(emulator.child.exitCode).toBe(0);
  const stored = storedTasks();
  for (const id of Object.keys(POISON)) expect(stored[id]).toMatchObject({ state: 'dead', dispatchCount: 3 });
  expect(stored.good).toBeUndefined();
  expect(stored.crlf.lastError).toMatch(
    /the request could not be sent \(ERR_INVALID_CHAR\): Invalid character in header content \["X-User"\]/,
  );
  expect(stored.euro.lastError).toMatch(/ERR_INVALID_CHAR/);
  expect(stored.nul.lastError).toMatch(/ERR_INVALID_CHAR/);
  expect(stored['bad-name'].lastError).toMatch(/ERR_INVALID_HTTP_TOKEN/);
  expect(stored['bad-url'].lastError).toMatch(/the task's URL "not a url" is not a valid URL/);
  expect(stored.metadata.lastError).toMatch(/refused to send: .* a link-local or cloud metadata address/);
  expect(stored.metadata.retryReason).toBe('TARGET_REFUSED');

  // And again: the dead letters stay put, nothing is sent, the emulator serves.
  spawned = await spawnEmulator(['--data', file, '--port', '0']);
  await sleep(500);
  expect(spawned.child.exitCode).toBeNull();
  expect((await fetch(`${spawned.url}/v2/${QUEUE}`)).status).toBe(200);
  expect(target.received).toHaveLength(1);
  await spawned.stop();
  spawned = undefined;
});
