/**
 * Queues from App Engine's queue.yaml, through lib/queues (the same parser and mapping the
 * queue CLI deploys with), so the emulator runs exactly the settings production will get; loaded
 * at start, and again when the file changes.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { queuePath, shortId } from '../contract/names.js';
import { toCloudTasksQueue } from '../queues/map.js';
import { fileStamp } from '../queues/file-stamp.js';
import { loadQueueYaml } from '../queues/parse.js';
import type { QueueRecord } from './model.js';
import type { Store } from './store.js';

export interface LoadedQueues {
  names: string[];
  warnings: string[];
}

/** Creates or updates every queue of the file; a queue paused on the dashboard stays paused. */
export function loadQueuesFromYaml(store: Store, file: string, project: string, location: string): LoadedQueues {
  const parsed = loadQueueYaml(file);
  const names: string[] = [];
  for (const definition of parsed.queues) {
    const settings = toCloudTasksQueue(definition);
    const name = queuePath({ project, location, queue: settings.name });
    const existing = store.getQueue(name);
    const queue: QueueRecord = {
      name,
      state: settings.state === 'PAUSED' ? 'PAUSED' : (existing?.state ?? 'RUNNING'),
      rateLimits: { ...settings.rateLimits },
      retryConfig: { ...settings.retryConfig },
      ...(existing?.purgeTimeMs === undefined ? {} : { purgeTimeMs: existing.purgeTimeMs }),
      source: 'queue.yaml',
    };
    store.putQueue(queue);
    names.push(name);
  }
  const warnings = parsed.warnings.map((warning) => `${warning.file}:${warning.line}:${warning.column}: ${warning.message}`);
  return { names, warnings };
}

/** How often the file is looked at while the emulator runs (one stat: cheap). */
const WATCH_INTERVAL_MS = 500;

/**
 * queue.yaml, loaded at start and again whenever it changes while the emulator runs (under
 * `next-cloud-tasks dev`, a queue added to the file is there without a restart, as the app's
 * defer() sees it too: runtime/queue-catalog.ts). Looked at every half second, and at once when a
 * request names a queue the emulator does not have (the app may have seen the new file first).
 * A queue removed from the file stays, as a deploy never deletes one; a broken file is reported
 * and the queues stay as they were.
 */
export class QueueYamlSource {
  /** The queues of the last load that worked, and its warnings. */
  loaded: LoadedQueues;
  private stamp: string;

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly project: string,
    private readonly location: string,
    private readonly log?: (line: string) => void,
  ) {
    this.stamp = fileStamp(file);
    this.loaded = loadQueuesFromYaml(store, file, project, location);
  }

  /** Loads the file again if it changed since the last look; true when queues were loaded. */
  refresh(): boolean {
    const stamp = fileStamp(this.file);
    if (stamp === this.stamp) return false;
    this.stamp = stamp;
    try {
      const before = new Set(this.loaded.names);
      this.loaded = loadQueuesFromYaml(this.store, this.file, this.project, this.location);
      const added = this.loaded.names.filter((name) => !before.has(name)).map(shortId);
      this.log?.(`queue.yaml changed: ${this.loaded.names.length} queues loaded${added.length ? ` (new: ${added.join(', ')})` : ''}`);
      for (const warning of this.loaded.warnings) this.log?.(`queue.yaml warning: ${warning}`);
      return true;
    } catch (error) {
      this.log?.(`queue.yaml changed but was not loaded, the queues stay as they were: ${(error as Error).message}`);
      return false;
    }
  }

  /** Looks at the file every half second until close(). */
  watch(): void {
    watchFile(this.file, { interval: WATCH_INTERVAL_MS, persistent: false }, this.onChange);
  }

  close(): void {
    unwatchFile(this.file, this.onChange);
  }

  private readonly onChange = () => {
    this.refresh();
  };
}
