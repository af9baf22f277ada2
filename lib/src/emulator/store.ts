/**
 * State on node:sqlite. Every change of a task is one statement (or one transaction) written
 * before the emulator acts on it, in WAL mode: a `kill -9` loses nothing that was acknowledged.
 * synchronous=NORMAL is enough for that (it only risks the last commits on a power loss).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ApiError, cloudTasksError } from './api-error.js';
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import type { QueueRecord, TaskRecord, TaskState } from './model.js';

const SCHEMA = `
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
CREATE TABLE IF NOT EXISTS operations (name TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL, data TEXT NOT NULL);
`;

export interface TaskCounts {
  /** Queued and due now. */
  ready: number;
  /** Queued with a schedule time in the future (first attempt or a retry's backoff). */
  scheduled: number;
  running: number;
  dead: number;
}

export interface StoredTask extends TaskRecord {
  /** Insertion order: ties between equal schedule times and list pagination. */
  seq: number;
}

type TaskRow = { seq: number; data: string };

const rowToTask = (row: TaskRow): StoredTask => ({ ...(JSON.parse(row.data) as TaskRecord), seq: row.seq });

export class Store {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private inTransaction = false;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  private sql(text: string): StatementSync {
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

  // --- tasks ---

  /** Throws ALREADY_EXISTS if the name is taken by a task or by a recent one's tombstone. */
  insertTask(task: TaskRecord, nowMs: number): void {
    this.transaction(() => {
      if (this.isTombstoned(task.name, nowMs)) {
        throw cloudTasksError(
          CLOUD_TASKS_ERRORS.taskAlreadyExists,
          `A task named ${task.name} existed too recently: task names stay taken for a while after the task ends; use another name.`,
        );
      }
      const exists = this.sql('SELECT 1 AS one FROM tasks WHERE name = ?').get(task.name);
      if (exists) throw cloudTasksError(CLOUD_TASKS_ERRORS.taskAlreadyExists, `A task named ${task.name} is in the queue already.`);
      this.sql('INSERT INTO tasks (name, queue, state, schedule_ms, data) VALUES (?, ?, ?, ?, ?)').run(
        task.name,
        task.queue,
        task.state,
        task.scheduleTimeMs,
        JSON.stringify(task),
      );
    });
  }

  /**
   * Inserts each task that may be (in one transaction, in order: a name twice in the list is
   * taken by the first); the error of each task that may not, by its index.
   */
  insertTasks(tasks: TaskRecord[], nowMs: number): Map<number, ApiError> {
    const refused = new Map<number, ApiError>();
    this.transaction(() =>
      tasks.forEach((task, index) => {
        try {
          this.insertTask(task, nowMs);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          refused.set(index, error);
        }
      }),
    );
    return refused;
  }

  getTask(name: string): StoredTask | undefined {
    const row = this.sql('SELECT seq, data FROM tasks WHERE name = ?').get(name) as TaskRow | undefined;
    return row && rowToTask(row);
  }

  /** Writes the task back; false if it is gone (deleted or purged while its attempt ran). */
  updateTask(task: TaskRecord): boolean {
    const { seq: _seq, ...record } = task as StoredTask;
    const result = this.sql('UPDATE tasks SET state = ?, schedule_ms = ?, data = ? WHERE name = ?').run(
      task.state,
      task.scheduleTimeMs,
      JSON.stringify(record),
      task.name,
    );
    return Number(result.changes) > 0;
  }

  /** Removes the task and keeps its name taken for `tombstoneMs`. */
  deleteTask(name: string, tombstoneUntilMs: number): boolean {
    return this.transaction(() => {
      const result = this.sql('DELETE FROM tasks WHERE name = ?').run(name);
      this.tombstone(name, tombstoneUntilMs);
      return Number(result.changes) > 0;
    });
  }

  /** Keeps the name taken until `untilMs` (a later call moves the date). Call inside a transaction. */
  private tombstone(name: string, untilMs: number): void {
    this.sql(
      'INSERT INTO tombstones (name, expires_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET expires_ms = excluded.expires_ms',
    ).run(name, untilMs);
  }

