import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  deadLetterQueueOf,
  loadQueueYaml,
  parseQueueYaml,
  toCloudTasksQueue,
  type CloudTasksQueueSettings,
  type QueueFile,
} from '../queues/index.js';

/** The app's queues as queue.yaml defines them: `defer` refuses others, the handler reads their retry limits. */
export interface QueueCatalog {
  /** The file the queues came from (for messages). */
  file: string;
  names: readonly string[];
  get(name: string): CloudTasksQueueSettings | undefined;
  /** The paused queue that keeps `name`'s dead tasks (queue.yaml's `dead_letter_queue`), if any. */
  deadLetterQueue?(name: string): string | undefined;
  /** True when there is no queue.yaml and only App Engine's implicit `default` queue exists. */
  implicit?: boolean;
}

/** App Engine's implicit queue: without a queue.yaml, only `default` exists, at 5 tasks/s. */
const IMPLICIT_DEFAULT_QUEUE = 'queue:\n- name: default\n  rate: 5/s\n';

export function catalogFrom(file: QueueFile): QueueCatalog {
  const byName = new Map(file.queues.map((queue) => [queue.name, toCloudTasksQueue(queue)]));
  return {
    file: file.file,
    names: [...byName.keys()],
    get: (name) => byName.get(name),
    deadLetterQueue: (name) => deadLetterQueueOf(file.queues, name),
  };
}

/** Path of queue.yaml: DEFERRED_QUEUE_YAML, else queue.yaml in the working directory. */
export function queueYamlPath(env: Record<string, string | undefined> = process.env): string {
  // The path is known only at run time: tell Turbopack not to trace it, or a standalone build
  // copies the whole project next to server.js. next.config.js traces queue.yaml explicitly.
  return resolve(/* turbopackIgnore: true */ process.cwd(), env.DEFERRED_QUEUE_YAML?.trim() || 'queue.yaml');
}

/**
 * Reads queue.yaml as `defer` and the handler use it (the start-up check too). Throws a
 * QueueYamlError for a named file that is missing, or an invalid one.
 */
export function loadQueueCatalog(env: Record<string, string | undefined> = process.env): QueueCatalog {
  const path = queueYamlPath(env);
  if (!existsSync(path) && !env.DEFERRED_QUEUE_YAML?.trim()) {
    return { ...catalogFrom(parseQueueYaml(IMPLICIT_DEFAULT_QUEUE, `${path} (absent: only the default queue exists)`)), implicit: true };
  }
  // A named file that is missing, or an invalid one, is an error naming the file and line.
  return catalogFrom(loadQueueYaml(path));
}

let catalog: QueueCatalog | undefined;

/** Loaded once per process, on first use (never on the handler's success path). */
export function queueCatalog(): QueueCatalog {
  return (catalog ??= loadQueueCatalog());
}

/** Replaces the catalog (tests, the jest stub); `undefined` reloads queue.yaml on next use. */
export function setQueueCatalog(next: QueueCatalog | undefined): void {
  catalog = next;
}
