/**
 * The Cloud Tasks operations, independent of HTTP: the REST API and the dashboard both call
 * these, so a "run now" on the page and a RunTask from the client behave the same.
 */
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { cloudTasksError, failedPrecondition, invalidArgument, notFound } from './api-error.js';
import { appEngineApp, locationsOf, type LocationResource } from './locations.js';
import type { QueueRecord, TaskRecord } from './model.js';
import { checkParent, checkQueueName, parentOf } from './names.js';
import type { CloudTasksLimits } from './options.js';
import { overrideUrl } from './queue-http-target.js';
import { applyQueueInput, newQueue } from './queue-resource.js';
import type { StoredTask, Store } from './store.js';
import { TargetPolicy } from './target-policy.js';
import { taskFromInput } from './task-resource.js';
import type { JsonObject } from '../contract/proto-json.js';

/** What the service needs from the dispatcher. */
export interface DispatchControl {
  /** Something changed in this queue (a task, its state, its settings): look again. */
  wake(queueName: string): void;
  /**
   * Dispatches the task now, whatever its schedule, the queue's state or rate (RunTask), and
   * returns it as stored; undefined (nothing dispatched) if its queue is gone.
   */
  runNow(task: StoredTask): StoredTask | undefined;
  isRunning(taskName: string): boolean;
}

export interface ListPage<T> {
  items: T[];
  nextPageToken?: string;
}

const pageSizeOf = (value: string | null, max: number) => {
  const size = value ? Number(value) : max;
  if (!Number.isInteger(size) || size < 0) throw invalidArgument(`pageSize must be a non-negative integer, got ${value}`);
  return size === 0 ? max : Math.min(size, max);
};

export class TasksService {
  constructor(
    private readonly store: Store,
    private readonly limits: CloudTasksLimits,
    private readonly dispatch: DispatchControl,
    private readonly now: () => number = Date.now,
    private readonly targets: TargetPolicy = new TargetPolicy(),
    /** The location the emulator serves besides those that hold queues (--location). */
    private readonly homeLocation = 'us-central1',
  ) {}

  /** Loads queue.yaml again if it changed (server.ts sets it when the emulator has one); true when it did. */
  reloadQueueYaml?: () => boolean;

  // --- locations ---

  listLocations(project: string): LocationResource[] {
    return locationsOf(project, this.homeLocation, this.store.listQueues());
  }

  /** For gcloud's location lookup (locations.ts). */
  appEngineApp(project: string): Record<string, unknown> {
    return appEngineApp(project, this.homeLocation);
  }

  getLocation(name: string): LocationResource {
    const [, project] = name.split('/');
    const location = this.listLocations(project ?? '').find((candidate) => candidate.name === name);
    if (!location) {
      throw notFound(
        `The emulator serves no location ${name}: it serves ${this.homeLocation} (--location) and the locations of its queues`,
      );
    }
    return location;
  }

  // --- queues ---

  getQueue(name: string): QueueRecord {
    checkQueueName(name, 'name');
    // Not here: queue.yaml may have gained it since the emulator last looked.
    const queue = this.store.getQueue(name) ?? (this.reloadQueueYaml?.() ? this.store.getQueue(name) : undefined);
    if (!queue) {
      const hint = this.store.isTombstoned(name, this.now())
        ? `The queue ${name} was deleted; its name stays taken for ${this.deletedNameBlock()}.`
        : `There is no queue ${name}: create it with createQueue, or ${this.reloadQueueYaml ? 'add it to queue.yaml (the emulator loads the file again when it changes)' : 'start the emulator with --queue-yaml <file> that defines it'}.`;
      throw cloudTasksError(CLOUD_TASKS_ERRORS.queueNotFound, hint);
    }
    return queue;
  }

  listQueues(parent: string, filter: string | null, pageSize: string | null, pageToken: string | null): ListPage<QueueRecord> {
    checkParent(parent);
    let queues = this.store.listQueues(parent);
    if (filter) {
      const match = /^\s*state\s*[:=]\s*(RUNNING|PAUSED)\s*$/.exec(filter);
      if (!match)
        throw invalidArgument(`filter "${filter}" is not supported by the emulator; it understands "state: RUNNING" or "state: PAUSED"`);
      queues = queues.filter((queue) => queue.state === match[1]);
    }
    const after = pageToken ? Buffer.from(pageToken, 'base64url').toString('utf8') : '';
    const size = pageSizeOf(pageSize, 9800);
    const rest = queues.filter((queue) => queue.name > after);
    const items = rest.slice(0, size);
    return { items, ...(rest.length > size ? { nextPageToken: Buffer.from(items[items.length - 1].name).toString('base64url') } : {}) };
  }

