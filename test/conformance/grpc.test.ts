/**
 * The conformance suite over gRPC, the default transport of @google-cloud/tasks (and of
 * Google's clients in every language): an unchanged client, only pointed at the emulator's one
 * address, the same `apiEndpoint` and `port` the REST adapter uses (rest.test.ts).
 */
import { grpcClientOptions } from '../emulator/support/client';
import { describeConformance } from './support/suite';

describeConformance({
  name: 'gRPC',
  connect: async (emulator) => {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    return new CloudTasksClient(grpcClientOptions({ host: emulator.host, port: emulator.port }));
  },
});
