import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from './config.js';
import { testDouble } from './options-state.js';
import { builtFromSettings } from './settings.js';
import type { CloudTasksQueueSettings } from '../contract/queue-settings.js';
import { deadLetterQueueOf } from '../queues/dead-letter-queues.js';
import { toCloudTasksQueue } from '../queues/map.js';
import { fileStamp } from '../queues/file-stamp.js';
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
  /** When `name` is a dead-letter queue: the queues whose dead tasks it keeps (`defer` refuses it). */
  deadLetterFor?(name: string): readonly string[] | undefined;
  /** True when there is no queue.yaml and only App Engine's implicit `default` queue exists. */
  implicit?: boolean;
}

/** App Engine's implicit queue: without a queue.yaml, only `default` exists, at 5 tasks/s. */
const IMPLICIT_DEFAULT_QUEUE = 'queue:\n- name: default\n  rate: 5/s\n';

export function catalogFrom(file: QueueFile): QueueCatalog {
  const byName = new Map(file.queues.map((queue) => [queue.name, toCloudTasksQueue(queue)]));
  const keeping = new Map(file.queues.filter((queue) => queue.deadLetterFor).map((queue) => [queue.name, queue.deadLetterFor!]));
  return {
    file: file.file,
    names: [...byName.keys()],
    get: (name) => byName.get(name),
    deadLetterQueue: (name) => deadLetterQueueOf(file.queues, name),
    deadLetterFor: (name) => keeping.get(name),
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

/**
 * queue.yaml's catalog as the settings say: read once. With the local emulator (what `next-cloud-tasks
 * dev` and `start` set), read again when the file changes, so that a queue added while dev runs
 * is accepted without a restart (the emulator loads the file again too: emulator/queue-yaml.ts).
 * That costs one stat per use, only then: never in production, where no emulator is set.
 */
function catalogSource(settings: Settings): () => QueueCatalog {
  const emulated = [settings.enqueue, settings.handler].some((config) => !(config instanceof Error) && config.emulatorHost);
  if (!emulated) {
    const catalog = loadQueueCatalog(settings);
    return () => catalog;
  }
  const path = queueYamlPath(settings);
  let stamp: string | undefined;
  let catalog: QueueCatalog | undefined;
  return () => {
    const now = fileStamp(path);
    // A broken file throws here, naming the line; the next use reads it again.
    if (now !== stamp || !catalog) [catalog, stamp] = [loadQueueCatalog(settings), now];
    return catalog;
  };
}

/** The test kit's queues, else queue.yaml's, loaded on first use (never on the handler's success path). */
export function queueCatalog(): QueueCatalog {
  return testDouble('queues') ?? builtFromSettings('queue-catalog', catalogSource)();
}
