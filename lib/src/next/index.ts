/**
 * `next-cloud-tasks/next`: the Next.js adapter. Everything that knows about Next lives in this
 * folder; the core (handleDeferredRequest, defer) takes and returns Web standard objects.
 *
 * - createDeferredRoute(manifest): the task route's handlers (route.ts)
 * - runAfterResponse(work), afterResponse(fn): fire-and-forget work on Next's after() (after-response.ts)
 * - registerDeferred(options): what instrumentation.ts runs at start (register.ts)
 */
export { createDeferredRoute } from './route.js';
export { afterResponse, runAfterResponse } from './after-response.js';
export { registerDeferred } from './register.js';
export type { RegisterDeferredOptions } from './register.js';
export { propagateRequestTrace } from './request-trace.js';
