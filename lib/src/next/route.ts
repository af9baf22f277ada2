import { handleDeferredRequest, type HandlerOptions } from '../handle/handler.js';
import type { Manifest } from '../runtime/registry.js';
import { installNextDefaults } from './request-trace.js';

/** One of the task route's handlers: a Web Request in, a Response out. */
export type DeferredRouteHandler = (request: Request) => Promise<Response>;

/** The task route's options: handleDeferredRequest's, the manifest apart. */
export type DeferredRouteOptions = Omit<HandlerOptions, 'manifest'>;

/**
 * The task route's handlers, for `app/%5Fah/queue/deferred/[[...suffix]]/route.ts`:
 * `export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);`
 * Every method is exported so that a wrong one gets the contract's 405 with `Allow: POST`.
 */
export function createDeferredRoute(manifest: Manifest, options: DeferredRouteOptions = {}) {
  // Tasks that the handled functions defer carry the task request's trace.
  installNextDefaults();
  const handler: DeferredRouteHandler = (request) => handleDeferredRequest(request, { ...options, manifest });
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