  createQueue(parent: string, input: JsonObject): QueueRecord {
    checkParent(parent);
    const name = checkQueueName(input.name);
    if (parentOf(name) !== parent) throw cloudTasksError(CLOUD_TASKS_ERRORS.queueParentMismatch(name, parent));
    if (this.store.getQueue(name)) throw cloudTasksError(CLOUD_TASKS_ERRORS.queueAlreadyExists, `A queue named ${name} exists already.`);
    if (this.store.isTombstoned(name, this.now())) {
      throw cloudTasksError(
        CLOUD_TASKS_ERRORS.queueRecentlyDeleted,
        `The queue ${name} was deleted less than ${this.deletedNameBlock()} ago, and Cloud Tasks keeps a deleted queue's name taken ` +
          'that long. Use another name, or start the emulator with --reuse-deleted-queue-names to free deleted names at once.',
      );
    }
    const queue = applyQueueInput(newQueue(name), input, this.limits);
    this.checkRouting(queue);
    this.store.putQueue(queue);
    return queue;
  }

  /** Cloud Tasks' UpdateQueue creates the queue when it does not exist; so does this. */
  updateQueue(name: string, input: JsonObject, updateMask: string | null): QueueRecord {
    checkQueueName(name);
    if (input.name !== undefined && input.name !== name) throw invalidArgument(`queue.name ${input.name} does not match the URL's ${name}`);
    const found = this.store.getQueue(name);
    if (!found && this.store.isTombstoned(name, this.now())) {
      throw cloudTasksError(
        CLOUD_TASKS_ERRORS.queueRecentlyDeleted,
        `The queue ${name} was deleted less than ${this.deletedNameBlock()} ago; use another name, or start the emulator with --reuse-deleted-queue-names.`,
      );
    }
    const existing = found ?? newQueue(name);
    const mask = updateMask ? updateMask.split(',').filter(Boolean) : undefined;
    const queue = applyQueueInput(existing, input, this.limits, mask);
    this.checkRouting(queue);
    this.store.putQueue(queue);
    this.dispatch.wake(name);
    return queue;
  }

  deleteQueue(name: string): void {
    checkQueueName(name, 'name');
    if (!this.store.getQueue(name)) throw cloudTasksError(CLOUD_TASKS_ERRORS.entityNotFound, `There is no queue ${name}.`);
    const blockSeconds = this.limits.deletedQueueNameSeconds;
    this.store.deleteQueue(name, blockSeconds > 0 ? this.now() + blockSeconds * 1000 : 0);
    this.dispatch.wake(name);
  }

  setQueueState(name: string, state: QueueRecord['state']): QueueRecord {
    const queue = { ...this.getQueue(name), state };
    this.store.putQueue(queue);
    this.dispatch.wake(name);
    return queue;
  }

  /** Deletes every task created before now; attempts in flight finish but are not recorded. */
  purgeQueue(name: string): QueueRecord {
    const nowMs = this.now();
    const queue = { ...this.getQueue(name), purgeTimeMs: nowMs };
    this.store.tasks.purge(name, nowMs, nowMs + this.limits.tombstoneSeconds * 1000);
    this.store.putQueue(queue);
    return queue;
  }

  /** A queue-level URI override must send tasks where the emulator may send them, like a task's URL. */
  private checkRouting(queue: QueueRecord): void {
    const uri = queue.httpTarget?.uriOverride;
    if (!uri?.host) return;
    const refused = this.targets.refuseUrl(new URL(overrideUrl('', uri)));
    if (refused) throw invalidArgument(`queue.httpTarget.uriOverride ${refused}`);
  }

  private deletedNameBlock(): string {
    const seconds = this.limits.deletedQueueNameSeconds;
    return seconds % 86400 === 0 ? `${seconds / 86400} days` : `${seconds} s`;
  }

  // --- tasks ---

  createTask(queueName: string, input: unknown): TaskRecord {
    const queue = this.getQueue(queueName);
    const nowMs = this.now();
    const task = this.prepareTask(queue, input, nowMs);
    this.store.tasks.insert(task, nowMs);
    this.tasksAdded(queueName);
    return task;
  }

