/**
 * `next-cloud-tasks/next`: the Next.js adapter. Everything that knows about Next lives in this
 * folder; the core (handleDeferredRequest, defer) takes and returns Web standard objects.
 *
 * - registerDeferred(options): what instrumentation.ts runs at start, the one way to set the options (register.ts)
 * - createDeferredRoute(manifest, options): the task route's handlers (route.ts)
 * - runAfterResponse(work), afterResponse(fn): fire-and-forget work on Next's after() (after-response.ts)
 */
export { registerDeferred } from './register.js';
export type { CloudTasksOptions } from '../runtime/options.js';
export { createDeferredRoute } from './route.js';
export type { DeferredRouteHandler, DeferredRouteOptions } from './route.js';
export { afterResponse, runAfterResponse } from './after-response.js';
