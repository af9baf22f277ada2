/**
 * The emulator's gRPC server: Cloud Tasks v2 and google.cloud.location, plaintext. It takes the
 * HTTP/2 connections of the emulator's one port (shared-port.ts hands them over), and listens on
 * a port of its own only when asked (--grpc-port). `new CloudTasksClient({ apiEndpoint, port,
 * sslCreds: grpc.credentials.createInsecure() })` reaches it unchanged at the emulator's address,
 * as do Google's clients in other languages.
 */
import type { Duplex } from 'node:stream';
import { joinHostPort } from '../../contract/host-port.js';
import type { TasksService } from '../tasks-service.js';
import { cloudTasksMethods, grpcHandlers, locationMethods } from './cloud-tasks-service.js';
import { loadCloudTasksProtos } from './protos.js';

export interface GrpcServerHandle {
  /** Serves one HTTP/2 connection (its preface may already be read back onto it). */
  serveConnection(connection: Duplex): void;
  /** Listens on a port of its own too; resolves with the port bound. */
  listen(host: string, port: number): Promise<number>;
  stop(): Promise<void>;
}

export async function createGrpcServer(service: TasksService): Promise<GrpcServerHandle> {
  const { grpc, cloudTasks, locations } = await loadCloudTasksProtos();
  const server = new grpc.Server();
  server.addService(cloudTasks, grpcHandlers(grpc, cloudTasks, cloudTasksMethods(service)));
  server.addService(locations, grpcHandlers(grpc, locations, locationMethods(service)));
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
