/**
 * The emulator's gRPC server: Cloud Tasks v2 and google.cloud.location, on their own port (gRPC
 * is HTTP/2; the REST API and the dashboard stay on HTTP/1.1), plaintext, bound like the REST
 * server. `new CloudTasksClient({ apiEndpoint, port, sslCreds: grpc.credentials.createInsecure() })`
 * reaches it unchanged, as do Google's clients in other languages.
 */
import { joinHostPort } from '../../contract/host-port.js';
import type { TasksService } from '../tasks-service.js';
import { cloudTasksMethods, grpcHandlers, locationMethods } from './cloud-tasks-service.js';
import { loadCloudTasksProtos } from './protos.js';

export interface GrpcServerHandle {
  port: number;
  stop(): Promise<void>;
}

export async function startGrpcServer(service: TasksService, host: string, port: number): Promise<GrpcServerHandle> {
  const { grpc, cloudTasks, locations } = await loadCloudTasksProtos();
  const server = new grpc.Server();
  server.addService(cloudTasks, grpcHandlers(grpc, cloudTasks, cloudTasksMethods(service)));
  server.addService(locations, grpcHandlers(grpc, locations, locationMethods(service)));
  const address = joinHostPort(host, port);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) reject(new Error(`The emulator's gRPC server cannot listen on ${address}: ${error.message}. Choose another --grpc-port`));
      else resolve(boundPort);
    });
  });
  return {
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls in flight at a stop are cut, like the REST server's connections.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}