  listTasks(queue: string, states: TaskState[], options: { afterSeq?: number; limit?: number } = {}): StoredTask[] {
    const placeholders = states.map(() => '?').join(', ');
    const rows = this.sql(
      `SELECT seq, data FROM tasks WHERE queue = ? AND state IN (${placeholders}) AND seq > ? ORDER BY seq LIMIT ?`,
    ).all(queue, ...states, options.afterSeq ?? 0, options.limit ?? -1) as TaskRow[];
    return rows.map(rowToTask);
  }

  /** Tasks in dispatch order (running first, then by schedule time), for the dashboard. */
  listTasksByEta(queue: string, states: TaskState[], limit: number): StoredTask[] {
    const placeholders = states.map(() => '?').join(', ');
    const rows = this.sql(
      `SELECT seq, data FROM tasks WHERE queue = ? AND state IN (${placeholders}) ORDER BY state = 'running' DESC, schedule_ms, seq LIMIT ?`,
    ).all(queue, ...states, limit) as TaskRow[];
    return rows.map(rowToTask);
  }

  /**
   * Takes up to `limit` due tasks of a queue and marks them running, in one transaction, so
   * that a task is never handed out twice, and a crash leaves it 'running' for `recoverRunning`.
   */
  claimDueTasks(queue: string, nowMs: number, limit: number): StoredTask[] {
    if (limit <= 0) return [];
    return this.transaction(() => {
      const rows = this.sql(
        "SELECT seq, data FROM tasks WHERE queue = ? AND state = 'queued' AND schedule_ms <= ? ORDER BY schedule_ms, seq LIMIT ?",
      ).all(queue, nowMs, limit) as TaskRow[];
      const mark = this.sql("UPDATE tasks SET state = 'running' WHERE seq = ?");
      return rows.map((row) => {
        mark.run(row.seq);
        return { ...rowToTask(row), state: 'running' as const };
      });
    });
  }

  nextScheduleMs(queue: string): number | undefined {
    const row = this.sql("SELECT MIN(schedule_ms) AS next FROM tasks WHERE queue = ? AND state = 'queued'").get(queue) as
      { next: number | null } | undefined;
    return row?.next ?? undefined;
  }

  /**
   * At start: attempts that were in flight when the process died never reported back, so their
   * tasks go back to queued and are dispatched again (at-least-once, as Cloud Tasks promises).
   */
  recoverRunning(): number {
    const rows = this.sql("SELECT seq, data FROM tasks WHERE state = 'running'").all() as TaskRow[];
    this.transaction(() => {
      for (const row of rows) {
        const task = { ...(JSON.parse(row.data) as TaskRecord), state: 'queued' as const };
        this.sql('UPDATE tasks SET state = ?, data = ? WHERE seq = ?').run('queued', JSON.stringify(task), row.seq);
      }
    });
    return rows.length;
  }

  /** Deletes (and tombstones) the queue's queued and running tasks created at or before `beforeMs`. */
  purgeTasks(queue: string, beforeMs: number, tombstoneUntilMs: number): number {
    return this.transaction(() => {
      const rows = this.sql("SELECT name, data FROM tasks WHERE queue = ? AND state IN ('queued', 'running')").all(queue) as {
        name: string;
        data: string;
      }[];
      let purged = 0;
      for (const row of rows) {
        if ((JSON.parse(row.data) as TaskRecord).createTimeMs > beforeMs) continue;
        this.sql('DELETE FROM tasks WHERE name = ?').run(row.name);
        this.tombstone(row.name, tombstoneUntilMs);
        purged += 1;
      }
      return purged;
    });
  }

  countTasks(queue: string, nowMs: number): TaskCounts {
    const rows = this.sql('SELECT state, schedule_ms <= ? AS due, COUNT(*) AS n FROM tasks WHERE queue = ? GROUP BY state, due').all(
      nowMs,
      queue,
    ) as { state: TaskState; due: number; n: number }[];
    const counts: TaskCounts = { ready: 0, scheduled: 0, running: 0, dead: 0 };
    for (const { state, due, n } of rows) {
      if (state === 'queued') counts[due ? 'ready' : 'scheduled'] += n;
      else counts[state] += n;
    }
    return counts;
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
