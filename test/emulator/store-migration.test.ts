/**
 * A state file written by an emulator before the task counts and the ListTasks index
 * (user_version 0) opens in this one: migrated in place, its tasks counted, listed, dispatched
 * after a crash, and its counts kept right by every later change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Store } from '@/lib/src/emulator/store';

const QUEUE = 'projects/p/locations/us-central1/queues/old';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-migration-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The schema and rows as the emulator wrote them before user_version 2. */
function writeOldFile(file: string, nowMs: number): void {
  const db = new DatabaseSync(file);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE queues (name TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE tasks (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, queue TEXT NOT NULL,
      state TEXT NOT NULL, schedule_ms INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE INDEX tasks_by_queue ON tasks (queue, state, schedule_ms, seq);
    CREATE TABLE tombstones (name TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL);
    CREATE TABLE cron_jobs (name TEXT PRIMARY KEY, data TEXT NOT NULL);
  `);
  const insert = db.prepare('INSERT INTO tasks (name, queue, state, schedule_ms, data) VALUES (?, ?, ?, ?, ?)');
  const rows: [string, 'queued' | 'running' | 'dead', number][] = [
    ['due-1', 'queued', nowMs - 1000],
    ['due-2', 'queued', nowMs - 500],
    ['later', 'queued', nowMs + 3600_000],
    ['in-flight', 'running', nowMs - 2000],
    ['gave-up', 'dead', nowMs - 9000],
  ];
  for (const [id, state, scheduleMs] of rows) {
    const name = `${QUEUE}/tasks/${id}`;
    const task = { name, queue: QUEUE, state, url: 'http://127.0.0.1:9/x', httpMethod: 'POST', headers: {}, scheduleTimeMs: scheduleMs };
    insert.run(name, QUEUE, state, scheduleMs, JSON.stringify({ ...task, createTimeMs: nowMs - 10_000, dispatchCount: 0 }));
  }
  db.close();
}

test('an old state file is migrated: counts, lists, recovery and later changes', () => {
  const file = join(dir, 'state.sqlite');
  const nowMs = Date.now();
  writeOldFile(file, nowMs);
  const store = new Store(file);
  try {
    expect(store.tasks.count(QUEUE, nowMs)).toEqual({ ready: 2, scheduled: 1, running: 1, dead: 1 });
    expect(store.tasks.list(QUEUE).map((task) => task.name.split('/').pop())).toEqual(['due-1', 'due-2', 'later', 'in-flight']);
    expect(store.tasks.recoverRunning()).toBe(1);
    expect(store.tasks.count(QUEUE, nowMs)).toEqual({ ready: 3, scheduled: 1, running: 0, dead: 1 });
    store.tasks.delete(`${QUEUE}/tasks/due-1`, nowMs + 60_000);
    expect(store.tasks.count(QUEUE, nowMs)).toEqual({ ready: 2, scheduled: 1, running: 0, dead: 1 });
    expect(store.tasks.listByEta(QUEUE, ['running', 'queued'], 2).map((task) => task.name.split('/').pop())).toEqual([
      'in-flight',
      'due-2',
    ]);
  } finally {
    store.close();
  }
  // Opened again: already at the current version, nothing migrated twice.
  const again = new Store(file);
  try {
    expect(again.tasks.count(QUEUE, nowMs)).toEqual({ ready: 2, scheduled: 1, running: 0, dead: 1 });
  } finally {
    again.close();
  }
  const db = new DatabaseSync(file);
  expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
  db.close();
});
