/**
 * Queues from App Engine's queue.yaml, through lib/queues (the same parser and mapping the
 * queue CLI deploys with), so the emulator runs exactly the settings production will get.
 */
import { queuePath } from '../contract/names.js';
import { toCloudTasksQueue } from '../queues/map.js';
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
