/**
 * The tasks table. Every change of a task is one statement, or one transaction, written before
 * the emulator acts on it. The queries a page or a dispatch round makes are LIMIT-ed scans of
 * an index (store-schema.ts), so they cost the same with ten tasks queued or a million.
 *
 * An attempt in flight keeps the row's `data` as it wrote it when the attempt started; its
 * outcome is written only if the row is still exactly that (compare and swap), so a task
 * deleted, purged or replayed meanwhile is left alone, without reading it back first.
 */
import { ApiError, cloudTasksError } from './api-error.js';
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import type { TaskRecord, TaskState } from './model.js';
import type { StoreDatabase } from './store.js';

export interface TaskCounts {
  /** Queued and due now. */
  ready: number;
  /** Queued with a schedule time in the future (first attempt or a retry's backoff). */
  scheduled: number;
  running: number;
  dead: number;
  /** Ready and scheduled were each counted up to COUNT_CAP and both reached it: they are lower bounds. */
  atLeast?: boolean;
}

export interface StoredTask extends TaskRecord {
  /** Insertion order: ties between equal schedule times and list pagination. */
  seq: number;
}

/** A task whose attempt has started, and its row's `data` as written then (the attempt's compare-and-swap key). */
export interface StartedTask<T extends TaskRecord = StoredTask> {
  task: T;
  written: string;
}

type TaskRow = { seq: number; data: string };

/** How many of a queue's tasks on one side of "due now" are counted one by one at most (~4 ms). */
const COUNT_CAP = 50_000;

const rowToTask = (row: TaskRow): StoredTask => ({ ...(JSON.parse(row.data) as TaskRecord), seq: row.seq });
/** The row's `data`: the record without its row number. */
const dataOf = (task: TaskRecord): string => {
  const { seq: _seq, ...record } = task as StoredTask;
  return JSON.stringify(record);
};

export class TaskStore {
  constructor(private readonly db: StoreDatabase) {}