  /** CreateTask's checks of one task, short of storing it (its name may still be taken): the task as it would be stored. */
  prepareTask(queue: QueueRecord, input: unknown, nowMs: number): TaskRecord {
    const task = taskFromInput(queue.name, input, nowMs, this.limits, queue.httpTarget);
    // Refused here, with the flag to name, rather than failing at every delivery; where the queue's routing sends it.
    const uri = queue.httpTarget?.uriOverride;
    const refused = this.targets.refuseUrl(new URL(uri ? overrideUrl(task.url, uri) : task.url));
    if (refused) throw invalidArgument(`task.httpRequest.url ${refused}`);
    return task;
  }

  /** Tasks were stored in the queue (CreateTask, BatchCreateTasks): the dispatcher looks at it. */
  tasksAdded(queueName: string): void {
    this.dispatch.wake(queueName);
  }

  /**
   * BufferTask: a task made from an HTTP body alone, sent where the queue's httpTarget routes it
   * (its URI override is required), with the body's Content-Type. `taskId` empty: an id is chosen.
   */
  bufferTask(queueName: string, taskId: string | undefined, body: { contentType?: unknown; data?: unknown } | undefined): TaskRecord {
    const queue = this.getQueue(queueName);
    if (!queue.httpTarget?.uriOverride?.host) {
      throw failedPrecondition(
        `BufferTask needs the queue's httpTarget.uriOverride (with a host) to know where to send the task; ${queueName} has none. ` +
          'Set it with UpdateQueue (gcloud tasks queues update --http-uri-override=...)',
      );
    }
    const contentType = typeof body?.contentType === 'string' && body.contentType ? body.contentType : undefined;
    return this.createTask(queueName, {
      ...(taskId ? { name: `${queueName}/tasks/${taskId}` } : {}),
      httpRequest: {
        ...(contentType ? { headers: { 'Content-Type': contentType } } : {}),
        ...(body?.data ? { body: body.data } : {}),
      },
    });
  }

  /** Dead-lettered tasks are gone for the API, as in Cloud Tasks; the dashboard still shows them. */
  getTask(name: string): StoredTask {
    const task = this.store.tasks.get(name);
    if (task && task.state !== 'dead') return task;
    // A dead-lettered task ended too: the emulator tombstones its name when it is deleted.
    if (task || this.store.isTombstoned(name, this.now()))
      throw cloudTasksError(CLOUD_TASKS_ERRORS.taskRecentlyDeleted, `Task ${name} ran, was deleted, or was dead-lettered.`);
    throw cloudTasksError(CLOUD_TASKS_ERRORS.entityNotFound, `There is no task ${name}.`);
  }

  listTasks(queueName: string, pageSize: string | null, pageToken: string | null): ListPage<StoredTask> {
    this.getQueue(queueName);
    const size = pageSizeOf(pageSize, 1000);
    const afterSeq = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(afterSeq)) throw invalidArgument('pageToken is not one this emulator returned');
    const items = this.store.tasks.list(queueName, { afterSeq, limit: size + 1 });
    const page = items.slice(0, size);
    return {
      items: page,
      ...(items.length > size ? { nextPageToken: Buffer.from(String(page[page.length - 1].seq)).toString('base64url') } : {}),
    };
  }

  deleteTask(name: string): void {
    const task = this.getTask(name);
    this.store.tasks.delete(task.name, this.now() + this.limits.tombstoneSeconds * 1000);
  }

  runTask(name: string): StoredTask {
    const task = this.getTask(name);
    if (this.dispatch.isRunning(name))
      throw failedPrecondition(`Task ${name} is being dispatched right now; wait for the attempt to finish`);
    return this.dispatch.runNow(task) ?? task;
  }

  // --- dead letters (emulator only) ---

  getDeadTask(name: string): StoredTask {
    const task = this.store.tasks.get(name);
    if (!task || task.state !== 'dead') throw notFound(`No dead-lettered task named ${name}`);
    return task;
  }

  /** Puts a dead-lettered task back in its queue as new: counts reset, due now. */
  replayDeadTask(name: string): TaskRecord {
    const dead = this.getDeadTask(name);
    this.getQueue(dead.queue);
    const nowMs = this.now();
    const { deadReason: _r, deadTimeMs: _t, firstAttempt: _f, lastAttempt: _l, retryReason: _rr, lastError: _e, ...rest } = dead;
    const task: TaskRecord = { ...rest, state: 'queued', scheduleTimeMs: nowMs, dispatchCount: 0, responseCount: 0, executionCount: 0 };
    this.store.tasks.update(task);
    this.dispatch.wake(task.queue);
    return task;
  }

  deleteDeadTask(name: string): void {
    this.getDeadTask(name);
    this.store.tasks.delete(name, this.now() + this.limits.tombstoneSeconds * 1000);
  }
}
