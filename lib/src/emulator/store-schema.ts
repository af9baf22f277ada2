/**
 * The SQLite schema of the emulator's state file, and its migrations: a data file made by an
 * older emulator is brought up to date at open (PRAGMA user_version says how far it is), so tasks
 * survive an upgrade as they survive a restart.
 *
 * With a million tasks queued, a page of the dashboard or of ListTasks must not read them all:
 * - counts per queue and state are kept by triggers in `task_counts`, in the transaction that
 *   changes a task, instead of a GROUP BY over the tasks;
 * - `tasks_by_queue` (queue, state, schedule_ms, seq) serves the dispatcher's claim, the next
 *   schedule time and the dashboard's lists in ETA order with LIMIT-ed index scans;
 * - `tasks_by_queue_seq` (queue, seq) serves ListTasks' pages in creation order.
 */
import type { DatabaseSync } from 'node:sqlite';

const VERSION_1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  state TEXT NOT NULL,
  schedule_ms INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_queue ON tasks (queue, state, schedule_ms, seq);
CREATE TABLE IF NOT EXISTS tombstones (name TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cron_jobs (name TEXT PRIMARY KEY, data TEXT NOT NULL);
`;

const VERSION_2 = `
CREATE TABLE IF NOT EXISTS operations (name TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_by_queue_seq ON tasks (queue, seq);
CREATE TABLE task_counts (queue TEXT NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (queue, state)) WITHOUT ROWID;
INSERT INTO task_counts (queue, state, n) SELECT queue, state, COUNT(*) FROM tasks GROUP BY queue, state;
CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;
CREATE TRIGGER task_counts_update AFTER UPDATE OF queue, state ON tasks
  WHEN old.queue IS NOT new.queue OR old.state IS NOT new.state BEGIN
  UPDATE task_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
  INSERT INTO task_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;
`;

/** Each step takes a file from the version before it to its own; index + 1 is the version. */
const MIGRATIONS = [VERSION_1, VERSION_2];

/** Creates the schema in a new file, or migrates an older one, in one transaction. */
export function migrateSchema(db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  // A file of the first emulators has tables but user_version 0: VERSION_1's IF NOT EXISTS keeps them.
  if (version >= MIGRATIONS.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
