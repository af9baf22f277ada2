/**
 * BatchCreateTasks and BatchDeleteTasks (v2beta3; GA 2026-09-30), as the protos describe them:
 * up to 100 tasks (1,000 names) of one queue, not atomic: each item succeeds or fails on its own
 * (a name taken by another item of the batch, an existing task, or a recent one's tombstone fails
 * that item with ALREADY_EXISTS), and the answer is a long-running operation, done at once, that
 * names the failed items. A request that is malformed as a whole (too many items, another
 * queue's item, a missing queue) fails as a whole, like CreateTask.
 *
 * `request_id` identifies the operation: a retried batch with the same id returns the first
 * operation again and creates (or deletes) nothing twice. Operations are kept for a day.
 */
import { randomUUID } from 'node:crypto';
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { ApiError, cloudTasksError, invalidArgument } from './api-error.js';
import type { TaskView } from './model.js';
import { checkTaskName, parentOf } from './names.js';
import type { BatchMethod, OperationRecord } from './operation-resource.js';
import type { Store } from './store.js';
import { parseView } from './task-resource.js';
import type { TasksService } from './tasks-service.js';
import { BATCH_LIMITS } from '../contract/limits.js';

const OPERATION_KEPT_MS = 24 * 3600_000;
/** (google.api.field_info).format = UUID4. */
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A batch's items: a list of at most `max`, or Google's error for the field. */
function items(value: unknown, max: number, empty: typeof CLOUD_TASKS_ERRORS.batchCreateEmpty, tooMany: typeof empty): unknown[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) throw cloudTasksError(empty);
  if (!Array.isArray(value)) throw invalidArgument(`${empty.message.split(' ')[0]} must be a list`);
  if (value.length > max) throw cloudTasksError(tooMany, `The batch has ${value.length} items; split it into batches of at most ${max}.`);
  return value;
}

const errorOf = (error: unknown) => {
  if (!(error instanceof ApiError)) throw error;
  return { status: error.status, message: error.message };
};

export class BatchTasks {
  constructor(
    private readonly service: TasksService,
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** BatchCreateTasks: `requests` are CreateTaskRequests ({ parent?, task, responseView? }). */
  create(queueName: string, requests: unknown, requestId: unknown, api: string): OperationRecord {
    const list = items(requests, BATCH_LIMITS.createTasks, CLOUD_TASKS_ERRORS.batchCreateEmpty, CLOUD_TASKS_ERRORS.batchCreateTooMany);
    const queue = this.service.getQueue(queueName);
    const asked = list.map((request) => {
      const { parent, task, responseView } = (request ?? {}) as { parent?: unknown; task?: unknown; responseView?: unknown };
      if (parent && parent !== queueName) throw cloudTasksError(CLOUD_TASKS_ERRORS.batchParentMismatch(queueName, String(parent)));
      return { task, view: parseView(responseView) };
    });
    return this.once('BatchCreateTasks', queueName, requestId, api, list.length, (startMs, failed) => {
      const prepared: { index: number; task: ReturnType<TasksService['prepareTask']>; view: TaskView }[] = [];
      asked.forEach(({ task, view }, index) => {
        try {
          prepared.push({ index, task: this.service.prepareTask(queue, task, startMs), view });
        } catch (error) {
          failed[index] = errorOf(error);
        }
      });
      const refused = this.store.tasks.insertMany(
        prepared.map(({ task }) => task),
        startMs,
      );
      for (const [at, error] of refused) failed[prepared[at].index] = errorOf(error);
      if (prepared.length > refused.size) this.service.tasksAdded(queueName);
      // BASIC leaves the body out of the answer: the operation keeps nothing it does not show.
      const created = prepared
        .filter((_, at) => !refused.has(at))
        .map(({ task, view }) => ({ task: view === 'FULL' ? task : { ...task, body: undefined }, view }));
      return { created };
    });
  }

  /** BatchDeleteTasks: `names` are full task names of the queue. */
  delete(queueName: string, names: unknown, requestId: unknown, api: string): OperationRecord {
    const list = items(names, BATCH_LIMITS.deleteNames, CLOUD_TASKS_ERRORS.batchDeleteEmpty, CLOUD_TASKS_ERRORS.batchDeleteTooMany);
    this.service.getQueue(queueName);
    return this.once('BatchDeleteTasks', queueName, requestId, api, list.length, (_startMs, failed) => {
      this.store.transaction(() =>
        list.forEach((name, index) => {
          try {
            this.service.deleteTask(checkTaskName(name, queueName));
          } catch (error) {
            failed[index] = errorOf(error);
          }
        }),
      );
      return {};
    });
  }

  getOperation(name: string): OperationRecord {
    const operation = this.store.getOperation<OperationRecord>(name);
    if (!operation)
      throw cloudTasksError(CLOUD_TASKS_ERRORS.entityNotFound, `There is no operation ${name} (operations are kept for a day).`);
    return operation;
  }

  /**
   * Runs the batch once per request id: a retry with the same id gets the stored operation.
   * The batch and its operation are written in one transaction, so a crash leaves both or neither.
   */
  private once(
    method: BatchMethod,
    queueName: string,
    requestId: unknown,
    api: string,
    count: number,
    run: (startMs: number, failed: OperationRecord['failed']) => Pick<OperationRecord, 'created'>,
  ): OperationRecord {
    if (requestId !== undefined && requestId !== null && requestId !== '' && (typeof requestId !== 'string' || !UUID4.test(requestId))) {
      throw cloudTasksError(CLOUD_TASKS_ERRORS.requestIdFormat, `request_id ${JSON.stringify(requestId)} is not a UUID (version 4).`);
    }
    const id = (requestId as string) || randomUUID();
    const name = `${parentOf(queueName)}/operations/${id}`;
    return this.store.transaction(() => {
      const earlier = this.store.getOperation<OperationRecord>(name);
      if (earlier) {
        if (earlier.method !== method || earlier.queue !== queueName) {
          throw invalidArgument(
            `request_id ${id} was used for a ${earlier.method} of ${earlier.queue}; use a new request_id for this batch`,
          );
        }
        return earlier;
      }
      const startTimeMs = this.now();
      const failed: OperationRecord['failed'] = {};
      const result = run(startTimeMs, failed);
      const operation: OperationRecord = {
        name,
        method,
        api,
        queue: queueName,
        startTimeMs,
        endTimeMs: this.now(),
        items: count,
        failed,
        ...result,
      };
      this.store.putOperation(name, operation, startTimeMs + OPERATION_KEPT_MS);
      return operation;
    });
  }
}
