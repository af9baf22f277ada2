/**
 * The one place the World checks who is calling: the deferred route's own OIDC check (issuer,
 * audience, service-account email, key rotation), with the same configuration. The flow and step
 * routes run a message only after it says yes.
 */
import type { Outcome } from '../contract/outcomes.js';
import { verifyTaskToken } from '../handle/verify-token.js';
import { handlerConfig } from '../runtime/settings.js';
import { describeError } from '../runtime/logger.js';

export type CallbackVerdict = { ok: true } | { ok: false; outcome: Outcome; reason: string };

const REFUSED: Record<401 | 403 | 503, Outcome> = { 401: 'unauthorized', 403: 'forbidden', 503: 'unavailable' };

/** Never throws: a missing setting fails closed, as `misconfigured` (500, retried once fixed). */
export async function verifyCallback(request: Request): Promise<CallbackVerdict> {
  let config;
  try {
    config = handlerConfig();
  } catch (error) {
    return { ok: false, outcome: 'misconfigured', reason: describeError(error) };
  }
  const verdict = await verifyTaskToken(request.headers.get('authorization'), config);
  return verdict.ok ? { ok: true } : { ok: false, outcome: REFUSED[verdict.status], reason: verdict.reason };
}
