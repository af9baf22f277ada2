import { createDeferredRoute } from 'next-cloud-tasks/next';
import { runContractSuite } from './contract-suite';
import { certsServer, contractResult, EVERY_AUTH_CASE, HANDLER_CONFIG, signedTaskRequest } from './signed-request';

let route: ReturnType<typeof createDeferredRoute>;
let lastAttempt = false;

runContractSuite('createDeferredRoute (the Next route)', {
  setUp(manifest, deadLetter) {
    route = createDeferredRoute(manifest, { config: HANDLER_CONFIG, deadLetter, isLastAttempt: () => lastAttempt });
    certsServer.listen({ onUnhandledFrame: 'error' } as never);
  },
  holdsTasks: false,
  async deliver(delivery) {
    lastAttempt = delivery.lastAttempt ?? false;
    return contractResult(await route.POST(await signedTaskRequest(delivery)));
  },
  auth: {
    cases: EVERY_AUTH_CASE,
    async deliver(delivery, token) {
      lastAttempt = false;
      return contractResult(await route.POST(await signedTaskRequest(delivery, token)));
    },
  },
  tearDown: () => certsServer.close(),
});
