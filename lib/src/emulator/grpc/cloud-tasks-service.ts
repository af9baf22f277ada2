/**
 * The Cloud Tasks gRPC methods (v2, and v2beta3's batches; google.cloud.location's and
 * google.longrunning's GetOperation), each a thin call into the TasksService or BatchTasks the
 * REST API uses: the same validation, the same errors, the same store. Only the encoding differs
 * (resources.ts, status.ts). A v2 message has no retryConfig field, so a v2 client neither sends
 * nor sees one; v2beta3's has.
 */
import type * as Grpc from '@grpc/grpc-js';
import type { JsonObject } from '../../contract/proto-json.js';
import { queueToJson } from '../queue-resource.js';
import { parseView, taskToJson } from '../task-resource.js';
import type { TasksService } from '../tasks-service.js';
import type { BatchTasks } from '../batch-tasks.js';
import { operationToJson } from '../operation-resource.js';
import { operationToGrpc, queueToGrpc, requestBytesToBase64, taskToGrpc } from './resources.js';
import { toGrpcError } from './status.js';

// proto-loader hands requests over as plain, untyped objects shaped by the .proto files.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Request = Record<string, any>;
type Method = (request: Request) => unknown;

const page = (value: unknown) => (value ? String(value) : null);
const queueOut = (queue: Parameters<typeof queueToJson>[0]) => queueToGrpc(queueToJson(queue, false));
const taskOut = (task: Parameters<typeof taskToJson>[0], view: unknown) => taskToGrpc(taskToJson(task, parseView(view), false));
/** gRPC clients send update-mask paths in snake_case; queue-resource.ts reads both. */
const maskOf = (request: Request) => (request.updateMask?.paths?.length ? (request.updateMask.paths as string[]).join(',') : null);

const operationOut = (operation: Parameters<typeof operationToJson>[0]) => operationToGrpc(operationToJson(operation, false));

/** The methods of both versions: a version's service definition picks those it has (v2 has no batches over gRPC). */
export function cloudTasksMethods(service: TasksService, batches: BatchTasks, api: string): Record<string, Method> {
  return {
    ListQueues: (r) => {
      const result = service.listQueues(r.parent, r.filter || null, page(r.pageSize), r.pageToken || null);
      return { queues: result.items.map(queueOut), nextPageToken: result.nextPageToken ?? '' };
    },
    GetQueue: (r) => queueOut(service.getQueue(r.name)),
    CreateQueue: (r) => queueOut(service.createQueue(r.parent, (r.queue ?? {}) as JsonObject)),
    UpdateQueue: (r) => queueOut(service.updateQueue(r.queue?.name, (r.queue ?? {}) as JsonObject, maskOf(r))),
    DeleteQueue: (r) => (service.deleteQueue(r.name), {}),
    PurgeQueue: (r) => queueOut(service.purgeQueue(r.name)),
    PauseQueue: (r) => queueOut(service.setQueueState(r.name, 'PAUSED')),
    ResumeQueue: (r) => queueOut(service.setQueueState(r.name, 'RUNNING')),
    ListTasks: (r) => {
      const result = service.listTasks(r.parent, page(r.pageSize), r.pageToken || null);
      return { tasks: result.items.map((task) => taskOut(task, r.responseView)), nextPageToken: result.nextPageToken ?? '' };
    },
    GetTask: (r) => taskOut(service.getTask(r.name), r.responseView),
    CreateTask: (r) => taskOut(service.createTask(r.parent, requestBytesToBase64(r.task)), r.responseView),
    DeleteTask: (r) => (service.deleteTask(r.name), {}),
    RunTask: (r) => taskOut(service.runTask(r.name), r.responseView),
    BatchCreateTasks: (r) => operationOut(batches.create(r.parent, requestBytesToBase64(r.requests), r.requestId, api)),
    BatchDeleteTasks: (r) => operationOut(batches.delete(r.parent, r.names, r.requestId, api)),
  };
}

export function operationMethods(batches: BatchTasks): Record<string, Method> {
  return { GetOperation: (r) => operationOut(batches.getOperation(r.name)) };
}

export function locationMethods(service: TasksService): Record<string, Method> {
  return {
    ListLocations: (r) => ({ locations: service.listLocations(String(r.name ?? '').replace(/^projects\//, '')), nextPageToken: '' }),
    GetLocation: (r) => service.getLocation(r.name),
  };
}

/** grpc-js handlers for a service definition: known methods call `methods`, the rest are UNIMPLEMENTED. */
export function grpcHandlers(
  grpc: typeof Grpc,
  definition: Grpc.ServiceDefinition,
  methods: Record<string, Method>,
): Grpc.UntypedServiceImplementation {
  const handlers: Grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const rpc = methods[name] ?? methods[method.originalName ?? ''];
    handlers[name] = (call: Grpc.ServerUnaryCall<Request, unknown>, callback: Grpc.sendUnaryData<unknown>) => {
      if (!rpc) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not a method the emulator implements` });
        return;
      }
      try {
        callback(null, rpc(call.request));
      } catch (error) {
        callback(toGrpcError(grpc, error));
      }
    };
  }
  return handlers;
}
