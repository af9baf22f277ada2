/**
 * The google.longrunning.Operation that BatchCreateTasks and BatchDeleteTasks answer with, and
 * that GetOperation returns again later: done at once (the emulator does the work before it
 * answers), its metadata the batch's state and failed items (by their index in the request),
 * its response the created tasks (BatchCreateTasksResponse) or Empty. When no deletion succeeded,
 * `error` is ABORTED instead of a response, as BatchDeleteTasksMetadata's comment says.
 */
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { formatTimestamp } from '../contract/proto-json.js';
import type { ApiStatus } from './api-error.js';
import type { TaskRecord, TaskView } from './model.js';
import { taskToJson } from './task-resource.js';

export type BatchMethod = 'BatchCreateTasks' | 'BatchDeleteTasks';

export interface OperationRecord {
  /** projects/P/locations/L/operations/ID; ID is the request's request_id when it has one. */
  name: string;
  method: BatchMethod;
  /** The API version asked (v2, v2beta3): the metadata and response types are that version's. */
  api: string;
  /** The queue the batch was for. */
  queue: string;
  startTimeMs: number;
  endTimeMs: number;
  /** How many items the request had. */
  items: number;
  /** Why an item failed, by its index in the request. */
  failed: Record<number, { status: ApiStatus; message: string }>;
  /** BatchCreateTasks: the tasks created, each in its CreateTaskRequest's response view. */
  created?: { task: TaskRecord; view: TaskView }[];
}

/** BatchCreateTasksMetadata.State and BatchDeleteTasksMetadata.State: the two a finished batch can be in. */
const STATES = { SUCCEEDED: 2, PARTIALLY_SUCCEEDED: { BatchCreateTasks: 5, BatchDeleteTasks: 3 } } as const;

const typeUrl = (api: string, message: string) => `type.googleapis.com/google.cloud.tasks.${api}.${message}`;

function operationState(operation: OperationRecord): 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' {
  return Object.keys(operation.failed).length ? 'PARTIALLY_SUCCEEDED' : 'SUCCEEDED';
}

/** google.rpc.Status of a failed item: Google's code and message (the emulator's hints stay out: clients decode no DebugInfo here). */
const itemStatus = ({ status, message }: { status: ApiStatus; message: string }) => ({ code: RPC_CODE[status], message });

/** Google's JSON for the operation (REST); `@type` names the metadata and response messages. */
export function operationToJson(operation: OperationRecord, enumsAsInt: boolean): Record<string, unknown> {
  const state = operationState(operation);
  const stateValue = state === 'SUCCEEDED' ? STATES.SUCCEEDED : STATES.PARTIALLY_SUCCEEDED[operation.method];
  const failed = Object.entries(operation.failed);
  const metadata = {
    '@type': typeUrl(operation.api, `${operation.method}Metadata`),
    startTime: formatTimestamp(operation.startTimeMs),
    endTime: formatTimestamp(operation.endTimeMs),
    state: enumsAsInt ? stateValue : state,
    ...(failed.length ? { failedRequests: Object.fromEntries(failed.map(([index, why]) => [index, itemStatus(why)])) } : {}),
  };
  // As BatchDeleteTasksMetadata's comment says; BatchCreateTasksMetadata's says nothing of it, so a batch create
  // whose items all failed answers PARTIALLY_SUCCEEDED with no tasks.
  if (operation.method === 'BatchDeleteTasks' && failed.length === operation.items) {
    return { name: operation.name, metadata, done: true, error: itemStatus(CLOUD_TASKS_ERRORS.batchDeleteNoneSucceeded) };
  }
  const response =
    operation.method === 'BatchCreateTasks'
      ? {
          '@type': typeUrl(operation.api, 'BatchCreateTasksResponse'),
          tasks: (operation.created ?? []).map(({ task, view }) => taskToJson(task, view, enumsAsInt)),
        }
      : { '@type': 'type.googleapis.com/google.protobuf.Empty' };
  return { name: operation.name, metadata, done: true, response };
}
