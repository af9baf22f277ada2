/**
 * The Cloud Tasks v2 and v2beta3 services, google.cloud.location's and google.longrunning's
 * Operations, from the .proto files that @google-cloud/tasks and google-gax already ship (the
 * same definitions Google's clients use), so the emulator serves exactly the wire format
 * `new CloudTasksClient()` (v2) and `new v2beta3.CloudTasksClient()` speak by default.
 */
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type * as Grpc from '@grpc/grpc-js';

export interface CloudTasksProtos {
  grpc: typeof Grpc;
  cloudTasks: Grpc.ServiceDefinition;
  cloudTasksV2beta3: Grpc.ServiceDefinition;
  locations: Grpc.ServiceDefinition;
  operations: Grpc.ServiceDefinition;
}

/** How proto-loader hands messages over: camelCase keys, enum names, int64 as strings, bytes as Buffers. */
const LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false } as const;

/** The package's folder, from a file inside it: the path up to node_modules/<name>. */
function packageDir(entry: string, name: string): string {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`Cannot find the ${name} package folder from ${entry}: reinstall dependencies (npm ci)`);
  return entry.slice(0, at + marker.length - 1);
}

async function load(): Promise<CloudTasksProtos> {
  const require = createRequire(import.meta.url);
  // Both packages put their protos under build/protos, next to their entry points (their exports
  // maps hide package.json); resolve them from where npm installed them.
  const tasksDir = packageDir(require.resolve('@google-cloud/tasks'), '@google-cloud/tasks');
  const gaxDir = packageDir(require.resolve('google-gax', { paths: [tasksDir] }), 'google-gax');
  const tasksRoot = join(tasksDir, 'build', 'protos');
  const gaxRoot = join(gaxDir, 'build', 'protos');
  const [grpc, loader] = await Promise.all([import('@grpc/grpc-js'), import('@grpc/proto-loader')]);
  const definition = await loader.load(
    [
      join(tasksRoot, 'google/cloud/tasks/v2/cloudtasks.proto'),
      join(tasksRoot, 'google/cloud/tasks/v2beta3/cloudtasks.proto'),
      join(gaxRoot, 'google/cloud/location/locations.proto'),
      join(gaxRoot, 'google/longrunning/operations.proto'),
    ],
    { ...LOADER_OPTIONS, includeDirs: [tasksRoot, gaxRoot] },
  );
  return {
    grpc,
    cloudTasks: definition['google.cloud.tasks.v2.CloudTasks'] as Grpc.ServiceDefinition,
    cloudTasksV2beta3: definition['google.cloud.tasks.v2beta3.CloudTasks'] as Grpc.ServiceDefinition,
    locations: definition['google.cloud.location.Locations'] as Grpc.ServiceDefinition,
    operations: definition['google.longrunning.Operations'] as Grpc.ServiceDefinition,
  };
}

// The emulator runs in its own process (the CLI, a test), never inside Next's module instances,
// so a module-level cache is enough here (and the emulator may not import runtime/).
let loaded: Promise<CloudTasksProtos> | undefined;

/** Loaded once (~100 ms), on the first start of a gRPC server. */
export function loadCloudTasksProtos(): Promise<CloudTasksProtos> {
  return (loaded ??= load());
}
