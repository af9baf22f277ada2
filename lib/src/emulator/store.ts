/**
 * State on node:sqlite. Every change of a task is one statement (or one transaction) written
 * before the emulator acts on it, in WAL mode: a `kill -9` loses nothing that was acknowledged.
 * synchronous=NORMAL is enough for that (it only risks the last commits on a power loss).
 * The schema and its migrations are store-schema.ts; the tasks table is task-store.ts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { QueueRecord } from './model.js';
import { migrateSchema } from './store-schema.js';
import { TaskStore } from './task-store.js';

export type { StartedTask, StoredTask, TaskCounts } from './task-store.js';

/** What the tasks table needs of the database: statements, transactions, and the names' tombstones. */
export interface StoreDatabase {
  sql(text: string): StatementSync;
  transaction<T>(work: () => T): T;
  isTombstoned(name: string, nowMs: number): boolean;
  /** Keeps the name taken until `untilMs` (a later call moves the date). */
  tombstone(name: string, untilMs: number): void;
}

export class Store implements StoreDatabase {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private inTransaction = false;
  readonly tasks: TaskStore;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    // A checkpoint (WAL into the file, with an fsync) every 20,000 pages (~80 MB) rather than SQLite's 1,000:
    // at fan-out rates a batch of 100 tasks dirties ~100 pages of the name index, and checkpoints
    // were half the cost of BatchCreateTasks. The WAL file is cut back to 64 MB after each one.
    this.db.exec('PRAGMA wal_autocheckpoint = 20000; PRAGMA journal_size_limit = 67108864;');
    migrateSchema(this.db);
    this.tasks = new TaskStore(this);
  }

  close(): void {
    this.db.close();
  }

  sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Runs `work` in one transaction; inside another one, as part of it (a batch of inserts is one commit). */
  transaction<T>(work: () => T): T {
    // A counter, not db.isTransaction: that needs Node 22.16, and the package supports 22.13.
    if (this.inTransaction) return work();
    this.db.exec('BEGIN IMMEDIATE');
    this.inTransaction = true;
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // --- queues ---

  getQueue(name: string): QueueRecord | undefined {
    const row = this.sql('SELECT data FROM queues WHERE name = ?').get(name) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as QueueRecord);
  }

  putQueue(queue: QueueRecord): void {
    this.sql('INSERT INTO queues (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data').run(
      queue.name,
      JSON.stringify(queue),
    );
  }

  /** Queues under `parent` (projects/P/locations/L), by name; all queues without a parent. */
  listQueues(parent?: string): QueueRecord[] {
    const rows = (
      parent === undefined
        ? this.sql('SELECT data FROM queues ORDER BY name').all()
        : this.sql('SELECT data FROM queues WHERE name > ? AND name < ? ORDER BY name').all(`${parent}/queues/`, `${parent}/queues0`)
    ) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as QueueRecord);
  }

  /**
   * Deletes the queue and every task in it (dead letters included), and keeps its name taken
   * until `tombstoneUntilMs` (Cloud Tasks: 7 days); a time at or before now frees it at once.
   */
  deleteQueue(name: string, tombstoneUntilMs = 0): void {
    this.transaction(() => {
      this.sql('DELETE FROM tasks WHERE queue = ?').run(name);
      this.sql('DELETE FROM task_counts WHERE queue = ?').run(name);
      this.sql('DELETE FROM queues WHERE name = ?').run(name);
      if (tombstoneUntilMs > 0) this.tombstone(name, tombstoneUntilMs);
      else this.sql('DELETE FROM tombstones WHERE name = ?').run(name);
    });
  }

  /** Whether the name (a queue's or a task's) is still taken by a deleted one at `nowMs`. */
  isTombstoned(name: string, nowMs: number): boolean {
    const tomb = this.sql('SELECT expires_ms FROM tombstones WHERE name = ?').get(name) as { expires_ms: number } | undefined;
    return tomb !== undefined && tomb.expires_ms > nowMs;
  }

  /** Keeps the name taken until `untilMs` (a later call moves the date). Call inside a transaction. */
  tombstone(name: string, untilMs: number): void {
    this.sql(
      'INSERT INTO tombstones (name, expires_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET expires_ms = excluded.expires_ms',
    ).run(name, untilMs);
  }

  // --- cron jobs (cron.yaml's, with their run state; see cron-scheduler.ts) ---

  getCronJob<T>(name: string): T | undefined {
    const row = this.sql('SELECT data FROM cron_jobs WHERE name = ?').get(name) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as T);
  }

  putCronJob(name: string, job: unknown): void {
    this.sql('INSERT INTO cron_jobs (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data').run(
      name,
      JSON.stringify(job),
    );
  }

  listCronJobs<T>(): T[] {
    return (this.sql('SELECT data FROM cron_jobs ORDER BY name').all() as { data: string }[]).map((row) => JSON.parse(row.data) as T);
  }

  /** Forgets the jobs cron.yaml no longer lists. */
  deleteCronJobsExcept(names: readonly string[]): void {
    const keep = new Set(names);
    for (const { name } of this.sql('SELECT name FROM cron_jobs').all() as { name: string }[]) {
      if (!keep.has(name)) this.sql('DELETE FROM cron_jobs WHERE name = ?').run(name);
    }
  }

  // --- long-running operations (BatchCreateTasks, BatchDeleteTasks; see batch-tasks.ts) ---

  getOperation<T>(name: string): T | undefined {
    const row = this.sql('SELECT data FROM operations WHERE name = ?').get(name) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as T);
  }

  putOperation(name: string, operation: unknown, expiresMs: number): void {
    this.sql('INSERT INTO operations (name, expires_ms, data) VALUES (?, ?, ?)').run(name, expiresMs, JSON.stringify(operation));
  }

  /** Forgets tombstones and operations past their time, so the tables do not grow forever. */
  expireTombstones(nowMs: number): void {
    this.sql('DELETE FROM tombstones WHERE expires_ms <= ?').run(nowMs);
    this.sql('DELETE FROM operations WHERE expires_ms <= ?').run(nowMs);
  }
}
