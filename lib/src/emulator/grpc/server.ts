/**
 * The emulator's gRPC server: Cloud Tasks v2 and v2beta3, google.cloud.location and
 * google.longrunning's GetOperation, plaintext, built when the first gRPC connection comes. It
 * takes the HTTP/2 connections of the emulator's one port (shared-port.ts hands them over), and
 * listens on a port of its own only when asked (--grpc-port). `new CloudTasksClient({ apiEndpoint, port,
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

async function build(service: TasksService, batches: BatchTasks): Promise<GrpcServerHandle> {
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

/**
 * The gRPC server, built on first use: loading grpc-js and the protos takes 250-500 ms, which a
 * start (and a restart after a crash) need not wait for when no gRPC client has connected yet.
 * A connection that comes meanwhile waits, paused, for the server to be ready.
 */
export function createGrpcServer(service: TasksService, batches: BatchTasks, log?: (line: string) => void): GrpcServerHandle {
  let built: Promise<GrpcServerHandle> | undefined;
  const ready = () => (built ??= build(service, batches));
  return {
    serveConnection: (connection) => {
      // Until the gRPC server owns it, a reset only ends the connection.
      const onError = () => connection.destroy();
      connection.on('error', onError);
      ready().then(
        (server) => {
          connection.off('error', onError);
          if (!connection.destroyed) server.serveConnection(connection);
        },
        (error: Error) => {
          log?.(`the gRPC server could not start: ${error.message}`);
          connection.destroy();
        },
      );
    },
    listen: async (host, port) => (await ready()).listen(host, port),
    stop: async () => {
      const server = await built?.catch(() => undefined);
      await server?.stop();
    },
  };
}
