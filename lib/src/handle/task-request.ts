/**
 * What every route Cloud Tasks calls does before its own work, so the deferred route and the
 * workflow World's flow and step routes refuse alike: only POST, a retryable answer while the
 * instance shuts down, the task tracked until its answer, and one outcome per token refusal.
 */
import { outcomeResponse, type Outcome } from '../contract/outcomes.js';
import { isDraining, trackTask } from '../runtime/shutdown.js';

/** 503 with Retry-After: Cloud Tasks retries, and the connection closes so the next try lands elsewhere. */
const shuttingDown = () => outcomeResponse('shutting-down', { headers: { 'retry-after': '1', connection: 'close' } });

/** 405 for anything but POST; 503 when shutting down (SIGTERM, see shutdown.ts: a retryable answer now beats being killed mid-task); else `serve`, tracked. */
export function acceptTaskRequest(request: Request, serve: () => Promise<Response>): Response | Promise<Response> {
  if (request.method !== 'POST') return outcomeResponse('method-not-allowed', { headers: { allow: 'POST' } });
  if (isDraining()) return shuttingDown();
  return trackTask(request, serve, shuttingDown);
}

/** The outcome of each status verifyTaskToken refuses with. */
export const REFUSED_TOKEN: Record<401 | 403 | 503, Outcome> = { 401: 'unauthorized', 403: 'forbidden', 503: 'unavailable' };
