import { handleDeferredRequest, type HandlerOptions } from '../handle/handler.js';
import type { Manifest } from '../runtime/registry.js';
import { propagateRequestTrace } from './request-trace.js';

type RouteHandler = (request: Request) => Promise<Response>;

/**
 * The task route's handlers, for `app/%5Fah/queue/deferred/[[...suffix]]/route.ts`:
 * `export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);`
 * Every method is exported so that a wrong one gets the contract's 405 with `Allow: POST`.
 */
export function createDeferredRoute(manifest: Manifest, options: Omit<HandlerOptions, 'manifest'> = {}) {
  // Tasks that the handled functions defer carry the task request's trace.
  propagateRequestTrace();
  const handler: RouteHandler = (request) => handleDeferredRequest(request, { ...options, manifest });
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
