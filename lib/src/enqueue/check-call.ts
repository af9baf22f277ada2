/**
 * Every check of one `defer()` call that needs no network and concerns the call itself, in one
 * function that `defer()` runs, and that a call of a batch runs per item: the function must be
 * one the task route serves (when the manifest is known), the queue one that runs tasks, and
 * the arguments values that travel. Each refusal names the fix, where the mistake is made,
 * instead of a task that fails on every delivery.
 */
import { InvalidTaskOptionsError, UnknownFunctionError, UnknownQueueError } from '../contract/errors.js';
import { currentOptions } from '../runtime/options-state.js';
import { queueCatalog, type QueueCatalog } from '../runtime/queue-catalog.js';
import { checkArguments } from './check-arguments.js';

/** The function must be in the manifest, when the process knows it (registerDeferred's `manifest`, or the stub's). */
function checkFunctionListed(functionId: string): void {
  const { manifest } = currentOptions();
  if (manifest && !manifest.get(functionId)) throw new UnknownFunctionError(functionId, manifest.ids);
}

/** The queue must be in queue.yaml, and not a dead-letter queue (paused: its tasks wait for a replay). */
export function checkQueue(queue: string, queues: QueueCatalog): void {
  const keeps = queues.deadLetterFor?.(queue);
  if (keeps) {
    throw new InvalidTaskOptionsError(
      'queue',
      `queue "${queue}" is a dead-letter queue (of ${keeps.join(', ')}, in ${queues.file}): it is paused and only keeps dead tasks ` +
        `for \`next-cloud-tasks dead-letters replay\`; defer into ${keeps.length === 1 ? `"${keeps[0]}"` : 'one of those'} instead`,
    );
  }
  if (!queues.get(queue)) {
    const runs = queues.names.filter((name) => !queues.deadLetterFor?.(name));
    throw new UnknownQueueError(queue, runs, queues.file);
  }
}

/**
 * Throws the error that names what to fix when `defer(fn, args, { queue })` cannot make a task
 * that runs: `UnknownFunctionError`, `UnknownQueueError`, `InvalidTaskOptionsError` (a
 * dead-letter queue), `EnvelopeEncodeError` (an argument that cannot travel, with its path).
 * `queues`: the catalog the caller already read (reading it stats queue.yaml, for the reload:
 * deferMany reads it once for all its calls).
 */
export function checkDeferCall(functionId: string, args: readonly unknown[], queue: string, queues = queueCatalog()): void {
  checkFunctionListed(functionId);
  checkQueue(queue, queues);
  checkArguments(functionId, args);
}
