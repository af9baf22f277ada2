import { handleDeferredRequest, type DeadLetterEntry, type Manifest } from 'next-cloud-tasks';
import { runContractSuite } from './contract-suite';
import { certsServer, contractResult, HANDLER_CONFIG, signedTaskRequest } from './signed-request';

let manifest: Manifest;
let deadLetter: (entry: DeadLetterEntry) => void;

runContractSuite('handleDeferredRequest (the core)', {
  setUp(m, sink) {
    [manifest, deadLetter] = [m, sink];
    certsServer.listen({ onUnhandledFrame: 'error' } as never);
  },
  async deliver(delivery) {
    const options = { manifest, config: HANDLER_CONFIG, deadLetter, isLastAttempt: () => delivery.lastAttempt ?? false };
    return contractResult(await handleDeferredRequest(await signedTaskRequest(delivery), options));
  },
  tearDown: () => certsServer.close(),
});
