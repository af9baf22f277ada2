import type { TaskTransport } from '../contract/transport.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { applyLayer } from '../runtime/options-state.js';
import type { PayloadStore } from '../runtime/payload-store.js';
import type { QueueCatalog } from '../runtime/queue-catalog.js';

/** What installing a stub changes: where `defer` sends tasks, with which options and queues. */
export interface Installable {
  transport: TaskTransport;
  /** The options in effect while installed (settings: these alone; hooks: over the app's). */
  options: CloudTasksOptions;
  catalog: QueueCatalog;
  /** Where offloaded payloads go while installed. */
  payloads?: PayloadStore;
}

/** How to remove each installed stub's layer; removing one puts the ones below it back. */
const installed = new Map<Installable, () => void>();

export function install(target: Installable): void {
  uninstall(target);
  const layer = {
    options: { ...target.options, transport: target.transport },
    hermetic: true,
    doubles: { queues: target.catalog, payloadStore: target.payloads },
  };
  installed.set(target, applyLayer(layer));
}

export function uninstall(target: Installable): void {
  installed.get(target)?.();
  installed.delete(target);
}
