import { createCloudTasksTransport, loadCloudTasksClient } from './cloud-tasks-transport.js';
import type { EnqueueConfig } from '../runtime/config.js';
import { currentOptions } from '../runtime/options-state.js';
import { builtFromSettings, enqueueConfig } from '../runtime/settings.js';
import { withTransportRetries } from './batch-retry.js';
import type { DeferrableFunction } from '../runtime/registry.js';
import type { DeferOptions } from './task-options.js';
import type { CarriedArgs } from '../contract/carried.js';
import type { CreatedTask, TaskTransport } from '../contract/transport.js';
import { announceTask, forgetPayload, prepareTask, writePayload } from './prepare-task.js';

/** Where and as what tasks are created. */
interface EnqueueRuntime {
  transport: TaskTransport;
  config: EnqueueConfig;
}

/**
 * Where and as what `defer` creates tasks now (the dead-letter sink creates its tasks the same
 * way): the `transport` option (the jest stub's, once installed), else Cloud Tasks, or the
 * emulator at `emulatorHost`, through one client per process.
 */
export function enqueueRuntime(): EnqueueRuntime {
  const config = enqueueConfig();
  const transport =
    currentOptions().transport ??
    // UNAVAILABLE / DEADLINE_EXCEEDED are retried under a name chosen before the first try (enqueue-retry.ts, batch-retry.ts).
    builtFromSettings('cloud-transport', (settings) =>
      withTransportRetries(createCloudTasksTransport({ emulatorHost: config.emulatorHost }), { attempts: settings.enqueueAttempts }),
    );
  return { transport, config };
}

/**
 * Loads and builds the Cloud Tasks client that defer() will use, without a network call
 * (registerDeferred, at start). Nothing to load for a `transport` of the app's own; a
 * configuration problem is left for defer() to report, with the error that names the fix.
 */
export async function loadEnqueueClient(): Promise<void> {
  if (currentOptions().transport) return;
  let config: EnqueueConfig;
  try {
    config = enqueueConfig();
  } catch {
    return;
  }
  await loadCloudTasksClient(config.emulatorHost);
}

/** defer()'s work once its function is checked: the call prepared (every check), its payload written if offloaded, then the task. */
async function enqueueTask(functionId: string, args: unknown[], options: DeferOptions): Promise<string> {
  const { transport, config } = enqueueRuntime();
  const task = await prepareTask({ functionId, args, options }, { config });
  await writePayload(task, config);
  let created: CreatedTask;
  try {
    created = await transport.createTask(task.request);
  } catch (error) {
    await forgetPayload(task, config);
    throw error;
  }
  announceTask(task, created.name);
  return created.name;
}

/**
 * Runs `fn(...args)` later, in a Cloud Task that calls this app back (App Engine's
 * `deferred.defer`). The arguments travel as superjson (Dates, Maps, Sets, BigInt survive, and
 * the classes given to `registerClass`); their types come from `fn`, so a wrong argument, or one
 * that cannot travel (a function, an unregistered class's instance), is a compile error here.
 *
 * Checks everything it can before the network call: options, the function (in the manifest, when
 * given to registerDeferred), the queue (in queue.yaml, not a dead-letter queue), each argument
 * (the path of one that cannot travel), the configuration and the payload size. Returns the
 * task's full resource name.
 */
export async function defer<Args extends unknown[]>(
  fn: DeferrableFunction<Args>,
  args: NoInfer<CarriedArgs<Args>>,
  options: DeferOptions = {},
): Promise<string> {
  if (typeof fn !== 'function' || typeof fn.deferredId !== 'string') {
    throw new TypeError('defer() takes a function made with deferrable(id, fn) and listed in the manifest');
  }
  return enqueueTask(fn.deferredId, args as unknown[], options);
}