  /** Throws ALREADY_EXISTS if the name is taken by a task or by a recent one's tombstone. */
  insert(task: TaskRecord, nowMs: number): void {
    this.db.transaction(() => {
      if (this.db.isTombstoned(task.name, nowMs)) {
        throw cloudTasksError(
          CLOUD_TASKS_ERRORS.taskAlreadyExists,
          `A task named ${task.name} existed too recently: task names stay taken for a while after the task ends; use another name.`,
        );
      }
      const inserted = this.db
        .sql('INSERT INTO tasks (name, queue, state, schedule_ms, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
        .run(task.name, task.queue, task.state, task.scheduleTimeMs, dataOf(task));
      if (Number(inserted.changes) === 0) {
        throw cloudTasksError(CLOUD_TASKS_ERRORS.taskAlreadyExists, `A task named ${task.name} is in the queue already.`);
      }
    });
  }

  /**
   * Inserts each task that may be (in one transaction, in order: a name twice in the list is
   * taken by the first); the error of each task that may not, by its index.
   */
  insertMany(tasks: TaskRecord[], nowMs: number): Map<number, ApiError> {
    const refused = new Map<number, ApiError>();
    this.db.transaction(() =>
      tasks.forEach((task, index) => {
        try {
          this.insert(task, nowMs);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          refused.set(index, error);
        }
      }),
    );
    return refused;
  }

  get(name: string): StoredTask | undefined {
    const row = this.db.sql('SELECT seq, data FROM tasks WHERE name = ?').get(name) as TaskRow | undefined;
    return row && rowToTask(row);
  }

  /** Writes the task back; its `data` as written, or undefined if it is gone (deleted or purged meanwhile). */
  update(task: TaskRecord): string | undefined {
    const data = dataOf(task);
    const result = this.db
      .sql('UPDATE tasks SET state = ?, schedule_ms = ?, data = ? WHERE name = ?')
      .run(task.state, task.scheduleTimeMs, data, task.name);
    return Number(result.changes) > 0 ? data : undefined;
  }

  /** Removes the task and keeps its name taken until `tombstoneUntilMs`. */
  delete(name: string, tombstoneUntilMs: number): boolean {
    return this.db.transaction(() => {
      const result = this.db.sql('DELETE FROM tasks WHERE name = ?').run(name);
      this.db.tombstone(name, tombstoneUntilMs);
      return Number(result.changes) > 0;
    });
  }

  /** Writes `next` over the started task if its row is still as the attempt wrote it; false if not (it belongs to no task now). */
  replaceStarted(started: StartedTask, next: TaskRecord): boolean {
    const result = this.db
      .sql('UPDATE tasks SET state = ?, schedule_ms = ?, data = ? WHERE seq = ? AND data = ?')
      .run(next.state, next.scheduleTimeMs, dataOf(next), started.task.seq, started.written);
    return Number(result.changes) > 0;
  }

  /** Deletes the started task (and tombstones its name) if its row is still as the attempt wrote it. */
  deleteStarted(started: StartedTask, tombstoneUntilMs: number): boolean {
    const result = this.db.sql('DELETE FROM tasks WHERE seq = ? AND data = ?').run(started.task.seq, started.written);
    if (Number(result.changes) === 0) return false;
    this.db.tombstone(started.task.name, tombstoneUntilMs);
    return true;
  }

  /** ListTasks: the queue's tasks in creation order, after `afterSeq`, dead ones left out. */
  list(queue: string, options: { afterSeq?: number; limit?: number } = {}): StoredTask[] {
    const rows = this.db
      .sql("SELECT seq, data FROM tasks INDEXED BY tasks_by_queue_seq WHERE queue = ? AND seq > ? AND state <> 'dead' ORDER BY seq LIMIT ?")
      .all(queue, options.afterSeq ?? 0, options.limit ?? -1) as TaskRow[];
    return rows.map(rowToTask);
  }

  /** Up to `limit` tasks in `states` (in that order), each state's by schedule time: the dashboard's "running, then by ETA". */
  listByEta(queue: string, states: TaskState[], limit: number): StoredTask[] {
    const tasks: StoredTask[] = [];
    for (const state of states) {
      if (tasks.length >= limit) break;
      const rows = this.db
        .sql('SELECT seq, data FROM tasks WHERE queue = ? AND state = ? ORDER BY schedule_ms, seq LIMIT ?')
        .all(queue, state, limit - tasks.length) as TaskRow[];
      tasks.push(...rows.map(rowToTask));
    }
    return tasks;
  }

  /**
   * Takes up to `limit` due tasks of a queue and starts their attempts: each is written running,
   * as `start` makes it (its attempt counted), in one transaction, so that a task is never handed
   * out twice and a crash leaves it 'running' for `recoverRunning`.
   */
  startDue<T extends TaskRecord>(
    queue: string,
    nowMs: number,
    limit: number,
    start: (task: StoredTask) => T & StoredTask,
  ): StartedTask<T & StoredTask>[] {
    if (limit <= 0) return [];
    return this.db.transaction(() => {
      const rows = this.db
        .sql("SELECT seq, data FROM tasks WHERE queue = ? AND state = 'queued' AND schedule_ms <= ? ORDER BY schedule_ms, seq LIMIT ?")
        .all(queue, nowMs, limit) as TaskRow[];
      const write = this.db.sql('UPDATE tasks SET state = ?, data = ? WHERE seq = ?');
      return rows.map((row) => {
        const task = start(rowToTask(row));
        const written = dataOf(task);
        write.run(task.state, written, row.seq);
        return { task, written };
      });
    });
  }

  nextScheduleMs(queue: string): number | undefined {
    const row = this.db.sql("SELECT MIN(schedule_ms) AS next FROM tasks WHERE queue = ? AND state = 'queued'").get(queue) as
      { next: number | null } | undefined;
    return row?.next ?? undefined;
  }

  /**
   * At start: attempts that were in flight when the process died never reported back, so their
   * tasks go back to queued and are dispatched again (at-least-once, as Cloud Tasks promises).
   * Found through the counts, then each queue's index: no scan of every task.
   */
  recoverRunning(): number {
    return this.db.transaction(() => {
      let recovered = 0;
      const queues = this.db.sql("SELECT queue FROM task_counts WHERE state = 'running' AND n > 0").all() as { queue: string }[];
      for (const { queue } of queues) {
        const rows = this.db.sql("SELECT seq, data FROM tasks WHERE queue = ? AND state = 'running'").all(queue) as TaskRow[];
        for (const row of rows) {
          const task = { ...(JSON.parse(row.data) as TaskRecord), state: 'queued' as const };
          this.db.sql('UPDATE tasks SET state = ?, data = ? WHERE seq = ?').run('queued', JSON.stringify(task), row.seq);
        }
        recovered += rows.length;
      }
      return recovered;
    });
  }

  /** Deletes (and tombstones) the queue's queued and running tasks created at or before `beforeMs`, in SQL. */
  purge(queue: string, beforeMs: number, tombstoneUntilMs: number): number {
    const purged = "queue = ? AND state IN ('queued', 'running') AND json_extract(data, '$.createTimeMs') <= ?";
    return this.db.transaction(() => {
      this.db
        .sql(
          `INSERT INTO tombstones (name, expires_ms) SELECT name, ? FROM tasks WHERE ${purged} ` +
            'ON CONFLICT (name) DO UPDATE SET expires_ms = excluded.expires_ms',
        )
        .run(tombstoneUntilMs, queue, beforeMs);
      return Number(this.db.sql(`DELETE FROM tasks WHERE ${purged}`).run(queue, beforeMs).changes);
    });
  }

  /**
   * The queue's counts: per state from `task_counts`; the queued ones split into due and later by
   * counting the smaller side in the index, up to COUNT_CAP (past it on both sides, lower bounds).
   */
  count(queue: string, nowMs: number): TaskCounts {
    const byState = Object.fromEntries(
      (this.db.sql('SELECT state, n FROM task_counts WHERE queue = ?').all(queue) as { state: TaskState; n: number }[]).map((row) => [
        row.state,
        row.n,
      ]),
    ) as Partial<Record<TaskState, number>>;
    const queued = byState.queued ?? 0;
    const side = (comparison: '<=' | '>') =>
      (
        this.db
          .sql(
            `SELECT COUNT(*) AS n FROM (SELECT 1 FROM tasks WHERE queue = ? AND state = 'queued' AND schedule_ms ${comparison} ? LIMIT ?)`,
          )
          .get(queue, nowMs, COUNT_CAP + 1) as { n: number }
      ).n;
    const counts = { running: byState.running ?? 0, dead: byState.dead ?? 0 };
    const scheduled = queued ? side('>') : 0;
    if (scheduled <= COUNT_CAP) return { ...counts, ready: queued - scheduled, scheduled };
    const ready = side('<=');
    if (ready <= COUNT_CAP) return { ...counts, ready, scheduled: queued - ready };
    return { ...counts, ready: COUNT_CAP, scheduled: COUNT_CAP, atLeast: true };
  }
}
