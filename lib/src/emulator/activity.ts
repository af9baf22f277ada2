/**
 * The last task outcomes, newest first, for the dashboard's "recent activity": what a developer
 * wants to see right after clicking a button in the app. Memory only; the store has the state.
 */
import type { Dispatcher } from './dispatcher.js';
import { shortId } from '../contract/names.js';

export interface ActivityEntry {
  atMs: number;
  kind: 'start' | 'success' | 'retry' | 'dead';
  queue: string;
  task: string;
  /** The task's URL and body (base64), from which the dashboard reads what it ran, for the entries it shows. */
  url?: string;
  body?: string;
  attempt: number;
  detail: string;
}

const KEEP = 50;

export class ActivityLog {
  private readonly entries: ActivityEntry[] = [];

  constructor(dispatcher: Dispatcher) {
    dispatcher.on('task:success', ({ task, status, durationMs }) =>
      this.add({
        kind: 'success',
        queue: shortId(task.queue),
        task: task.name,
        url: task.url,
        body: task.body,
        attempt: task.dispatchCount,
        detail: `HTTP ${status} in ${durationMs} ms`,
      }),
    );
    dispatcher.on('task:error', ({ task, result, retryAtMs }) =>
      this.add({
        kind: 'retry',
        queue: shortId(task.queue),
        task: task.name,
        url: task.url,
        body: task.body,
        attempt: task.dispatchCount,
        detail: `${result.status !== undefined ? `HTTP ${result.status}` : result.reason}; retry at ${new Date(retryAtMs).toISOString()}`,
      }),
    );
    dispatcher.on('task:dead', ({ task, reason }) =>
      this.add({
        kind: 'dead',
        queue: shortId(task.queue),
        task: task.name,
        url: task.url,
        body: task.body,
        attempt: task.dispatchCount,
        detail: reason,
      }),
    );
  }

  private add(entry: Omit<ActivityEntry, 'atMs'>): void {
    this.entries.unshift({ ...entry, atMs: Date.now() });
    if (this.entries.length > KEEP) this.entries.length = KEEP;
  }

  recent(): readonly ActivityEntry[] {
    return this.entries;
  }
}
