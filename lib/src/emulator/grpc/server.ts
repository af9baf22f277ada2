/**
 * The emulator's gRPC server: Cloud Tasks v2 and v2beta3, google.cloud.location and
 * google.longrunning's GetOperation, plaintext. It takes the
 * HTTP/2 connections of the emulator's one port (shared-port.ts hands them over), and listens on
 * a port of its own only when asked (--grpc-port). `new CloudTasksClient({ apiEndpoint, port,
 * sslCreds: grpc.credentials.createInsecure() })` reaches it unchanged at the emulator's address,
 * as do Google's clients in other languages.
 */
import type { Duplex } from 'node:stream';
import { joinHostPort } from '../../contract/host-port.js';
import type { BatchTasks } from '../batch-tasks.js';
import { MAX_BATCH_REQUEST_BYTES } from '../rest-api.js';
import type { TasksService } from '../tasks-service.js';
import { cloudTasksMethods, grpcHandlers, locationMethods, operationMethods } from './cloud-tasks-service.js';
import { loadCloudTasksProtos } from './protos.js';

export interface GrpcServerHandle {
  /** Serves one HTTP/2 connection (its preface may already be read back onto it). */
  serveConnection(connection: Duplex): void;
  /** Listens on a port of its own too; resolves with the port bound. */
  listen(host: string, port: number): Promise<number>;
  stop(): Promise<void>;
}

export async function createGrpcServer(service: TasksService, batches: BatchTasks): Promise<GrpcServerHandle> {
  const { grpc, cloudTasks, cloudTasksV2beta3, locations, operations } = await loadCloudTasksProtos();
  // A batch of 100 tasks is one message: take what the REST API takes (grpc-js's default is 4 MiB).
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_BATCH_REQUEST_BYTES });
  server.addService(cloudTasks, grpcHandlers(grpc, cloudTasks, cloudTasksMethods(service, batches, 'v2')));
  server.addService(cloudTasksV2beta3, grpcHandlers(grpc, cloudTasksV2beta3, cloudTasksMethods(service, batches, 'v2beta3')));
  server.addService(locations, grpcHandlers(grpc, locations, locationMethods(service)));
  server.addService(operations, grpcHandlers(grpc, operations, operationMethods(batches)));
  const credentials = grpc.ServerCredentials.createInsecure();
  const injector = server.createConnectionInjector(credentials);
  return {
    serveConnection: (connection) => injector.injectConnection(connection),
    listen: (host, port) => {
      const address = joinHostPort(host, port);
      return new Promise<number>((resolve, reject) => {
        server.bindAsync(address, credentials, (error, boundPort) => {
          if (error)
            reject(new Error(`The emulator's gRPC server cannot listen on ${address}: ${error.message}. Choose another --grpc-port`));
          else resolve(boundPort);
        });
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        injector.destroy();
        server.tryShutdown(() => resolve());
        // Calls in flight at a stop are cut, like the REST server's connections.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}
