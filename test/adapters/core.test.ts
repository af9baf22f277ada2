import { handleDeferredRequest, type DeadLetterEntry, type Manifest } from 'next-cloud-tasks';
import { runContractSuite, type ContractDelivery } from './contract-suite';
import { certsServer, contractResult, EVERY_AUTH_CASE, HANDLER_CONFIG, signedTaskRequest } from './signed-request';

let manifest: Manifest;
let deadLetter: (entry: DeadLetterEntry) => void;

const handle = async (request: Request, delivery: ContractDelivery) => {
  const options = { manifest, config: HANDLER_CONFIG, deadLetter, isLastAttempt: () => delivery.lastAttempt ?? false };
  return contractResult(await handleDeferredRequest(request, options));
};

runContractSuite('handleDeferredRequest (the core)', {
  setUp(m, sink) {
    [manifest, deadLetter] = [m, sink];
    certsServer.listen({ onUnhandledFrame: 'error' } as never);
  },
  holdsTasks: false,
  deliver: async (delivery) => handle(await signedTaskRequest(delivery), delivery),
  auth: { cases: EVERY_AUTH_CASE, deliver: async (delivery, token) => handle(await signedTaskRequest(delivery, token), delivery) },
  tearDown: () => certsServer.close(),
});
