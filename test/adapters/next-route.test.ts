import { createDeferredRoute } from 'next-cloud-tasks/next';
import { runContractSuite } from './contract-suite';
import { certsServer, contractResult, HANDLER_CONFIG, signedTaskRequest } from './signed-request';

let route: ReturnType<typeof createDeferredRoute>;
let lastAttempt = false;

runContractSuite('createDeferredRoute (the Next route)', {
  setUp(manifest, deadLetter) {
    route = createDeferredRoute(manifest, { config: HANDLER_CONFIG, deadLetter, isLastAttempt: () => lastAttempt });
    certsServer.listen({ onUnhandledFrame: 'error' } as never);
  },
  async deliver(delivery) {
    lastAttempt = delivery.lastAttempt ?? false;
    return contractResult(await route.POST(await signedTaskRequest(delivery)));
  },
  tearDown: () => certsServer.close(),
});
