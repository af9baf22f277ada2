import type { EnqueueConfig } from '../runtime/config.js';
import { setTaskTransport } from '../enqueue/defer.js';
import { queueCatalog, setQueueCatalog, type QueueCatalog } from '../runtime/queue-catalog.js';
import type { TaskTransport } from '../contract/transport.js';
import { setPayloadStore, type PayloadStore } from '../runtime/payload-store.js';

/** What installing a stub changes: where `defer` sends tasks, with which settings and queues. */
export interface Installable {
  transport: TaskTransport;
  config: EnqueueConfig;
  catalog: QueueCatalog;
  /** Where offloaded payloads go while installed. */
  payloads?: PayloadStore;
}

/** Installed stubs, innermost last: uninstalling one puts the one below it back. */
const stack: Installable[] = [];
let catalogBefore: QueueCatalog | undefined;

function apply(target: Installable): void {
  setTaskTransport(target.transport, target.config);
  setQueueCatalog(target.catalog);
  setPayloadStore(target.payloads);
}

export function install(target: Installable): void {
  if (stack.length === 0) {
    try {
      catalogBefore = queueCatalog();
    } catch {
      catalogBefore = undefined; // an invalid queue.yaml: let it fail again, later, where it is used
    }
  }
  stack.push(target);
  apply(target);
}

export function uninstall(target: Installable): void {
  const at = stack.lastIndexOf(target);
  if (at < 0) return;
  stack.splice(at, 1);
  const below = stack.at(-1);
  if (below) return apply(below);
  setTaskTransport(undefined);
  setPayloadStore(undefined);
  setQueueCatalog(catalogBefore);
  catalogBefore = undefined;
}
