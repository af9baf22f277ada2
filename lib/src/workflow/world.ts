/**
 * The Workflow SDK World on Cloud Tasks: the queue is Cloud Tasks (queue.ts, queue-handler.ts),
 * storage and streams are the SDK's own Postgres or embedded storage (storage-backends.ts).
 *
 * Creating it reads nothing and connects to nothing: the SDK creates the World while `next build`
 * collects the workflow routes. Settings are read, and storage is opened, on first use; `start()`
 * checks the settings, so a misconfigured server fails when it starts (registerWorkflowWorld() calls
 * it from instrumentation.ts) instead of on its first workflow.
 */
import type { World } from '@workflow/world';
import { problemsError, type ConfigProblem } from '../runtime/config.js';
import { currentSettings } from '../runtime/settings.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import { lazyStore } from './lazy-store.js';
import { createCloudTasksQueue } from './queue.js';
import { createWorkflowQueueHandler } from './queue-handler.js';
import { listWorldProblems, readWorldSettings, type WorldSettings } from './settings.js';
import { loadPostgresPackage, openStorage } from './storage-backends.js';

/** The spec version of the event-sourced SDK (`@workflow/world` 4.5's SPEC_VERSION_CURRENT): runs carry their input in the first message. */
const SPEC_VERSION = 3;

/** Every setting the World and the adapter need, checked together; [] when it can run. */
function listProblems(): ConfigProblem[] {
  const problems = [...listWorldProblems(), ...currentSettings().problems];
  if (problems.length) return problems;
  const settings = readWorldSettings();
  const catalog = queueCatalog();
  return Object.values(settings.queues)
    .filter((queue) => !catalog.get(queue))
    .map((queue) => ({
      variable: 'DEFERRED_QUEUE_YAML',
      message: `queue "${queue}" is not in ${catalog.file}: add it (docs/workflows.md has the two workflow queues) and deploy it with npx next-cloud-tasks queues apply`,
    }));
}

/** A World on Cloud Tasks, configured from the environment on first use (docs/workflows.md lists the variables). */
export function createCloudTasksWorld(): World {
  let settings: WorldSettings | undefined;
  // Read once, on first use; a ConfigError is thrown again on each use until fixed.
  const worldSettings = () => (settings ??= readWorldSettings());
  const store = lazyStore(() => openStorage(worldSettings().storage));

  return {
    specVersion: SPEC_VERSION,
    ...createCloudTasksQueue(worldSettings),
    createQueueHandler: createWorkflowQueueHandler(worldSettings),
    ...store.facade,

    /**
     * Checks the configuration (this World's and the adapter's) and that both queues are in
     * queue.yaml; throws what to fix. With WORKFLOW_POSTGRES_URL it loads the storage package, so
     * an app built without it fails here, naming the install command (WorkflowStorageError). It
     * connects to nothing, as the adapter does nothing over the network at start: the storage
     * opens on first use, and a database that is unreachable or has no schema fails that request
     * with the fix (WorkflowStorageError). Nothing runs in the background.
     */
    async start() {
      const problems = listProblems();
      if (problems.length) throw problemsError('The Cloud Tasks workflow World cannot start; fix these', problems);
      if (worldSettings().storage.kind === 'postgres') await loadPostgresPackage();
    },

    async close() {
      await store.close();
    },
  };
}
