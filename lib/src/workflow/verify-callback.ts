/**
 * The one place the World checks who is calling: the deferred route's own OIDC check (issuer,
 * audience, service-account email, key rotation), with the same configuration. The flow and step
 * routes run a message only after it says yes.
 */
import type { Outcome } from '../contract/outcomes.js';
import { REFUSED_TOKEN } from '../handle/task-request.js';
import { verifyTaskToken } from '../handle/verify-token.js';
import { handlerConfig } from '../runtime/settings.js';
import { describeError } from '../runtime/logger.js';

export type CallbackVerdict = { ok: true } | { ok: false; outcome: Outcome; reason: string };

/** Never throws: a missing setting fails closed, as `misconfigured` (500, retried once fixed). */
export async function verifyCallback(request: Request): Promise<CallbackVerdict> {
  let config;
  try {
    config = handlerConfig();
  } catch (error) {
    return { ok: false, outcome: 'misconfigured', reason: describeError(error) };
  }
  const verdict = await verifyTaskToken(request.headers.get('authorization'), config);
  return verdict.ok ? { ok: true } : { ok: false, outcome: REFUSED_TOKEN[verdict.status], reason: verdict.reason };
}
