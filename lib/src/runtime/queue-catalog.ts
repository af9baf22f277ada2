import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from './config.js';
import { testDouble } from './options-state.js';
import { builtFromSettings } from './settings.js';
import type { CloudTasksQueueSettings } from '../contract/queue-settings.js';
import { deadLetterQueueOf } from '../queues/dead-letter-queues.js';
import { toCloudTasksQueue } from '../queues/map.js';
import { loadQueueYaml, parseQueueYaml } from '../queues/parse.js';
import type { QueueFile } from '../queues/types.js';

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

type QueueYamlSetting = Pick<Settings, 'queueYaml' | 'queueYamlGiven'>;

/** Path of queue.yaml: the `queueYaml` option (DEFERRED_QUEUE_YAML), else queue.yaml, in the working directory. */
export function queueYamlPath({ queueYaml }: QueueYamlSetting): string {
  // The path is known only at run time: tell Turbopack not to trace it, or a standalone build
  // copies the whole project next to server.js. next.config.js traces queue.yaml explicitly.
  return resolve(/* turbopackIgnore: true */ process.cwd(), queueYaml);
}

/**
 * Reads queue.yaml as `defer` and the handler use it (the start-up check too). Throws a
 * QueueYamlError for a named file that is missing, or an invalid one.
 */
export function loadQueueCatalog(setting: QueueYamlSetting): QueueCatalog {
  const path = queueYamlPath(setting);
  if (!existsSync(path) && !setting.queueYamlGiven) {
    return { ...catalogFrom(parseQueueYaml(IMPLICIT_DEFAULT_QUEUE, `${path} (absent: only the default queue exists)`)), implicit: true };
  }
  // A named file that is missing, or an invalid one, is an error naming the file and line.
  return catalogFrom(loadQueueYaml(path));
}

/** The test kit's queues, else queue.yaml's, loaded on first use (never on the handler's success path). */
export function queueCatalog(): QueueCatalog {
  return testDouble('queues') ?? builtFromSettings('queue-catalog', loadQueueCatalog);
}
